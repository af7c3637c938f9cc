//! The JWTs a client signs with its registered key: `private_key_jwt`
//! client assertions and JWT Bearer grants (RFC 7523), as CAMARA's profile
//! bounds them: RS256 or ES256 as the key is, `exp` required and in the
//! future, at most 300 s after `iat` (or after receipt when there is no
//! `iat`), a `jti` to make each usable once, an `aud` the sandbox names.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::auth::public_key::ClientPublicKey;
use crate::rules::json::object_body;

/// The longest life an assertion may have (CAMARA's profile).
pub(crate) const MAX_LIFETIME: u64 = 300;
/// Seconds of clock skew allowed where a claim meets the sandbox's clock.
const LEEWAY: u64 = 10;
/// The largest date claim read (9999-12-31T23:59:59Z).
const MAX_DATE: u64 = 253_402_300_799;
/// The longest `jti` kept.
const MAX_JTI: usize = 256;
/// The longest assertion read: a JWT with a few claims is under 2 KiB.
const MAX_LENGTH: usize = 16 * 1024;

/// The `typ` values an assertion may declare: none, `JWT`, or the one
/// ICM proposes for client assertions. Others (`dpop+jwt`, ...) are JWTs
/// made for something else.
const TYPES: [&str; 2] = ["jwt", "client-authentication+jwt"];

/// A JWS's signed claims, once the signature checks out.
pub(crate) type Claims = Map<String, Value>;

fn part(text: &str, what: &str) -> Result<Claims, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| format!("the assertion's {what} is not base64url"))?;
    // Duplicate names are refused (RFC 7515 4), as for every JSON read.
    object_body(&bytes).map_err(|_| format!("the assertion's {what} is not a JSON object"))
}

/// Checks the compact JWS `token` against `key`: its claims, or why not.
pub(crate) fn verify(token: &str, key: &ClientPublicKey) -> Result<Claims, String> {
    if token.len() > MAX_LENGTH {
        return Err(format!("the assertion is over {MAX_LENGTH} bytes"));
    }
    let mut pieces = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return Err("the assertion is not a compact JWS (three parts)".to_owned());
    };
    let fields = part(header, "header")?;
    let alg = fields.get("alg").and_then(Value::as_str);
    if alg != Some(key.jws_algorithm()) {
        return Err(format!(
            "the assertion must be signed {} with the registered key",
            key.jws_algorithm()
        ));
    }
    if fields.contains_key("crit") {
        return Err("the assertion names critical header parameters (crit)".to_owned());
    }
    match fields.get("typ") {
        None => {}
        Some(Value::String(typ)) if TYPES.iter().any(|t| typ.eq_ignore_ascii_case(t)) => {}
        Some(_) => return Err("the assertion's typ is not JWT".to_owned()),
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "the assertion's signature is not base64url".to_owned())?;
    let signed = &token[..header.len() + 1 + payload.len()];
    if !key.verifies(signed.as_bytes(), &signature) {
        return Err("the assertion's signature does not verify with the registered key".to_owned());
    }
    part(payload, "payload")
}

/// A string claim.
pub(crate) fn string<'a>(claims: &'a Claims, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// Whether `aud`, a string or an array of them, names one of `accepted`.
pub(crate) fn audience_in(claims: &Claims, accepted: &[&str]) -> bool {
    match claims.get("aud") {
        Some(Value::String(aud)) => accepted.contains(&aud.as_str()),
        Some(Value::Array(auds)) => auds
            .iter()
            .filter_map(Value::as_str)
            .any(|aud| accepted.contains(&aud)),
        _ => false,
    }
}

/// A NumericDate claim, when present: whole seconds (or a fraction,
/// RFC 7519 2) since 1970, up to [`MAX_DATE`], rounded down.
fn date(claims: &Claims, name: &str) -> Result<Option<u64>, String> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .filter(|secs| *secs <= MAX_DATE)
            .map(Some)
            .ok_or_else(|| format!("the assertion's {name} is not a date")),
        Some(_) => Err(format!("the assertion's {name} is not a number of seconds")),
    }
}

