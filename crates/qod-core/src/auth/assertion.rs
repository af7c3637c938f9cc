//! Signing keys and signed JWTs (compact JWS, RFC 7515): the client
//! assertions of `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9)
//! and the assertions of the JWT Bearer grant (RFC 7523 §2.1).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::Uri;
use qod_models::SecretString;
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair,
    RsaPublicKeyComponents,
};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::{self, PemObject};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::AuthError;

/// The longest an assertion may live: CAMARA's profile has the
/// authorization server refuse one whose `exp` is more than 300 s away.
pub const MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// How long an assertion lives unless configured otherwise.
pub const DEFAULT_ASSERTION_LIFETIME: Duration = Duration::from_secs(60);

/// The JWS `typ` header of an assertion unless configured otherwise.
pub const DEFAULT_ASSERTION_TYPE: &str = "JWT";

/// What the keys are refused for, in every key error.
const ACCEPTED: &str = "accepted: a PKCS#8 RSA key of 2048 to 4096 bits (RS256) \
                        or a PKCS#8 EC P-256 key (ES256)";

/// A JWS signature algorithm ([`AssertionKey::algorithm`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// ECDSA on P-256 with SHA-256; the signature is `r || s`, 64 bytes.
    Es256,
}

impl JwsAlgorithm {
    /// The `alg` value: `RS256` or `ES256`.
    pub fn as_str(self) -> &'static str {
        match self {
            JwsAlgorithm::Rs256 => "RS256",
            JwsAlgorithm::Es256 => "ES256",
        }
    }
}

impl fmt::Display for JwsAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

/// A private key that signs JWTs: RSA (RS256, 2048 to 4096 bits) or EC
/// P-256 (ES256), told apart by the key itself, with an optional key id
/// (`kid`). The key never prints: `Debug` shows the algorithm and the key
/// id only.
///
/// ```
/// # let pem = include_str!("../../tests/fixtures/test-rsa-2048.pem");
/// use qod_core::auth::{AssertionKey, JwsAlgorithm};
/// let key = AssertionKey::from_pkcs8_pem(pem.as_bytes())?.with_kid("key-1")?;
/// assert_eq!(key.algorithm(), JwsAlgorithm::Rs256);
/// assert_eq!(format!("{key:?}"), r#"AssertionKey { alg: RS256, kid: Some("key-1") }"#);
///
/// let jwt = key.sign_jwt("JWT", &serde_json::json!({"iss": "my-app"}))?;
/// assert_eq!(jwt.expose().split('.').count(), 3);
///
/// let refused = AssertionKey::from_pkcs8_pem(b"not a key").unwrap_err();
/// assert!(refused.to_string().contains("P-256"));
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Clone)]
pub struct AssertionKey {
    pair: Arc<Pair>,
    kid: Option<Arc<str>>,
    rng: SystemRandom,
}

impl AssertionKey {
    /// Reads a PKCS#8 PEM key (`-----BEGIN PRIVATE KEY-----`). PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`), SEC1 (`BEGIN EC PRIVATE KEY`), encrypted
    /// keys and keys of other algorithms are refused with what is accepted
    /// and, where it helps, the `openssl` command that converts them.
    pub fn from_pkcs8_pem(pem: &[u8]) -> Result<Self, AuthError> {
        match PrivateKeyDer::from_pem_slice(pem) {
            Ok(PrivateKeyDer::Pkcs8(der)) => Self::from_pkcs8_der(der.secret_pkcs8_der()),
            Ok(PrivateKeyDer::Pkcs1(_)) => Err(key_error(
                "the key is PKCS#1 (BEGIN RSA PRIVATE KEY); convert it with \
                 `openssl pkcs8 -topk8 -nocrypt -in key.pem`",
            )),
            Ok(PrivateKeyDer::Sec1(_)) => Err(key_error(
                "the key is SEC1 (BEGIN EC PRIVATE KEY); convert it with \
                 `openssl pkcs8 -topk8 -nocrypt -in key.pem`",
            )),
            Ok(_) => Err(key_error("the key is of an unknown kind")),
            Err(error) => Err(key_error(&pem_problem(pem, &error))),
        }
    }

