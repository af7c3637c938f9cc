//! A client's public key, read from the forms openssl writes: an RSA key
//! in PEM or DER, `SubjectPublicKeyInfo` (`BEGIN PUBLIC KEY`) or PKCS#1
//! `RSAPublicKey` (`BEGIN RSA PUBLIC KEY`), or a P-256 key in PEM or DER
//! `SubjectPublicKeyInfo`. TAAP's PoP tokens are RS256 (RSA keys only);
//! OpenID's `private_key_jwt` and JWT Bearer assertions are RS256 or ES256.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

/// The RSA key sizes signatures are checked with.
const BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// `rsaEncryption`, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// `id-ecPublicKey`, 1.2.840.10045.2.1.
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `prime256v1` (P-256), 1.2.840.10045.3.1.7.
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// An uncompressed P-256 point: 0x04, then X and Y of 32 bytes each.
const P256_POINT_LEN: usize = 65;

/// Why bytes are not a usable client public key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublicKeyError {
    /// A private key was given where its public half belongs.
    #[error(
        "this is a private key; give its public half (openssl pkey -in KEY.pem -pubout -out KEY.pub.pem)"
    )]
    PrivateKey,
    /// PEM of something else than a public key.
    #[error("a PEM \"{0}\" is not a public key (expected \"PUBLIC KEY\" or \"RSA PUBLIC KEY\")")]
    OtherPem(String),
    /// Broken PEM armour or base64.
    #[error("not valid PEM: {0}")]
    Pem(&'static str),
    /// DER that is not a public key.
    #[error("not a public key in DER: {0}")]
    Der(&'static str),
    /// A public key of another algorithm than RSA and P-256, or an EC key
    /// on another curve.
    #[error(
        "neither an RSA nor a P-256 key (signatures are RS256, or ES256 for OpenID's assertions)"
    )]
    NotRsa,
    /// An RSA key signatures cannot be checked with.
    #[error("an RSA key of {0} bits; 2048 to 8192 are supported")]
    Size(usize),
}

/// A client's public key: RSA (RS256) or P-256 (ES256).
///
/// ```
/// let pem = include_bytes!("../../tests/fixtures/test-rsa-2048.spki.pem");
/// let key = qod_sandbox::ClientPublicKey::from_pem_or_der(pem).unwrap();
/// assert_eq!(key.modulus_bits(), Some(2048));
/// assert_eq!(key.jws_algorithm(), "RS256");
///
/// let pem = include_bytes!("../../tests/fixtures/test-ec-p256.spki.pem");
/// let key = qod_sandbox::ClientPublicKey::from_pem_or_der(pem).unwrap();
/// assert_eq!(key.jws_algorithm(), "ES256");
/// assert_eq!(key.pkcs1_der(), None);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ClientPublicKey {
    key: Key,
}

#[derive(Clone, PartialEq, Eq)]
enum Key {
    Rsa {
        pkcs1: Vec<u8>,
        modulus_bits: usize,
    },
    /// The uncompressed point.
    P256 {
        point: Vec<u8>,
    },
}

impl std::fmt::Debug for ClientPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("ClientPublicKey");
        match &self.key {
            Key::Rsa { modulus_bits, .. } => debug.field("modulus_bits", modulus_bits),
            Key::P256 { .. } => debug.field("curve", &"P-256"),
        };
        debug.finish_non_exhaustive()
    }
}

