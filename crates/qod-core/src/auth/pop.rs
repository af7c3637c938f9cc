//! T-Mobile proof-of-possession (PoP) tokens: an RS256 JWT that binds the
//! headers, URI, method and body of one request to the client's key.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Request;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use serde::Serialize;
use uuid::Uuid;

use crate::auth::AuthError;
use crate::headers::X_CORRELATOR;

/// The header that carries the PoP token.
pub const X_AUTHORIZATION: &str = "x-authorization";

/// How long a PoP token is valid.
pub const POP_LIFETIME_SECONDS: u64 = 120;

/// `{"alg":"RS256","typ":"JWT"}`, base64url.
const JWT_HEADER: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

/// The most items one PoP token may sign.
const MAX_ITEMS: usize = 100;

/// Signs PoP tokens with the client's RSA key. The key never prints.
///
/// ```
/// # let pem = include_str!("../../tests/fixtures/test-rsa-2048.pem");
/// use qod_core::auth::PopSigner;
/// let signer = PopSigner::from_pkcs8_pem(pem.as_bytes()).unwrap();
/// assert_eq!(format!("{signer:?}"), "PopSigner { key: [redacted], modulus_bits: 2048 }");
/// assert!(PopSigner::from_pkcs8_pem(b"not a key").is_err());
/// ```
#[derive(Clone)]
pub struct PopSigner {
    key: Arc<RsaKeyPair>,
    rng: SystemRandom,
}

impl PopSigner {
    /// Loads an RSA private key from PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    /// A malformed, PKCS#1, or non-RSA key is refused here, not at the first call.
    pub fn from_pkcs8_pem(pem: &[u8]) -> Result<Self, AuthError> {
        let der = PrivatePkcs8KeyDer::from_pem_slice(pem).map_err(|e| {
            AuthError::Key(format!(
                "expected a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----): {e:?}"
            ))
        })?;
        Self::from_pkcs8_der(der.secret_pkcs8_der())
    }

    /// Loads an RSA private key from PKCS#8 DER.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, AuthError> {
        let key = RsaKeyPair::from_pkcs8(der).map_err(|e| {
            let reason = e.to_string();
            AuthError::Key(if reason.contains("WrongAlgorithm") {
                "the key is not an RSA key (RS256 needs RSA)".to_owned()
            } else {
                format!("not a usable RSA PKCS#8 key (2048 to 4096 bits): {reason}")
            })
        })?;
        Ok(PopSigner {
            key: Arc::new(key),
            rng: SystemRandom::new(),
        })
    }

    /// The public key as DER `RSAPublicKey`, to verify tokens with.
    pub fn public_key_der(&self) -> &[u8] {
        use ring::signature::KeyPair as _;
        self.key.public_key().as_ref()
    }

    /// The PoP token for `request` as it will be sent: call it after every
    /// other header is final. `X-Authorization` itself is never signed.
    pub fn sign(
        &self,
        request: &Request<Vec<u8>>,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<String, AuthError> {
        let items = signed_items(request);
        let claims = PopClaims::new(&items, now, jti)?;
        let payload = serde_json::to_vec(&claims).map_err(|e| AuthError::Signing(e.to_string()))?;
        let signing_input = format!("{JWT_HEADER}.{}", URL_SAFE_NO_PAD.encode(payload));
        let mut signature = vec![0_u8; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &self.rng,
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| AuthError::Signing("RSA signing failed".to_owned()))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

impl fmt::Debug for PopSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PopSigner")
            .field("key", &format_args!("[redacted]"))
            .field("modulus_bits", &(self.key.public().modulus_len() * 8))
            .finish()
    }
}

/// One signed item: its name in `ehts` and its value.
pub(crate) struct SignedItem<'a> {
    pub(crate) name: &'static str,
    pub(crate) value: &'a [u8],
}

