//! Checks T-Mobile proof-of-possession tokens as T-Mobile's reference
//! validator (`tmobile-api-security-lib`) does: the RS256 signature with
//! the client's key, `exp`/`iat`/`nbf` with 10 s of leeway, and `edts`
//! recomputed over the values of the items `ehts` names, compared without
//! regard to case.
//!
//! Stricter than that library, as a gateway in front of an API must be
//! (the library leaves these to its caller): a token is used once (`jti`,
//! required), carries `iat` and `exp` and lives no longer than T-Mobile's
//! builders make it, and binds the request: `ehts` names at least `uri`,
//! `http-method`, `Authorization` (on API calls) and `body` when a body
//! means something.
//!
//! One latitude, as a gateway must allow: a GET or DELETE body carries no
//! meaning (RFC 9110), and clients that send `{}` with a DELETE but sign it
//! as a request without a body (T-Mobile's SDK does) are accepted; a token
//! that signs `body` over the bytes sent passes too.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Method;
use http::request::Parts;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde_json::Value;

use crate::store::Timeline;

/// Seconds of clock skew allowed either way (the reference validator's
/// `ACCEPTED_LEEWAY_SECONDS`).
const LEEWAY: u64 = 10;
/// The longest life a token may claim, `exp - iat`: T-Mobile's builders
/// all make `exp = iat + 120`. Both claims come from the client's one
/// clock, so the skew between client and server ([`LEEWAY`]) is not added:
/// it is allowed where the claims meet the server's clock instead.
const MAX_LIFETIME: u64 = 120;
/// The largest date claim read (9999-12-31T23:59:59Z): any later date is
/// no date a client means, and bounding it keeps time arithmetic exact.
const MAX_DATE: u64 = 253_402_300_799;
/// The most items `ehts` may name (T-Mobile's builders refuse more).
const MAX_SIGNED_ITEMS: usize = 100;

/// What a PoP token is presented for: the binding it must show differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presented {
    /// The TAAP token request, authenticated by Basic credentials.
    TokenRequest,
    /// An API call, which must bind its `Authorization` (the access token).
    ApiCall,
}

/// The `jti` values of tokens seen and not yet expired.
#[derive(Debug, Default)]
pub(crate) struct SeenTokens {
    ids: HashSet<Box<str>>,
    forget: Timeline<Box<str>>,
}

/// `secs` after 1970; `None` past what `SystemTime` holds.
fn instant(secs: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

impl SeenTokens {
    /// Records `jti` until `until`; false when it was seen already.
    fn first_use(&mut self, jti: &str, until: SystemTime, now: SystemTime) -> bool {
        while let Some((_, old)) = self.forget.pop_due(now) {
            self.ids.remove(&old);
        }
        if !self.ids.insert(jti.into()) {
            return false;
        }
        self.forget.schedule(until, jti.into());
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.ids.len()
    }
}

fn decode_json(part: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "bad PoP token encoding")?;
    serde_json::from_slice(&bytes).map_err(|e| format!("bad PoP token JSON: {e}"))
}

/// A NumericDate claim, when present: whole seconds since 1970 (what
/// T-Mobile's builders write), up to [`MAX_DATE`].
fn date(claims: &Value, name: &str) -> Result<Option<u64>, String> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .filter(|secs| *secs <= MAX_DATE)
            .map(Some)
            .ok_or_else(|| {
                // A number prints short; anything else could be long.
                let got = match value {
                    Value::Number(n) => n.to_string(),
                    Value::String(_) => "a string".to_owned(),
                    _ => "another JSON type".to_owned(),
                };
                format!(
                    "PoP claim {name} is not a date: whole seconds since 1970 (0 to {MAX_DATE}) expected, got {got}"
                )
            }),
    }
}

fn required_date(claims: &Value, name: &str) -> Result<u64, String> {
    date(claims, name)?.ok_or_else(|| format!("the PoP token has no {name}"))
}