    /// Reads a PKCS#8 DER key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, AuthError> {
        let rng = SystemRandom::new();
        let rsa = match RsaKeyPair::from_pkcs8(der) {
            Ok(pair) => return Ok(Self::new(Pair::Rsa(pair), rng)),
            Err(rejected) => rejected,
        };
        let ec = match EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der, &rng) {
            Ok(pair) => return Ok(Self::new(Pair::Ec(pair), rng)),
            Err(rejected) => rejected,
        };
        Err(key_error(&match sniff_algorithm(der) {
            Some(Sniffed::Rsa) => format!("the RSA key cannot be used ({rsa})"),
            Some(Sniffed::P256) => format!("the EC P-256 key cannot be used ({ec})"),
            Some(Sniffed::Other(name)) => format!("the key is {name}"),
            None => "the key is not a PKCS#8 private key".to_owned(),
        }))
    }

    fn new(pair: Pair, rng: SystemRandom) -> Self {
        AssertionKey {
            pair: Arc::new(pair),
            kid: None,
            rng,
        }
    }

    /// Sets the key id sent as the JWS `kid` header, for an authorization
    /// server that holds several keys of the client. Refused when empty or
    /// not visible ASCII.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Result<Self, AuthError> {
        let kid = kid.into();
        if kid.is_empty() || !kid.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AuthError::Config(
                "a key id (kid) is non-empty visible ASCII".to_owned(),
            ));
        }
        self.kid = Some(kid.into());
        Ok(self)
    }

    /// The algorithm its signatures use.
    pub fn algorithm(&self) -> JwsAlgorithm {
        match *self.pair {
            Pair::Rsa(_) => JwsAlgorithm::Rs256,
            Pair::Ec(_) => JwsAlgorithm::Es256,
        }
    }

    /// The key id, if set.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public key, to verify signatures with: DER `RSAPublicKey` for
    /// RSA, the uncompressed point (65 bytes) for P-256, as ring's
    /// `UnparsedPublicKey` takes them.
    pub fn public_key(&self) -> &[u8] {
        match &*self.pair {
            Pair::Rsa(pair) => pair.public_key().as_ref(),
            Pair::Ec(pair) => pair.public_key().as_ref(),
        }
    }

    /// The public key as a JWK (RFC 7517), e.g. for the client's JWKS at
    /// the authorization server: `kty`, `n`/`e` or `crv`/`x`/`y`, `alg`,
    /// `use: "sig"` and `kid` when set.
    pub fn public_jwk(&self) -> serde_json::Value {
        let mut jwk = match &*self.pair {
            Pair::Rsa(pair) => {
                let public = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                serde_json::json!({
                    "kty": "RSA",
                    "n": URL_SAFE_NO_PAD.encode(public.n),
                    "e": URL_SAFE_NO_PAD.encode(public.e),
                })
            }
            Pair::Ec(pair) => {
                // 0x04 || x || y
                let coordinates = pair.public_key().as_ref().get(1..).unwrap_or_default();
                let (x, y) = coordinates.split_at(coordinates.len() / 2);
                serde_json::json!({
                    "kty": "EC",
                    "crv": "P-256",
                    "x": URL_SAFE_NO_PAD.encode(x),
                    "y": URL_SAFE_NO_PAD.encode(y),
                })
            }
        };
        jwk["alg"] = self.algorithm().as_str().into();
        jwk["use"] = "sig".into();
        if let Some(kid) = &self.kid {
            jwk["kid"] = kid.as_ref().into();
        }
        jwk
    }

    /// A compact JWS over `claims` with the header
    /// `{"alg":…,"typ":typ,"kid":…}` (`kid` when set). The result is a
    /// credential: it never prints.
    pub fn sign_jwt<C: Serialize + ?Sized>(
        &self,
        typ: &str,
        claims: &C,
    ) -> Result<SecretString, AuthError> {
        check_jws_type(typ)?;
        let header = JwsHeader {
            alg: self.algorithm().as_str(),
            typ,
            kid: self.kid.as_deref(),
        };
        let header = serde_json::to_vec(&header).map_err(|e| AuthError::Signing(e.to_string()))?;
        let claims = serde_json::to_vec(claims).map_err(|e| AuthError::Signing(e.to_string()))?;
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let signature = match &*self.pair {
            Pair::Rsa(pair) => {
                let mut signature = vec![0_u8; pair.public().modulus_len()];
                pair.sign(
                    &RSA_PKCS1_SHA256,
                    &self.rng,
                    signing_input.as_bytes(),
                    &mut signature,
                )
                .map_err(|_| AuthError::Signing("RSA signing failed".to_owned()))?;
                signature
            }
            Pair::Ec(pair) => pair
                .sign(&self.rng, signing_input.as_bytes())
                .map_err(|_| AuthError::Signing("ECDSA signing failed".to_owned()))?
                .as_ref()
                .to_vec(),
        };
        Ok(SecretString::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )))
    }
}

