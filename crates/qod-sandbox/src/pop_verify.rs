//! Checks T-Mobile proof-of-possession tokens as T-Mobile's reference
//! validator (`tmobile-api-security-lib`) does: the RS256 signature with
//! the client's key, `exp`/`iat`/`nbf` with 10 s of leeway, and `edts`
//! recomputed over the values of the items `ehts` names, compared without
//! regard to case. Like a gateway, it refuses a token used twice (`jti`).
//!
//! One latitude on top, as a gateway must allow: a GET or DELETE body
//! carries no meaning (RFC 9110), and clients that send `{}` with a DELETE
//! but sign it as a request without a body (T-Mobile's SDK does) are
//! accepted; a token that signs `body` over the bytes sent passes too.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Method;
use http::request::Parts;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde_json::Value;

use crate::store::Timeline;

/// Seconds of clock skew allowed either way.
const LEEWAY: u64 = 10;
/// How long a `jti` is remembered when the token has no `exp`.
const DEFAULT_LIFETIME: u64 = 120;

/// The `jti` values of tokens seen and not yet expired.
#[derive(Debug, Default)]
pub(crate) struct SeenTokens {
    ids: HashSet<Box<str>>,
    forget: Timeline<Box<str>>,
}

impl SeenTokens {
    /// Records `jti` until `until`; false when it was seen already.
    fn first_use(&mut self, jti: &str, until: u64, now: u64) -> bool {
        let now = UNIX_EPOCH + Duration::from_secs(now);
        while let Some((_, old)) = self.forget.pop_due(now) {
            self.ids.remove(&old);
        }
        if !self.ids.insert(jti.into()) {
            return false;
        }
        self.forget
            .schedule(UNIX_EPOCH + Duration::from_secs(until), jti.into());
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

/// A NumericDate claim, when present.
fn date(claims: &Value, name: &str) -> Result<Option<u64>, String> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .or_else(|| value.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(|| format!("PoP claim {name} is not a date")),
    }
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

/// Verifies the `X-Authorization` PoP token of a request against the
/// client's public key (PKCS#1 DER), `now`, and the tokens already used.
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    public_key_der: &[u8],
    now: SystemTime,
    seen: &mut SeenTokens,
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
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970")?
        .as_secs();
    let exp = date(&claims, "exp")?;
    let iat = date(&claims, "iat")?;
    if exp.is_some_and(|exp| now > exp + LEEWAY) {
        return Err("the PoP token is expired".to_owned());
    }
    if iat.is_some_and(|iat| iat > now + LEEWAY)
        || date(&claims, "nbf")?.is_some_and(|nbf| nbf > now + LEEWAY)
    {
        return Err("the PoP token is not valid yet".to_owned());
    }
    let ehts = claims
        .get("ehts")
        .and_then(Value::as_str)
        .filter(|e| !e.trim().is_empty())
        .ok_or("the PoP token has no ehts")?;
    let edts = claims
        .get("edts")
        .and_then(Value::as_str)
        .ok_or("the PoP token has no edts")?;
    let names: Vec<&str> = ehts.split(';').collect();
    let meaningless_body = matches!(parts.method, Method::GET | Method::HEAD | Method::DELETE);
    let bodies: &[&[u8]] = if meaningless_body && !body.is_empty() {
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
    if let Some(jti) = claims.get("jti").and_then(Value::as_str) {
        let until = exp.unwrap_or(now + DEFAULT_LIFETIME) + LEEWAY;
        if !seen.first_use(jti, until, now) {
            return Err("the PoP token was used before (jti replay)".to_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    use serde_json::json;

    const PRIVATE: &[u8] = include_bytes!("../../qod-core/tests/fixtures/test-rsa-2048.pem");
    const PUBLIC: &[u8] = include_bytes!("../tests/fixtures/test-rsa-2048.pkcs1.der");

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

    /// A PoP token with these claims, `edts` over `signed` unless given.
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
        )
    }

    const PATH: &str = "/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000";

    #[test]
    fn published_vectors_and_a_signed_request() {
        // The edts test vectors of T-Mobile's reference page.
        assert_eq!(
            edts(&[b"Bearer abc123", PATH.as_bytes(), b"GET"]),
            "l-OVywM3hIeyV3KXg8bYf_nN-nmIslhwIg8Tlqnz7kg"
        );
        let signed = token(claims(
            "Authorization;uri;http-method",
            &edts(&[b"Bearer abc", PATH.as_bytes(), b"GET"]),
        ));
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
        // A POST's body counts: over the empty body is another request.
        let post = token(claims(
            "uri;http-method;body",
            &edts(&[PATH.as_bytes(), b"POST", b""]),
        ));
        let error = check(&request("POST", PATH, &post), b"{}").unwrap_err();
        assert!(error.contains("edts"), "{error}");
    }

    #[test]
    fn what_the_reference_validator_accepts() {
        let now = now();
        // Any items, any case of edts, no v, no iat, a long life.
        let value = edts(&[b"GET"]);
        for claims in [
            json!({"ehts": "http-method", "edts": value, "jti": "1", "exp": now + 60}),
            json!({"ehts": "http-method", "edts": value.to_ascii_lowercase(), "jti": "2", "exp": now + 60}),
            json!({"ehts": "http-method", "edts": value, "jti": "3", "iat": now, "exp": now + 86_400, "v": "2"}),
            json!({"ehts": "http-method", "edts": value}),
        ] {
            check(&request("GET", PATH, &token(claims.clone())), b"")
                .unwrap_or_else(|e| panic!("{claims}: {e}"));
        }
    }

    #[test]
    fn what_it_refuses() {
        let now = now();
        let value = edts(&[b"GET"]);
        for (claims, reason) in [
            (
                json!({"ehts": "http-method", "edts": value, "exp": now - 11}),
                "expired",
            ),
            (
                json!({"ehts": "http-method", "edts": value, "iat": now + 11}),
                "not valid yet",
            ),
            (
                json!({"ehts": "http-method", "edts": value, "nbf": now + 11}),
                "not valid yet",
            ),
            (json!({"ehts": "", "edts": value}), "no ehts"),
            (json!({"ehts": "http-method"}), "no edts"),
            (
                json!({"ehts": "http-method", "edts": edts(&[b"POST"])}),
                "edts",
            ),
            (json!({"ehts": "x-correlator", "edts": value}), "missing"),
            (
                json!({"ehts": "X-Authorization", "edts": value}),
                "X-Authorization",
            ),
        ] {
            let error = check(&request("GET", PATH, &token(claims.clone())), b"").unwrap_err();
            assert!(error.contains(reason), "{claims}: {error}");
        }
        let mut seen = SeenTokens::default();
        let once =
            token(json!({"ehts": "http-method", "edts": value, "jti": "x", "exp": now + 60}));
        let parts = request("GET", PATH, &once);
        verify(&parts, b"", PUBLIC, SystemTime::now(), &mut seen).unwrap();
        let error = verify(&parts, b"", PUBLIC, SystemTime::now(), &mut seen).unwrap_err();
        assert!(error.contains("replay"), "{error}");
        assert_eq!(seen.len(), 1);
    }
}
