//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Request;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde_json::Value;

pub const KEY_PEM: &[u8] = include_bytes!("../fixtures/test-rsa-2048.pem");

/// A clock that moves only when slept on or advanced, recording every sleep.
pub struct TestClock {
    now: Mutex<SystemTime>,
    pub sleeps: Mutex<Vec<Duration>>,
}

impl TestClock {
    pub fn new() -> Self {
        TestClock {
            now: Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            sleeps: Mutex::new(Vec::new()),
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    pub fn unix(&self) -> u64 {
        self.now
            .lock()
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }
}

impl qod_core::Clock for TestClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap()
    }

    fn sleep(&self, duration: Duration) {
        self.sleeps.lock().unwrap().push(duration);
        self.advance(duration);
    }
}

/// Checks the PoP token of `request` against `public_key_der` and the request
/// as built, and returns its claims.
pub fn verify_pop(request: &Request<Vec<u8>>, public_key_der: &[u8]) -> Value {
    let token = request.headers()["x-authorization"].to_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS has three parts");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header, serde_json::json!({"alg": "RS256", "typ": "JWT"}));
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key_der)
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the PoP signature must verify with the public key");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();

    // Recompute edts from the request actually built.
    let ehts = claims["ehts"].as_str().unwrap();
    let mut concatenated = Vec::new();
    for name in ehts.split(';') {
        let value: &[u8] = match name {
            "uri" => request.uri().path_and_query().unwrap().as_str().as_bytes(),
            "http-method" => request.method().as_str().as_bytes(),
            "body" => request.body(),
            header => request.headers()[header].as_bytes(),
        };
        assert!(!value.is_empty(), "{name} must not be blank");
        concatenated.extend_from_slice(value);
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, &concatenated);
    assert_eq!(
        claims["edts"],
        URL_SAFE_NO_PAD.encode(digest),
        "edts must cover the request as sent"
    );
    assert!(!ehts.to_ascii_lowercase().contains("x-authorization"));
    assert_eq!(claims["v"], "1");
    assert_eq!(
        claims["exp"].as_u64().unwrap(),
        claims["iat"].as_u64().unwrap() + 120
    );
    let jti = uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).unwrap();
    assert_eq!(jti.get_version_num(), 4);
    claims
}