impl fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssertionKey")
            .field("alg", &format_args!("{}", self.algorithm()))
            .field("kid", &self.kid.as_deref())
            .finish()
    }
}

#[derive(Serialize)]
struct JwsHeader<'a> {
    alg: &'static str,
    typ: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
}

fn key_error(what: &str) -> AuthError {
    AuthError::Key(format!("{what}; {ACCEPTED}"))
}

/// Why a PEM text holds no usable private key, in words that quote none of it.
fn pem_problem(pem: &[u8], error: &pem::Error) -> String {
    let has = |marker: &[u8]| pem.windows(marker.len()).any(|w| w == marker);
    if has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        "the key is encrypted; decrypt it with `openssl pkcs8 -in key.pem` first".to_owned()
    } else if has(b"-----BEGIN PUBLIC KEY-----") || has(b"-----BEGIN CERTIFICATE-----") {
        "that is a public key or certificate, not the private key".to_owned()
    } else {
        match error {
            pem::Error::NoItemsFound => {
                "no PEM private key found (-----BEGIN PRIVATE KEY-----)".to_owned()
            }
            pem::Error::Base64Decode(_) => "the PEM text is not valid base64".to_owned(),
            pem::Error::MissingSectionEnd { .. } => "the PEM text has no END line".to_owned(),
            _ => "the PEM text cannot be read".to_owned(),
        }
    }
}

/// A key's algorithm, read from the OIDs near the start of its PKCS#8
/// encoding, for a clear refusal.
enum Sniffed {
    Rsa,
    P256,
    Other(&'static str),
}

fn sniff_algorithm(der: &[u8]) -> Option<Sniffed> {
    const OIDS: &[(&[u8], Option<&str>)] = &[
        // id-ecPublicKey's curves first: the algorithm OID precedes them.
        (
            &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07],
            None,
        ),
        (
            &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22],
            Some("an EC P-384 key"),
        ),
        (
            &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23],
            Some("an EC P-521 key"),
        ),
        (
            &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A],
            Some("an EC secp256k1 key"),
        ),
        (&[0x06, 0x03, 0x2B, 0x65, 0x70], Some("an Ed25519 key")),
        (&[0x06, 0x03, 0x2B, 0x65, 0x71], Some("an Ed448 key")),
        (&[0x06, 0x03, 0x2B, 0x65, 0x6E], Some("an X25519 key")),
        (&[0x06, 0x03, 0x2B, 0x65, 0x6F], Some("an X448 key")),
        (
            &[
                0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A,
            ],
            Some("an RSA-PSS key"),
        ),
        (
            &[0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01],
            Some("a DSA key"),
        ),
        (
            &[0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01],
            Some("an EC key on a curve other than P-256"),
        ),
        (
            &[
                0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01,
            ],
            None,
        ),
    ];
    // The AlgorithmIdentifier sits in the first few dozen bytes.
    let head = der.get(..der.len().min(48))?;
    let has = |oid: &[u8]| head.windows(oid.len()).any(|w| w == oid);
    for (index, (oid, name)) in OIDS.iter().enumerate() {
        if has(oid) {
            return Some(match (index, name) {
                (0, _) => Sniffed::P256,
                (_, Some(name)) => Sniffed::Other(name),
                (_, None) => Sniffed::Rsa,
            });
        }
    }
    None
}