/// Reads DER one element at a time.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    /// The next element's tag and content.
    fn next(&mut self) -> Result<(u8, &'a [u8]), PublicKeyError> {
        let [tag, first, rest @ ..] = self.0 else {
            return Err(PublicKeyError::Der("truncated"));
        };
        let (len, rest) = match *first {
            short @ 0..=0x7f => (usize::from(short), rest),
            0x81..=0x83 => {
                let count = usize::from(first & 0x7f);
                if rest.len() < count {
                    return Err(PublicKeyError::Der("truncated length"));
                }
                let (bytes, rest) = rest.split_at(count);
                (
                    bytes.iter().fold(0, |n, b| (n << 8) | usize::from(*b)),
                    rest,
                )
            }
            _ => return Err(PublicKeyError::Der("unsupported length")),
        };
        if rest.len() < len {
            return Err(PublicKeyError::Der("truncated content"));
        }
        let (content, rest) = rest.split_at(len);
        self.0 = rest;
        Ok((*tag, content))
    }

    fn element(&mut self, tag: u8, what: &'static str) -> Result<&'a [u8], PublicKeyError> {
        match self.next()? {
            (found, content) if found == tag => Ok(content),
            _ => Err(PublicKeyError::Der(what)),
        }
    }
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;

/// Checks PKCS#1 `RSAPublicKey` and returns the modulus size in bits.
fn rsa_public_key(der: &[u8]) -> Result<usize, PublicKeyError> {
    let mut outer = Der(der);
    let mut fields = Der(outer.element(SEQUENCE, "expected a SEQUENCE")?);
    if !outer.0.is_empty() {
        return Err(PublicKeyError::Der("bytes after the key"));
    }
    let modulus = fields.element(INTEGER, "expected the modulus")?;
    let exponent = fields.element(INTEGER, "expected the exponent")?;
    if !fields.0.is_empty() {
        return Err(PublicKeyError::Der("extra fields (a private key?)"));
    }
    let modulus = match modulus {
        [0, rest @ ..] => rest,
        _ => modulus,
    };
    let Some(first) = modulus.first() else {
        return Err(PublicKeyError::Der("empty modulus"));
    };
    let bits = modulus.len() * 8 - first.leading_zeros() as usize;
    if exponent.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(PublicKeyError::Der("a negative public exponent"));
    }
    let exponent = &exponent[exponent.iter().take_while(|b| **b == 0).count()..];
    if exponent.last().is_none_or(|b| b & 1 == 0) || exponent == [1] {
        return Err(PublicKeyError::Der(
            "the public exponent must be odd and at least 3",
        ));
    }
    if !BITS.contains(&bits) {
        return Err(PublicKeyError::Size(bits));
    }
    Ok(bits)
}

/// The key inside DER `SubjectPublicKeyInfo`: RSA's PKCS#1 key, checked
/// later, or a P-256 point.
fn from_spki(der: &[u8]) -> Result<Key, PublicKeyError> {
    let mut outer = Der(der);
    let mut info = Der(outer.element(SEQUENCE, "expected a SEQUENCE")?);
    let mut algorithm = Der(info.element(SEQUENCE, "expected the algorithm")?);
    let oid = algorithm.element(OID, "expected the algorithm's OID")?;
    let key = match info.element(BIT_STRING, "expected the key's BIT STRING")? {
        [0, key @ ..] => key,
        _ => return Err(PublicKeyError::Der("the key's BIT STRING has unused bits")),
    };
    if oid == RSA_ENCRYPTION {
        return Ok(Key::Rsa {
            pkcs1: key.to_vec(),
            modulus_bits: 0,
        });
    }
    if oid != EC_PUBLIC_KEY || algorithm.element(OID, "expected the curve's OID")? != P256 {
        return Err(PublicKeyError::NotRsa);
    }
    // ring checks ECDSA signatures against uncompressed points only.
    match key {
        [0x04, ..] if key.len() == P256_POINT_LEN => Ok(Key::P256 {
            point: key.to_vec(),
        }),
        [0x02 | 0x03, ..] => Err(PublicKeyError::Der(
            "a compressed P-256 point; give it uncompressed (openssl pkey -pubout writes that)",
        )),
        _ => Err(PublicKeyError::Der("not a P-256 point")),
    }
}

/// The label and decoded content of the first PEM block.
fn pem(text: &str) -> Result<(&str, Vec<u8>), PublicKeyError> {
    let start = text
        .find("-----BEGIN ")
        .ok_or(PublicKeyError::Pem("no BEGIN line"))?;
    let after = &text[start + "-----BEGIN ".len()..];
    let (label, body) = after
        .split_once("-----")
        .ok_or(PublicKeyError::Pem("a BEGIN line without its end"))?;
    let end = format!("-----END {label}-----");
    let body = &body[..body.find(&end).ok_or(PublicKeyError::Pem("no END line"))?];
    let base64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD
        .decode(base64)
        .map_err(|_| PublicKeyError::Pem("bad base64"))?;
    Ok((label, der))
}