/// What is signed, in order: `Content-Type` (with a body), `Authorization`,
/// `x-correlator`, `uri`, `http-method`, `body` (when not empty). Blank values
/// are left out.
pub(crate) fn signed_items(request: &Request<Vec<u8>>) -> Vec<SignedItem<'_>> {
    let has_body = !request.body().is_empty();
    let header = |name| {
        request
            .headers()
            .get(name)
            .map(http::HeaderValue::as_bytes)
            .filter(|v| !v.trim_ascii().is_empty())
    };
    let mut items = Vec::with_capacity(6);
    if has_body && let Some(value) = header(CONTENT_TYPE.as_str()) {
        items.push(SignedItem {
            name: "Content-Type",
            value,
        });
    }
    if let Some(value) = header(AUTHORIZATION.as_str()) {
        items.push(SignedItem {
            name: "Authorization",
            value,
        });
    }
    if let Some(value) = header(X_CORRELATOR.as_str()) {
        items.push(SignedItem {
            name: "x-correlator",
            value,
        });
    }
    let uri = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .as_bytes();
    items.push(SignedItem {
        name: "uri",
        value: uri,
    });
    items.push(SignedItem {
        name: "http-method",
        value: request.method().as_str().as_bytes(),
    });
    if has_body {
        items.push(SignedItem {
            name: "body",
            value: request.body(),
        });
    }
    items
}

/// `ehts` and `edts` for `items`.
pub(crate) fn ehts_edts(items: &[SignedItem<'_>]) -> (String, String) {
    let ehts = items.iter().map(|i| i.name).collect::<Vec<_>>().join(";");
    let concatenated: Vec<u8> = items.iter().flat_map(|i| i.value.iter().copied()).collect();
    let edts = URL_SAFE_NO_PAD.encode(digest(&SHA256, &concatenated));
    (ehts, edts)
}

/// The claims of a PoP token.
#[derive(Serialize)]
struct PopClaims {
    iat: u64,
    exp: u64,
    ehts: String,
    edts: String,
    jti: String,
    v: &'static str,
}

impl PopClaims {
    fn new(items: &[SignedItem<'_>], now: SystemTime, jti: Uuid) -> Result<Self, AuthError> {
        if items.len() > MAX_ITEMS {
            return Err(AuthError::Signing(format!(
                "more than {MAX_ITEMS} items to sign"
            )));
        }
        let iat = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthError::Signing("the clock is before 1970".to_owned()))?
            .as_secs();
        let (ehts, edts) = ehts_edts(items);
        Ok(PopClaims {
            iat,
            exp: iat + POP_LIFETIME_SECONDS,
            ehts,
            edts,
            jti: jti.hyphenated().to_string(),
            v: "1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edts(values: &[&str], names: &[&'static str]) -> (String, String) {
        let items: Vec<SignedItem<'_>> = names
            .iter()
            .zip(values)
            .map(|(name, value)| SignedItem {
                name,
                value: value.as_bytes(),
            })
            .collect();
        ehts_edts(&items)
    }

    #[test]
    fn reference_vector_post() {
        let (ehts, edts) = edts(
            &[
                "application/json",
                "Bearer abc123",
                "/qod/v0/sessions",
                "POST",
                r#"{"device":{"phoneNumber":"+14250000000"},"qosProfile":"QOS_VC"}"#,
            ],
            &[
                "Content-Type",
                "Authorization",
                "uri",
                "http-method",
                "body",
            ],
        );
        assert_eq!(ehts, "Content-Type;Authorization;uri;http-method;body");
        assert_eq!(edts, "-C_7D7syxKWXbiSNt3hOdiQ-ADzbtncn1m95lVLOpZE");
    }

    #[test]
    fn reference_vector_get() {
        let (ehts, edts) = edts(
            &[
                "Bearer abc123",
                "/qod/v0/sessions/123e4567-e89b-12d3-a456-426614174000",
                "GET",
            ],
            &["Authorization", "uri", "http-method"],
        );
        assert_eq!(ehts, "Authorization;uri;http-method");
        assert_eq!(edts, "l-OVywM3hIeyV3KXg8bYf_nN-nmIslhwIg8Tlqnz7kg");
    }

    #[test]
    fn request_items_follow_the_reference_order() {
        let request = Request::post("https://naas.t-mobile.com/qod/v0/sessions?a=%20b")
            .header("content-type", "application/json")
            .header("authorization", "Bearer abc123")
            .header("x-correlator", "c-1")
            .header(X_AUTHORIZATION, "old-pop-token")
            .body(b"{}".to_vec())
            .unwrap_or_default();
        let items = signed_items(&request);
        let (ehts, _) = ehts_edts(&items);
        assert_eq!(
            ehts,
            "Content-Type;Authorization;x-correlator;uri;http-method;body"
        );
        assert_eq!(items[3].value, b"/qod/v0/sessions?a=%20b");
        let get = Request::get("https://h/qod/v0/sessions/1")
            .header("content-type", "application/json")
            .body(Vec::new())
            .unwrap_or_default();
        assert_eq!(ehts_edts(&signed_items(&get)).0, "uri;http-method");
    }
}