/// A JWS `typ`: non-empty visible ASCII.
pub(crate) fn check_jws_type(typ: &str) -> Result<(), AuthError> {
    if typ.is_empty() || !typ.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AuthError::Config(
            "a JWS typ is non-empty visible ASCII (e.g. JWT)".to_owned(),
        ));
    }
    Ok(())
}

/// Checks an assertion lifetime: 1 s to 300 s. Whole seconds count; a
/// fraction of a second is dropped.
pub(crate) fn check_assertion_lifetime(lifetime: Duration) -> Result<u64, AuthError> {
    if lifetime > MAX_ASSERTION_LIFETIME || lifetime.as_secs() == 0 {
        return Err(AuthError::Config(format!(
            "an assertion lives 1 to {} seconds (CAMARA refuses a longer one); {lifetime:?} was asked",
            MAX_ASSERTION_LIFETIME.as_secs()
        )));
    }
    Ok(lifetime.as_secs())
}

/// Seconds since 1970 at `now`.
pub(crate) fn unix_seconds(now: SystemTime) -> Result<u64, AuthError> {
    now.duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .map_err(|_| AuthError::Signing("the clock is before 1970".to_owned()))
}

/// The claims of an assertion: `iss`, `sub`, `aud`, `jti`, `iat`, `exp`,
/// and `scope` for JWT Bearer.
#[derive(Debug, Serialize)]
pub(crate) struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: String,
    jti: String,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
}

impl<'a> AssertionClaims<'a> {
    /// Claims issued at `now` for `audience`, living `lifetime` seconds
    /// (already checked by [`check_assertion_lifetime`]).
    pub(crate) fn new(
        issuer: &'a str,
        subject: &'a str,
        audience: &Uri,
        now: SystemTime,
        jti: Uuid,
        lifetime: u64,
    ) -> Result<Self, AuthError> {
        if jti.is_nil() {
            return Err(AuthError::Config(
                "an assertion needs a fresh jti, and the nil UUID is none: draw one \
                 (e.g. from the client's IdSource) for every assertion"
                    .to_owned(),
            ));
        }
        let iat = unix_seconds(now)?;
        Ok(AssertionClaims {
            iss: issuer,
            sub: subject,
            aud: audience.to_string(),
            jti: jti.hyphenated().to_string(),
            iat,
            exp: iat.saturating_add(lifetime),
            scope: None,
        })
    }

