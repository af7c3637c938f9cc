//! Checks T-Mobile proof-of-possession tokens the way the real gateway would.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::request::Parts;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde::Deserialize;

/// Seconds of clock skew allowed either way.
const SKEW: u64 = 10;

#[derive(Deserialize)]
struct Claims {
    iat: u64,
    exp: u64,
    ehts: String,
    edts: String,
    jti: String,
    v: String,
}

/// Verifies the `X-Authorization` PoP token of a request against the
/// client's public key, `now`, and the jti values already used.
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    public_key_der: &[u8],
    now: SystemTime,
    seen: &mut HashMap<String, u64>,
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
    let header: serde_json::Value = decode_json(header)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("RS256") {
        return Err("the PoP token is not RS256".to_owned());
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "bad PoP signature encoding")?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key_der)
        .verify(
            format!("{}.{payload}", token.split('.').next().unwrap_or_default()).as_bytes(),
            &signature,
        )
        .map_err(|_| "the PoP signature does not verify")?;
    let claims: Claims = decode_json(payload)?;
    if claims.v != "1" {
        return Err("PoP claim v must be \"1\"".to_owned());
    }
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970")?
        .as_secs();
    if claims.iat > now + SKEW
        || now > claims.exp + SKEW
        || claims.exp < claims.iat
        || claims.exp - claims.iat > 120
    {
        return Err("the PoP token is expired or not yet valid".to_owned());
    }
    let mut concatenated = Vec::new();
    let names: Vec<&str> = claims.ehts.split(';').collect();
    for required in ["uri", "http-method"] {
        if !names.contains(&required) {
            return Err(format!("the PoP token does not sign {required}"));
        }
    }
    if !body.is_empty() && !names.contains(&"body") {
        return Err("the PoP token does not sign the body".to_owned());
    }
    if parts.headers.contains_key("authorization")
        && !names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("authorization"))
    {
        return Err("the PoP token does not sign Authorization".to_owned());
    }
    for name in &names {
        match *name {
            "uri" => concatenated.extend_from_slice(
                parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .as_bytes(),
            ),
            "http-method" => concatenated.extend_from_slice(parts.method.as_str().as_bytes()),
            "body" => concatenated.extend_from_slice(body),
            other if other.eq_ignore_ascii_case("x-authorization") => {
                return Err("the PoP token must not sign X-Authorization".to_owned());
            }
            other => concatenated.extend_from_slice(
                parts
                    .headers
                    .get(other)
                    .ok_or_else(|| format!("signed header {other} is missing"))?
                    .as_bytes(),
            ),
        }
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, &concatenated);
    if URL_SAFE_NO_PAD.encode(digest) != claims.edts {
        return Err("edts does not match the request".to_owned());
    }
    seen.retain(|_, exp| *exp + SKEW >= now);
    if seen.insert(claims.jti, claims.exp).is_some() {
        return Err("the PoP token was used before (jti replay)".to_owned());
    }
    Ok(())
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "bad PoP token encoding")?;
    serde_json::from_slice(&bytes).map_err(|e| format!("bad PoP token JSON: {e}"))
}