/// Checks `exp`, `iat` and `nbf` against `now`: when the assertion
/// expires (what its `jti` is kept until), or why it is refused.
pub(crate) fn lifetime(claims: &Claims, now: SystemTime) -> Result<SystemTime, String> {
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the sandbox's clock is before 1970".to_owned())?
        .as_secs();
    let exp = date(claims, "exp")?.ok_or("the assertion has no exp")?;
    let iat = date(claims, "iat")?;
    let nbf = date(claims, "nbf")?;
    // Every date is at most MAX_DATE: these sums cannot overflow.
    if exp <= now {
        return Err("the assertion has expired (exp)".to_owned());
    }
    if let Some(iat) = iat {
        if iat > now + LEEWAY {
            return Err("the assertion was issued in the future (iat)".to_owned());
        }
        if exp < iat || exp - iat > MAX_LIFETIME {
            return Err(format!(
                "the assertion lives over {MAX_LIFETIME} s (exp - iat)"
            ));
        }
    }
    if exp > now + MAX_LIFETIME + LEEWAY {
        return Err(format!(
            "the assertion expires over {MAX_LIFETIME} s from now (exp)"
        ));
    }
    if nbf.is_some_and(|nbf| nbf > now + LEEWAY) {
        return Err("the assertion is not valid yet (nbf)".to_owned());
    }
    UNIX_EPOCH
        .checked_add(Duration::from_secs(exp))
        .ok_or_else(|| "the assertion's exp is out of range".to_owned())
}