/// The bytes `ehts` asks for, concatenated, with `body` standing for the body.
fn signed_bytes(names: &[&str], parts: &Parts, body: &[u8]) -> Result<Vec<u8>, String> {
    let mut signed = Vec::new();
    for name in names {
        match *name {
            "uri" => signed.extend_from_slice(
                parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .as_bytes(),
            ),
            "http-method" => signed.extend_from_slice(parts.method.as_str().as_bytes()),
            "body" => signed.extend_from_slice(body),
            other if other.eq_ignore_ascii_case("x-authorization") => {
                return Err("the PoP token must not sign X-Authorization".to_owned());
            }
            other => signed.extend_from_slice(
                parts
                    .headers
                    .get(other)
                    .ok_or_else(|| format!("signed header {other} is missing"))?
                    .as_bytes(),
            ),
        }
    }
    Ok(signed)
}

/// Whether the body of a request with `method` means anything (RFC 9110).
fn body_means_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::DELETE)
}

/// The items of `ehts`, refused when they do not bind the request.
fn bound_items<'a>(
    ehts: &'a str,
    parts: &Parts,
    body: &[u8],
    presented: Presented,
) -> Result<Vec<&'a str>, String> {
    let names: Vec<&str> = ehts.split(';').collect();
    if names.len() > MAX_SIGNED_ITEMS {
        return Err(format!(
            "ehts names {} items; at most {MAX_SIGNED_ITEMS}",
            names.len()
        ));
    }
    if names.iter().any(|n| n.trim().is_empty()) {
        return Err("ehts names a blank item".to_owned());
    }
    let mut needed = vec!["uri", "http-method"];
    if presented == Presented::ApiCall {
        needed.push("Authorization");
    }
    if !body.is_empty() && body_means_something(&parts.method) {
        needed.push("body");
    }
    // Header names are matched without regard to case, as headers are.
    let unsigned: Vec<&str> = needed
        .into_iter()
        .filter(|need| !names.iter().any(|n| n.eq_ignore_ascii_case(need)))
        .collect();
    if !unsigned.is_empty() {
        return Err(format!(
            "the PoP token does not bind the request: ehts must name {}",
            unsigned.join(", ")
        ));
    }
    Ok(names)
}