    /// With a `scope` claim.
    pub(crate) fn with_scope(mut self, scope: &'a str) -> Self {
        self.scope = Some(scope);
        self
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ring::signature::{
        ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED_SIGNING, Ed25519KeyPair,
        RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey,
    };
    use serde_json::{Value, json};

    pub(crate) const RSA_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048.pem");
    const RSA_PKCS1_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048-pkcs1.pem");
    const EC_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-ec-p256.pem");
    const RSA_1024_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-1024.pem");

    /// A fresh P-256 key, made by ring.
    pub(crate) fn p256_key() -> AssertionKey {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        AssertionKey::from_pkcs8_der(pkcs8.as_ref()).unwrap()
    }

    pub(crate) fn rsa_key() -> AssertionKey {
        AssertionKey::from_pkcs8_pem(RSA_PEM).unwrap()
    }

    /// Verifies `jws` with `key`'s public key; returns its header and claims.
    pub(crate) fn verify(jws: &str, key: &AssertionKey) -> (Value, Value) {
        let parts: Vec<&str> = jws.split('.').collect();
        assert_eq!(parts.len(), 3, "a compact JWS has three parts");
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        let input = format!("{}.{}", parts[0], parts[1]);
        match key.algorithm() {
            JwsAlgorithm::Rs256 => {
                assert_eq!(signature.len(), 256);
                UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.public_key())
                    .verify(input.as_bytes(), &signature)
                    .unwrap();
            }
            JwsAlgorithm::Es256 => {
                assert_eq!(signature.len(), 64, "ES256 is r || s");
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_key())
                    .verify(input.as_bytes(), &signature)
                    .unwrap();
            }
        }
        let decode = |part: &str| -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
        };
        (decode(parts[0]), decode(parts[1]))
    }

    #[test]
    fn rs256_and_es256_signatures_verify() {
        let claims = json!({"iss": "me", "n": 1});
        for (key, alg) in [
            (rsa_key(), "RS256"),
            (AssertionKey::from_pkcs8_pem(EC_PEM).unwrap(), "ES256"),
            (p256_key(), "ES256"),
        ] {
            let jws = key.sign_jwt("JWT", &claims).unwrap();
            let (header, body) = verify(jws.expose(), &key);
            assert_eq!(header, json!({"alg": alg, "typ": "JWT"}));
            assert_eq!(body, claims);
            let keyed = key.with_kid("k-1").unwrap();
            let jws = keyed
                .sign_jwt("client-authentication+jwt", &claims)
                .unwrap();
            let (header, _) = verify(jws.expose(), &keyed);
            assert_eq!(
                header,
                json!({"alg": alg, "typ": "client-authentication+jwt", "kid": "k-1"})
            );
        }
    }

    #[test]
    fn header_order_is_alg_typ_kid() {
        let key = p256_key().with_kid("a").unwrap();
        let jws = key.sign_jwt("JWT", &json!({})).unwrap();
        let header = jws.expose().split('.').next().unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.decode(header).unwrap(),
            br#"{"alg":"ES256","typ":"JWT","kid":"a"}"#
        );
        assert!(key.sign_jwt("", &json!({})).is_err());
        assert!(key.sign_jwt("a b", &json!({})).is_err());
        assert!(p256_key().with_kid("").is_err());
        assert!(p256_key().with_kid("a\nb").is_err());
    }

    #[test]
    fn other_keys_are_refused_saying_what_is_accepted() {
        let rng = SystemRandom::new();
        let p384 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P384_SHA384_FIXED_SIGNING, &rng).unwrap();
        let ed25519 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let encrypted =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkq\n-----END ENCRYPTED PRIVATE KEY-----\n";
        let sec1 = b"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n";
        let public = b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";
        for (error, says) in [
            (
                AssertionKey::from_pkcs8_pem(RSA_PKCS1_PEM).unwrap_err(),
                "PKCS#1",
            ),
            (AssertionKey::from_pkcs8_pem(sec1).unwrap_err(), "SEC1"),
            (
                AssertionKey::from_pkcs8_pem(encrypted).unwrap_err(),
                "encrypted",
            ),
            (
                AssertionKey::from_pkcs8_pem(public).unwrap_err(),
                "public key",
            ),
            (
                AssertionKey::from_pkcs8_pem(b"garbage").unwrap_err(),
                "no PEM",
            ),
            (
                AssertionKey::from_pkcs8_pem(
                    b"-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n",
                )
                .unwrap_err(),
                "base64",
            ),
            (
                AssertionKey::from_pkcs8_pem(RSA_1024_PEM).unwrap_err(),
                "the RSA key cannot be used (TooSmall)",
            ),
            (
                AssertionKey::from_pkcs8_der(p384.as_ref()).unwrap_err(),
                "P-384",
            ),
            (
                AssertionKey::from_pkcs8_der(ed25519.as_ref()).unwrap_err(),
                "Ed25519",
            ),
            (
                AssertionKey::from_pkcs8_der(b"\x30\x03\x02\x01\x00").unwrap_err(),
                "not a PKCS#8",
            ),
            (
                AssertionKey::from_pkcs8_der(&[]).unwrap_err(),
                "not a PKCS#8",
            ),
        ] {
            assert!(matches!(error, AuthError::Key(_)));
            let text = error.to_string();
            assert!(text.contains(says), "{text}");
            assert!(text.contains("RS256") && text.contains("ES256"), "{text}");
        }
    }

    #[test]
    fn keys_never_print() {
        for key in [rsa_key(), p256_key()] {
            let debug = format!("{key:?}");
            assert!(debug.starts_with("AssertionKey { alg: "), "{debug}");
            assert!(!debug.contains("MII") && debug.len() < 60, "{debug}");
        }
        let jws = rsa_key().sign_jwt("JWT", &json!({"a": 1})).unwrap();
        assert_eq!(format!("{jws:?}"), "[redacted]");
    }

    #[test]
    fn public_jwks() {
        let ec = p256_key().with_kid("ec").unwrap();
        let jwk = ec.public_jwk();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["crv"], "P-256");
        assert_eq!(jwk["kid"], "ec");
        assert_eq!(jwk["alg"], "ES256");
        let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
        let y = URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap();
        assert_eq!((x.len(), y.len()), (32, 32));
        assert_eq!([&[4][..], &x, &y].concat(), ec.public_key());
        let rsa = rsa_key().public_jwk();
        assert_eq!(rsa["kty"], "RSA");
        assert_eq!(rsa["e"], "AQAB");
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(rsa["n"].as_str().unwrap())
                .unwrap()
                .len(),
            256
        );
        assert!(rsa.get("kid").is_none());
    }

    #[test]
    fn lifetimes() {
        assert_eq!(
            check_assertion_lifetime(DEFAULT_ASSERTION_LIFETIME).unwrap(),
            60
        );
        assert_eq!(
            check_assertion_lifetime(Duration::from_secs(300)).unwrap(),
            300
        );
        assert_eq!(
            check_assertion_lifetime(Duration::from_millis(1500)).unwrap(),
            1
        );
        for bad in [
            Duration::ZERO,
            Duration::from_millis(999),
            Duration::from_millis(300_001),
            Duration::from_secs(3600),
        ] {
            let error = check_assertion_lifetime(bad).unwrap_err().to_string();
            assert!(error.contains("300"), "{error}");
        }
    }

    #[test]
    fn claims() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let jti = Uuid::from_u128(7);
        let aud: Uri = "https://as.example.com/token".parse().unwrap();
        let claims = AssertionClaims::new("id", "id", &aud, now, jti, 60).unwrap();
        assert_eq!(
            serde_json::to_value(&claims).unwrap(),
            json!({"iss": "id", "sub": "id", "aud": "https://as.example.com/token",
                   "jti": "00000000-0000-0000-0000-000000000007", "iat": 1_700_000_000_u64,
                   "exp": 1_700_000_060_u64})
        );
        let scoped = claims.with_scope("a b");
        assert_eq!(serde_json::to_value(&scoped).unwrap()["scope"], "a b");
        let before_1970 = UNIX_EPOCH - Duration::from_secs(1);
        assert!(AssertionClaims::new("i", "s", &aud, before_1970, jti, 60).is_err());
        let error = AssertionClaims::new("i", "s", &aud, now, Uuid::nil(), 60).unwrap_err();
        assert!(error.to_string().contains("fresh jti"), "{error}");
    }
}