/// The `jti` that makes an assertion usable once.
pub(crate) fn jti(claims: &Claims) -> Result<&str, String> {
    match string(claims, "jti") {
        Some(jti) if !jti.trim().is_empty() && jti.len() <= MAX_JTI => Ok(jti),
        Some(_) => Err(format!("the assertion's jti must be 1 to {MAX_JTI} bytes")),
        None => Err("the assertion has no jti (a fresh id makes it usable once)".to_owned()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ring::signature::{
        ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
    };
    use serde_json::json;

    const RSA_PRIVATE: &[u8] =
        include_bytes!("../../../../qod-core/tests/fixtures/test-rsa-2048.pem");
    const EC_PRIVATE: &[u8] =
        include_bytes!("../../../../qod-core/tests/fixtures/test-ec-p256.pem");
    const RSA_PUBLIC: &[u8] = include_bytes!("../../../tests/fixtures/test-rsa-2048.spki.pem");
    const EC_PUBLIC: &[u8] = include_bytes!("../../../tests/fixtures/test-ec-p256.spki.pem");

    fn der(pem: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(pem).unwrap();
        let base64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(base64)
            .unwrap()
    }

    pub(crate) fn rsa_key() -> ClientPublicKey {
        ClientPublicKey::from_pem_or_der(RSA_PUBLIC).unwrap()
    }

    pub(crate) fn ec_key() -> ClientPublicKey {
        ClientPublicKey::from_pem_or_der(EC_PUBLIC).unwrap()
    }

    /// A JWS with this header and these claims, signed with the fixture key of `alg`.
    pub(crate) fn sign(header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let rng = ring::rand::SystemRandom::new();
        let signature = match header["alg"].as_str() {
            Some("ES256") => {
                let key = EcdsaKeyPair::from_pkcs8(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    &der(EC_PRIVATE),
                    &rng,
                )
                .unwrap();
                key.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec()
            }
            _ => {
                let key = RsaKeyPair::from_pkcs8(&der(RSA_PRIVATE)).unwrap();
                let mut signature = vec![0; key.public().modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut signature)
                    .unwrap();
                signature
            }
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn signatures_of_both_algorithms() {
        let claims = json!({"iss": "c", "jti": "1"});
        let rs = sign(&json!({"alg": "RS256", "typ": "JWT"}), &claims);
        assert_eq!(verify(&rs, &rsa_key()).unwrap()["iss"], "c");
        let es = sign(
            &json!({"alg": "ES256", "typ": "client-authentication+jwt"}),
            &claims,
        );
        assert_eq!(verify(&es, &ec_key()).unwrap()["jti"], "1");
        // Each key checks its own algorithm only.
        assert!(verify(&rs, &ec_key()).unwrap_err().contains("ES256"));
        assert!(verify(&es, &rsa_key()).unwrap_err().contains("RS256"));
        // A byte changed anywhere.
        let mut tampered = rs.clone().into_bytes();
        let at = tampered.len() / 2;
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        assert!(verify(std::str::from_utf8(&tampered).unwrap(), &rsa_key()).is_err());
    }

    #[test]
    fn headers_refused() {
        let claims = json!({"iss": "c"});
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert!(verify(&none, &rsa_key()).is_err());
        for header in [
            json!({"alg": "RS256", "typ": "dpop+jwt"}),
            json!({"alg": "RS256", "crit": ["exp"]}),
            json!({"alg": "HS256"}),
        ] {
            assert!(
                verify(&sign(&header, &claims), &rsa_key()).is_err(),
                "{header}"
            );
        }
        let duplicate = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","alg":"none"}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert!(
            verify(&duplicate, &rsa_key())
                .unwrap_err()
                .contains("header")
        );
        for junk in ["", "a.b", "a.b.c.d", "!.!.!", &"a".repeat(20_000)] {
            assert!(verify(junk, &rsa_key()).is_err(), "{junk}");
        }
    }

    #[test]
    fn lifetimes() {
        let now_secs = now();
        let at = SystemTime::now();
        let check = |claims: Value| lifetime(claims.as_object().unwrap(), at);
        assert!(check(json!({"iat": now_secs, "exp": now_secs + 300})).is_ok());
        assert!(
            check(json!({"exp": now_secs + 300})).is_ok(),
            "no iat: up to 300 s from now"
        );
        assert!(
            check(json!({"iat": now_secs, "exp": now_secs + 301}))
                .unwrap_err()
                .contains("300")
        );
        assert!(
            check(json!({"exp": now_secs + 400}))
                .unwrap_err()
                .contains("300")
        );
        assert!(
            check(json!({"iat": now_secs - 10, "exp": now_secs}))
                .unwrap_err()
                .contains("expired")
        );
        assert!(
            check(json!({"iat": now_secs + 60, "exp": now_secs + 120}))
                .unwrap_err()
                .contains("future")
        );
        assert!(
            check(json!({"iat": now_secs}))
                .unwrap_err()
                .contains("no exp")
        );
        assert!(check(json!({"exp": "soon"})).is_err());
        assert!(check(json!({"exp": -5})).is_err());
        assert!(check(json!({"exp": u64::MAX})).is_err());
        assert!(
            check(json!({"exp": now_secs + 60, "nbf": now_secs + 30}))
                .unwrap_err()
                .contains("nbf")
        );
        assert!(check(json!({"exp": (now_secs + 60) as f64 + 0.5})).is_ok());
    }

    #[test]
    fn audiences_and_ids() {
        let claims = |v: Value| v.as_object().unwrap().clone();
        let accepted = ["https://as/token", "https://as"];
        assert!(audience_in(
            &claims(json!({"aud": "https://as"})),
            &accepted
        ));
        assert!(audience_in(
            &claims(json!({"aud": ["x", "https://as/token"]})),
            &accepted
        ));
        assert!(!audience_in(
            &claims(json!({"aud": "https://as/other"})),
            &accepted
        ));
        assert!(!audience_in(&claims(json!({"aud": 5})), &accepted));
        assert!(!audience_in(&claims(json!({})), &accepted));
        assert_eq!(jti(&claims(json!({"jti": "a"}))), Ok("a"));
        assert!(jti(&claims(json!({"jti": " "}))).is_err());
        assert!(jti(&claims(json!({"jti": "x".repeat(257)}))).is_err());
        assert!(jti(&claims(json!({}))).is_err());
    }
}