impl ClientPublicKey {
    /// Reads a public key in PEM or DER: RSA in SPKI or PKCS#1, P-256 in SPKI.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<ClientPublicKey, PublicKeyError> {
        let key = match std::str::from_utf8(bytes) {
            Ok(text) if text.contains("-----BEGIN ") => {
                let (label, der) = pem(text)?;
                match label {
                    "PUBLIC KEY" => from_spki(&der)?,
                    "RSA PUBLIC KEY" => Key::Rsa {
                        pkcs1: der,
                        modulus_bits: 0,
                    },
                    label if label.contains("PRIVATE KEY") => {
                        return Err(PublicKeyError::PrivateKey);
                    }
                    other => return Err(PublicKeyError::OtherPem(other.to_owned())),
                }
            }
            _ => match Der(bytes).element(SEQUENCE, "expected a SEQUENCE")?.first() {
                Some(&SEQUENCE) => from_spki(bytes)?,
                _ => Key::Rsa {
                    pkcs1: bytes.to_vec(),
                    modulus_bits: 0,
                },
            },
        };
        let key = match key {
            Key::Rsa { pkcs1, .. } => Key::Rsa {
                modulus_bits: rsa_public_key(&pkcs1)?,
                pkcs1,
            },
            p256 => p256,
        };
        Ok(ClientPublicKey { key })
    }

    /// An RSA key as DER `RSAPublicKey` (PKCS#1); `None` for a P-256 key.
    pub fn pkcs1_der(&self) -> Option<&[u8]> {
        match &self.key {
            Key::Rsa { pkcs1, .. } => Some(pkcs1),
            Key::P256 { .. } => None,
        }
    }

    /// An RSA key's modulus size in bits; `None` for a P-256 key.
    pub fn modulus_bits(&self) -> Option<usize> {
        match &self.key {
            Key::Rsa { modulus_bits, .. } => Some(*modulus_bits),
            Key::P256 { .. } => None,
        }
    }

    /// The JWS `alg` of the signatures it checks: `RS256` for an RSA key,
    /// `ES256` for a P-256 key.
    pub fn jws_algorithm(&self) -> &'static str {
        match &self.key {
            Key::Rsa { .. } => "RS256",
            Key::P256 { .. } => "ES256",
        }
    }

    /// Checks a JWS signature over `input`: PKCS#1 v1.5 with SHA-256 for
    /// RSA, or the 64 bytes of `r` and `s` (RFC 7518 3.4) for P-256.
    pub(crate) fn verifies(&self, input: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            Key::Rsa { pkcs1, .. } => UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pkcs1)
                .verify(input, signature)
                .is_ok(),
            Key::P256 { point } => UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                .verify(input, signature)
                .is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPKI_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048.spki.pem");
    const SPKI_DER: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048.spki.der");
    const PKCS1_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048.pkcs1.pem");
    const PKCS1_DER: &[u8] = include_bytes!("../../tests/fixtures/test-rsa-2048.pkcs1.der");
    const PRIVATE: &[u8] = include_bytes!("../../../qod-core/tests/fixtures/test-rsa-2048.pem");
    const PRIVATE_PKCS1: &[u8] =
        include_bytes!("../../../qod-core/tests/fixtures/test-rsa-2048-pkcs1.pem");
    const EC: &[u8] = include_bytes!("../../../qod-core/tests/fixtures/test-ec-p256.pem");
    const EC_SPKI_PEM: &[u8] = include_bytes!("../../tests/fixtures/test-ec-p256.spki.pem");
    const EC_SPKI_DER: &[u8] = include_bytes!("../../tests/fixtures/test-ec-p256.spki.der");

    #[test]
    fn the_four_forms_give_one_key() {
        let keys: Vec<ClientPublicKey> = [SPKI_PEM, SPKI_DER, PKCS1_PEM, PKCS1_DER]
            .into_iter()
            .map(|bytes| ClientPublicKey::from_pem_or_der(bytes).unwrap())
            .collect();
        assert!(keys.iter().all(|k| *k == keys[0]));
        // openssl may write attributes before the armour.
        let mut labelled = b"Bag Attributes\n    friendlyName: client\n".to_vec();
        labelled.extend_from_slice(SPKI_PEM);
        assert_eq!(
            ClientPublicKey::from_pem_or_der(&labelled).unwrap(),
            keys[0]
        );
        assert_eq!(keys[0].pkcs1_der(), Some(PKCS1_DER));
        assert_eq!(keys[0].modulus_bits(), Some(2048));
        assert_eq!(keys[0].jws_algorithm(), "RS256");
        assert_eq!(
            format!("{:?}", keys[0]),
            "ClientPublicKey { modulus_bits: 2048, .. }"
        );
    }

    #[test]
    fn p256_keys_in_spki() {
        let pem = ClientPublicKey::from_pem_or_der(EC_SPKI_PEM).unwrap();
        let der = ClientPublicKey::from_pem_or_der(EC_SPKI_DER).unwrap();
        assert_eq!(pem, der);
        assert_eq!(pem.jws_algorithm(), "ES256");
        assert_eq!((pem.pkcs1_der(), pem.modulus_bits()), (None, None));
        assert_eq!(
            format!("{pem:?}"),
            "ClientPublicKey { curve: \"P-256\", .. }"
        );
        // What an ES256 signature over the input verifies with.
        let private = std::str::from_utf8(EC).unwrap();
        let base64: String = private
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let rng = ring::rand::SystemRandom::new();
        let signer = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &STANDARD.decode(base64).unwrap(),
            &rng,
        )
        .unwrap();
        let signature = signer.sign(&rng, b"header.payload").unwrap();
        assert!(pem.verifies(b"header.payload", signature.as_ref()));
        assert!(!pem.verifies(b"header.payloaD", signature.as_ref()));
        let rsa = ClientPublicKey::from_pem_or_der(SPKI_PEM).unwrap();
        assert!(!rsa.verifies(b"header.payload", signature.as_ref()));
    }

    #[test]
    fn what_is_not_a_public_key() {
        for (bytes, expected) in [
            (PRIVATE, "private key"),
            (PRIVATE_PKCS1, "private key"),
            (EC, "private key"),
            (
                &b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"[..],
                "CERTIFICATE",
            ),
            (
                b"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
                "base64",
            ),
            (b"-----BEGIN PUBLIC KEY-----\nAAAA\n", "END"),
            (P384_PEM, "P-256"),
            (ED25519_PEM, "P-256"),
            (&STANDARD.decode(COMPRESSED_P256).unwrap(), "compressed"),
            (b"", "truncated"),
            (b"\x30\x82\xff\xff", "truncated"),
            (&SPKI_DER[..SPKI_DER.len() - 1], "truncated"),
        ] {
            let error = ClientPublicKey::from_pem_or_der(bytes).unwrap_err();
            assert!(error.to_string().contains(expected), "{expected}: {error}");
        }
    }

    const P384_PEM: &[u8] = b"-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEOGEDC+Ajr1UD/4I2ixMH5LkT+qrU/k7j
0kXV7GSw7aZE1GjqtocDoOxUxHAYVKTFVx5d/nG4/zqnG8BLEQ5x4EtMqOpxb2bL
GT+r5bACRHD54ybPPCM8hXb3XPxgbl5y
-----END PUBLIC KEY-----
";
    const ED25519_PEM: &[u8] = b"-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAtSufl5S1n1wXe1JyNyrWVFZhpPXSjHEhtbBvZnBolGY=
-----END PUBLIC KEY-----
";
    /// The fixture's P-256 key with its point compressed (openssl ec
    /// -conv_form compressed).
    const COMPRESSED_P256: &str =
        "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgAD81o2ZE8IIrOfccaXa54y/cOSSYHiP8fcWZg5lRXvvz4=";

    #[test]
    fn small_keys_are_refused() {
        // SEQUENCE { INTEGER (1024-bit modulus), INTEGER 65537 }
        let mut der = vec![0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00, 0xc0];
        der.extend(std::iter::repeat_n(0x11, 127));
        der.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
        assert!(matches!(
            ClientPublicKey::from_pem_or_der(&der),
            Err(PublicKeyError::Size(1024))
        ));
    }
}