/// Verifies the `X-Authorization` PoP token of a request against the
/// client's public key (PKCS#1 DER), `now`, and the tokens already used.
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    public_key_der: &[u8],
    now: SystemTime,
    seen: &mut SeenTokens,
    presented: Presented,
) -> Result<(), String> {
    let token = parts
        .headers
        .get("x-authorization")
        .ok_or("missing X-Authorization PoP token")?
        .to_str()
        .map_err(|_| "X-Authorization is not text")?;
    let mut pieces = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return Err("the PoP token is not a compact JWS".to_owned());
    };
    if decode_json(header)?.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err("the PoP token is not RS256".to_owned());
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "bad PoP signature encoding")?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key_der)
        .verify(format!("{header}.{payload}").as_bytes(), &signature)
        .map_err(|_| "the PoP signature does not verify")?;
    let claims = decode_json(payload)?;
    let now_secs = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970")?
        .as_secs();
    let exp = required_date(&claims, "exp")?;
    let iat = required_date(&claims, "iat")?;
    let nbf = date(&claims, "nbf")?;
    if exp < iat {
        return Err("the PoP token expires (exp) before it was issued (iat)".to_owned());
    }
    if exp - iat > MAX_LIFETIME {
        return Err(format!(
            "the PoP token lives {} s (exp - iat); at most {MAX_LIFETIME} s",
            exp - iat
        ));
    }
    // All dates are at most MAX_DATE, so these sums cannot overflow.
    if now_secs > exp + LEEWAY {
        return Err("the PoP token is expired".to_owned());
    }
    if iat > now_secs + LEEWAY || nbf.is_some_and(|nbf| nbf > now_secs + LEEWAY) {
        return Err("the PoP token is not valid yet".to_owned());
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|jti| !jti.trim().is_empty())
        .ok_or("the PoP token has no jti (a fresh id makes it usable once)")?;
    let ehts = claims
        .get("ehts")
        .and_then(Value::as_str)
        .filter(|e| !e.trim().is_empty())
        .ok_or("the PoP token has no ehts")?;
    let edts = claims
        .get("edts")
        .and_then(Value::as_str)
        .ok_or("the PoP token has no edts")?;
    let names = bound_items(ehts, parts, body, presented)?;
    let bodies: &[&[u8]] = if !body_means_something(&parts.method) && !body.is_empty() {
        &[body, b""]
    } else {
        &[body]
    };
    let mut matched = false;
    for candidate in bodies {
        let digest = ring::digest::digest(
            &ring::digest::SHA256,
            &signed_bytes(&names, parts, candidate)?,
        );
        matched |= URL_SAFE_NO_PAD.encode(digest).eq_ignore_ascii_case(edts);
    }
    if !matched {
        return Err("edts does not match the request".to_owned());
    }
    let until = instant(exp + LEEWAY).ok_or("the PoP token's exp is out of range")?;
    if !seen.first_use(jti, until, now) {
        return Err("the PoP token was used before (jti replay)".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    use serde_json::json;

    const PRIVATE: &[u8] = include_bytes!("../../../qod-core/tests/fixtures/test-rsa-2048.pem");
    const PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048.pkcs1.der");

    fn key() -> RsaKeyPair {
        let text = std::str::from_utf8(PRIVATE).unwrap();
        let base64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(base64)
            .unwrap();
        RsaKeyPair::from_pkcs8(&der).unwrap()
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    /// A PoP token with these claims, signed by the fixture key.
    fn token(claims: Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let input = format!("{header}.{payload}");
        let key = key();
        let mut signature = vec![0; key.public().modulus_len()];
        key.sign(
            &RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            input.as_bytes(),
            &mut signature,
        )
        .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    fn edts(values: &[&[u8]]) -> String {
        URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            &values.concat(),
        ))
    }

    /// Claims as T-Mobile's builders make them.
    fn claims(ehts: &str, edts: &str) -> Value {
        let now = now();
        json!({"ehts": ehts, "edts": edts, "jti": uuid::Uuid::new_v4().to_string(),
               "v": "1", "iat": now, "exp": now + 120})
    }

    fn request(method: &str, uri: &str, token: &str) -> Parts {
        http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer abc")
            .header("x-authorization", token)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    fn check(parts: &Parts, body: &[u8]) -> Result<(), String> {
        verify(
            parts,
            body,
            PUBLIC,
            SystemTime::now(),
            &mut SeenTokens::default(),
            Presented::ApiCall,
        )
    }

    const PATH: &str = "/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000";
    const GET_ITEMS: &str = "Authorization;uri;http-method";

    /// `edts` of [`GET_ITEMS`] for a GET of [`PATH`].
    fn get_edts() -> String {
        edts(&[b"Bearer abc", PATH.as_bytes(), b"GET"])
    }

    #[test]
    fn published_vectors_and_a_signed_request() {
        // The edts test vectors of T-Mobile's reference page.
        assert_eq!(
            edts(&[b"Bearer abc123", PATH.as_bytes(), b"GET"]),
            "l-OVywM3hIeyV3KXg8bYf_nN-nmIslhwIg8Tlqnz7kg"
        );
        let signed = token(claims(GET_ITEMS, &get_edts()));
        check(&request("GET", PATH, &signed), b"").unwrap();
    }

    #[test]
    fn a_delete_with_a_body_signed_as_without_one() {
        // T-Mobile's SDK: `{}` sent, the token made as for no body at all...
        let no_body_item = token(claims(
            "Authorization;uri;http-method",
            &edts(&[b"Bearer abc", PATH.as_bytes(), b"DELETE"]),
        ));
        check(&request("DELETE", PATH, &no_body_item), b"{}").unwrap();
        // ...or a body item over the empty body.
        let empty_body_item = token(claims(
            "Authorization;uri;http-method;body",
            &edts(&[b"Bearer abc", PATH.as_bytes(), b"DELETE", b""]),
        ));
        check(&request("DELETE", PATH, &empty_body_item), b"{}").unwrap();
        // Signing the bytes sent passes as well.
        let sent_body = token(claims(
            "Authorization;uri;http-method;body",
            &edts(&[b"Bearer abc", PATH.as_bytes(), b"DELETE", b"{}"]),
        ));
        check(&request("DELETE", PATH, &sent_body), b"{}").unwrap();
        // A POST's body counts: over the empty body is another request...
        let post = token(claims(
            "Authorization;uri;http-method;body",
            &edts(&[b"Bearer abc", PATH.as_bytes(), b"POST", b""]),
        ));
        let error = check(&request("POST", PATH, &post), b"{}").unwrap_err();
        assert!(error.contains("edts"), "{error}");
        // ...and leaving it out binds nothing of it.
        let unbound = token(claims(
            "Authorization;uri;http-method",
            &edts(&[b"Bearer abc", PATH.as_bytes(), b"POST"]),
        ));
        let error = check(&request("POST", PATH, &unbound), b"{}").unwrap_err();
        assert!(error.contains("must name body"), "{error}");
    }

    #[test]
    fn what_the_sandbox_accepts() {
        let now = now();
        let value = get_edts();
        // Any case of edts, no v or another v, any item order, headers
        // named in any case, the longest life, the clock 10 s off.
        for claims in [
            json!({"ehts": GET_ITEMS, "edts": value.to_ascii_lowercase(), "jti": "2", "iat": now, "exp": now + 60}),
            json!({"ehts": GET_ITEMS, "edts": value, "jti": "3", "iat": now, "exp": now + 120, "v": "2"}),
            json!({"ehts": "http-method;uri;authorization", "edts": edts(&[b"GET", PATH.as_bytes(), b"Bearer abc"]),
                   "jti": "4", "iat": now, "exp": now + 1}),
            json!({"ehts": GET_ITEMS, "edts": value, "jti": "5", "iat": now + 10, "exp": now + 130}),
            json!({"ehts": GET_ITEMS, "edts": value, "jti": "6", "iat": now - 130, "exp": now - 10}),
            json!({"ehts": GET_ITEMS, "edts": value, "jti": "7", "iat": now, "exp": now + 120, "nbf": now + 10}),
        ] {
            check(&request("GET", PATH, &token(claims.clone())), b"")
                .unwrap_or_else(|e| panic!("{claims}: {e}"));
        }
    }

    #[test]
    fn no_date_claim_value_panics() {
        let now = now();
        let odd = [
            json!(9_223_372_036_854_775_808_u64),
            json!(u64::MAX),
            json!(MAX_DATE + 1),
            json!(i64::MIN),
            json!(-1),
            json!(1e300),
            json!(-1e300),
            json!(now as f64 + 0.5),
            json!("1700000000"),
            json!([now]),
            json!({"now": now}),
            json!(true),
        ];
        for claim in ["iat", "exp", "nbf"] {
            for bad in &odd {
                let mut claims = claims(GET_ITEMS, &get_edts());
                claims[claim] = bad.clone();
                let error = check(&request("GET", PATH, &token(claims.clone())), b"")
                    .expect_err(&claims.to_string());
                assert!(error.contains(claim), "{claims}: {error}");
            }
        }
        // Both huge, a life of 0 s: refused, not a time overflow.
        let mut claims = claims(GET_ITEMS, &get_edts());
        claims["iat"] = json!(MAX_DATE);
        claims["exp"] = json!(MAX_DATE);
        let error = check(&request("GET", PATH, &token(claims)), b"").unwrap_err();
        assert!(error.contains("not valid yet"), "{error}");
    }

    #[test]
    fn what_it_refuses() {
        let now = now();
        let value = get_edts();
        let valid = claims(GET_ITEMS, &value);
        let with = |changes: Value| {
            let mut claims = valid.clone();
            for (name, change) in changes.as_object().unwrap() {
                if change.is_null() {
                    claims.as_object_mut().unwrap().remove(name);
                } else {
                    claims[name] = change.clone();
                }
            }
            claims
        };
        for (claims, reason) in [
            (with(json!({"iat": now - 131, "exp": now - 11})), "expired"),
            (
                with(json!({"iat": now + 11, "exp": now + 20})),
                "not valid yet",
            ),
            (with(json!({"nbf": now + 11})), "not valid yet"),
            (with(json!({"exp": null})), "no exp"),
            (with(json!({"iat": null})), "no iat"),
            (with(json!({"exp": now + 121})), "at most 120 s"),
            (with(json!({"exp": now + 315_576_000})), "at most 120 s"),
            (with(json!({"exp": now - 1})), "before it was issued"),
            (with(json!({"jti": null})), "no jti"),
            (with(json!({"jti": ""})), "no jti"),
            (with(json!({"jti": "  "})), "no jti"),
            (with(json!({"jti": 7})), "no jti"),
            (with(json!({"ehts": ""})), "no ehts"),
            (with(json!({"edts": null})), "no edts"),
            (with(json!({"edts": edts(&[b"POST"])})), "edts"),
            (
                with(json!({"ehts": "http-method", "edts": edts(&[b"GET"])})),
                "must name uri, Authorization",
            ),
            (
                with(json!({"ehts": "Authorization;http-method",
                            "edts": edts(&[b"Bearer abc", b"GET"])})),
                "must name uri",
            ),
            (
                with(json!({"ehts": "Authorization;uri",
                            "edts": edts(&[b"Bearer abc", PATH.as_bytes()])})),
                "must name http-method",
            ),
            (
                with(json!({"ehts": "uri;http-method",
                            "edts": edts(&[PATH.as_bytes(), b"GET"])})),
                "must name Authorization",
            ),
            (
                with(json!({"ehts": "Authorization;uri;;http-method"})),
                "blank item",
            ),
            (
                with(json!({"ehts": format!("{GET_ITEMS}{}", ";uri".repeat(98))})),
                "at most 100",
            ),
            (
                with(json!({"ehts": format!("{GET_ITEMS};x-correlator")})),
                "missing",
            ),
            (
                with(json!({"ehts": format!("{GET_ITEMS};X-Authorization")})),
                "X-Authorization",
            ),
        ] {
            let error = check(&request("GET", PATH, &token(claims.clone())), b"").unwrap_err();
            assert!(error.contains(reason), "{claims}: {error}");
        }
        let mut seen = SeenTokens::default();
        let parts = request("GET", PATH, &token(valid));
        let at = SystemTime::now();
        verify(&parts, b"", PUBLIC, at, &mut seen, Presented::ApiCall).unwrap();
        let error = verify(&parts, b"", PUBLIC, at, &mut seen, Presented::ApiCall).unwrap_err();
        assert!(error.contains("replay"), "{error}");
        assert_eq!(seen.len(), 1);
        // Forgotten once it could no longer pass anyway.
        let later = at + Duration::from_secs(MAX_LIFETIME + 2 * LEEWAY + 1);
        let later_secs = later.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let mut fresh = claims(GET_ITEMS, &value);
        fresh["iat"] = json!(later_secs);
        fresh["exp"] = json!(later_secs + 120);
        let other = request("GET", PATH, &token(fresh));
        verify(&other, b"", PUBLIC, later, &mut seen, Presented::ApiCall).unwrap();
        assert_eq!(seen.len(), 1, "only the fresh one");
    }

    #[test]
    fn a_token_request_needs_no_authorization_item() {
        let items = "uri;http-method";
        let path = "/oauth2/v2/tokens";
        let signed = token(claims(items, &edts(&[path.as_bytes(), b"POST"])));
        let parts = request("POST", path, &signed);
        let mut seen = SeenTokens::default();
        let at = SystemTime::now();
        verify(&parts, b"", PUBLIC, at, &mut seen, Presented::TokenRequest).unwrap();
        // The same binding is too little for an API call.
        let signed = token(claims(items, &edts(&[PATH.as_bytes(), b"GET"])));
        let error = check(&request("GET", PATH, &signed), b"").unwrap_err();
        assert!(error.contains("must name Authorization"), "{error}");
    }

    /// One request over loopback with `Connection: close`: the status and
    /// the body, or `None` when the connection ended without an answer.
    fn exchange(sandbox: &crate::Sandbox, head: &str, body: &[u8]) -> Option<(u16, Value)> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(sandbox.address()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let request = format!(
            "{head}host: sandbox\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        let status = text.get(9..12)?.parse().ok()?;
        let (_, body) = text.split_once("\r\n\r\n")?;
        Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
    }

    /// A TAAP sandbox trusting the fixture key, and a bearer it issued.
    fn taap_sandbox() -> (crate::Sandbox, String) {
        use crate::{Sandbox, SandboxAuth, SandboxConfig};
        let sandbox = Sandbox::start(SandboxConfig {
            auth: SandboxAuth::Taap {
                client_id: "id".to_owned(),
                client_secret: "secret".to_owned(),
                public_key_der: PUBLIC.to_vec(),
            },
            ..SandboxConfig::default()
        })
        .unwrap();
        let (status, json) = exchange(&sandbox, &token_request(&token_pop()), b"").unwrap();
        assert_eq!(status, 200, "{json}");
        let bearer = format!("Bearer {}", json["access_token"].as_str().unwrap());
        (sandbox, bearer)
    }

    const TOKEN_PATH: &str = "/oauth2/v2/tokens";

    fn basic() -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("id:secret")
        )
    }

    /// A PoP token for the TAAP token request, as T-Mobile's SDK makes it.
    fn token_pop() -> String {
        token(claims(
            GET_ITEMS,
            &edts(&[basic().as_bytes(), TOKEN_PATH.as_bytes(), b"POST"]),
        ))
    }

    fn token_request(pop: &str) -> String {
        format!(
            "POST {TOKEN_PATH} HTTP/1.1\r\ncontent-type: application/json\r\nauthorization: {}\r\nx-authorization: {pop}\r\n",
            basic()
        )
    }

    #[test]
    fn huge_dates_over_http_get_a_401_not_a_dropped_connection() {
        let (sandbox, bearer) = taap_sandbox();
        let path = "/qod/v0/qos-profiles/QOS_E";
        let now = now();
        for (iat, exp) in [
            (json!(now), json!(9_223_372_036_854_775_808_u64)),
            (json!(now), json!(u64::MAX)),
            (json!(9_223_372_036_854_775_808_u64), json!(now)),
            (json!(-1), json!(now)),
            (json!(now), json!(1e300)),
            (json!(1.5), json!(2.5)),
        ] {
            let mut claims = claims(
                GET_ITEMS,
                &edts(&[bearer.as_bytes(), path.as_bytes(), b"GET"]),
            );
            claims["iat"] = iat;
            claims["exp"] = exp;
            let head = format!(
                "GET {path} HTTP/1.1\r\nauthorization: {bearer}\r\nx-authorization: {}\r\n",
                token(claims.clone())
            );
            let (status, json) =
                exchange(&sandbox, &head, b"").unwrap_or_else(|| panic!("no answer to {claims}"));
            assert_eq!(status, 401, "{claims}: {json}");
            assert_eq!(json["code"], "UNAUTHENTICATED", "{json}");
            assert!(
                json["message"].as_str().unwrap().contains("not a date"),
                "{json}"
            );
        }
        assert_eq!(sandbox.stats().server_errors, 0);
    }

    #[test]
    fn misbound_and_replayed_pop_tokens_over_http() {
        let (sandbox, bearer) = taap_sandbox();
        let profile = "/qod/v0/qos-profiles/QOS_E";
        let session = "/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000";
        let call = |method: &str, path: &str, pop: &str, body: &[u8]| {
            let head = format!(
                "{method} {path} HTTP/1.1\r\ncontent-type: application/json\r\nauthorization: {bearer}\r\nx-authorization: {pop}\r\n"
            );
            exchange(&sandbox, &head, body).unwrap()
        };
        let signed = |items: &str, values: &[&[u8]]| token(claims(items, &edts(values)));
        let get_profile = signed(GET_ITEMS, &[bearer.as_bytes(), profile.as_bytes(), b"GET"]);
        let extend = format!("{session}/extend");
        let body = br#"{"requestedAdditionalDuration":60}"#;
        for (what, method, path, pop, body, reason) in [
            // The token request's PoP on an API call: another path, method
            // and Authorization; and a fresh one is used once, below.
            (
                "token PoP on a call",
                "GET",
                profile,
                token_pop(),
                &b""[..],
                "edts",
            ),
            (
                "signed for GET, sent as DELETE",
                "DELETE",
                session,
                signed(GET_ITEMS, &[bearer.as_bytes(), session.as_bytes(), b"GET"]),
                b"",
                "edts",
            ),
            (
                "signed for another path",
                "GET",
                "/qod/v0/qos-profiles/QOS_L",
                get_profile.clone(),
                b"",
                "edts",
            ),
            (
                "no uri signed, sent elsewhere",
                "GET",
                "/qod/v0/qos-profiles/QOS_L",
                signed("Authorization;http-method", &[bearer.as_bytes(), b"GET"]),
                b"",
                "must name uri",
            ),
            (
                "no method signed",
                "DELETE",
                session,
                signed(
                    "Authorization;uri",
                    &[bearer.as_bytes(), session.as_bytes()],
                ),
                b"",
                "must name http-method",
            ),
            (
                "no Authorization signed",
                "GET",
                profile,
                signed("uri;http-method", &[profile.as_bytes(), b"GET"]),
                b"",
                "must name Authorization",
            ),
            (
                "no body signed",
                "POST",
                &extend,
                signed(GET_ITEMS, &[bearer.as_bytes(), extend.as_bytes(), b"POST"]),
                body,
                "must name body",
            ),
            (
                "signed for another body",
                "POST",
                &extend,
                signed(
                    "Authorization;uri;http-method;body",
                    &[
                        bearer.as_bytes(),
                        extend.as_bytes(),
                        b"POST",
                        b"{\"requestedAdditionalDuration\":600}",
                    ],
                ),
                body,
                "edts",
            ),
        ] {
            let (status, json) = call(method, path, &pop, body);
            assert_eq!(status, 401, "{what}: {json}");
            let message = json["message"].as_str().unwrap();
            assert!(message.contains(reason), "{what}: {message}");
        }
        // The right one passes once; again, it is a replay.
        let (status, json) = call("GET", profile, &get_profile, b"");
        assert_eq!(status, 200, "{json}");
        let (status, json) = call("GET", profile, &get_profile, b"");
        assert_eq!(status, 401, "{json}");
        assert!(json["message"].as_str().unwrap().contains("replay"));
        // A token request's PoP is used once too.
        let pop = token_pop();
        assert_eq!(
            exchange(&sandbox, &token_request(&pop), b"").unwrap().0,
            200
        );
        let (status, json) = exchange(&sandbox, &token_request(&pop), b"").unwrap();
        assert_eq!(status, 401, "{json}");
        assert!(json["systemMessage"].as_str().unwrap().contains("replay"));
        assert_eq!(sandbox.stats().server_errors, 0);
    }
}
