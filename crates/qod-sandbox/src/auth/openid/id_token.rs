//! The sandbox's own signing key, made at start: it signs ID tokens
//! (ES256), and the JWKS publishes its public half. Access tokens are
//! opaque (the sandbox looks them up), so nothing else is signed.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};

/// The ES256 key that signs ID tokens.
pub(crate) struct Signer {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    /// Its RFC 7638 thumbprint.
    kid: String,
    /// Its JWK.
    jwk: Value,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A fresh key.
    pub(crate) fn generate() -> std::io::Result<Signer> {
        let rng = SystemRandom::new();
        fn failed<E>(_: E) -> std::io::Error {
            std::io::Error::other("cannot make the ID-token signing key")
        }
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).map_err(failed)?;
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(failed)?;
        // The public key is the uncompressed point: 0x04, X, Y.
        let point = key.public_key().as_ref();
        let (x, y) = point
            .get(1..33)
            .zip(point.get(33..65))
            .ok_or_else(|| std::io::Error::other("an unexpected P-256 public key"))?;
        let (x, y) = (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y));
        // RFC 7638 3.2: the required members, in lexicographic order, no spaces.
        let thumbprint_input = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            thumbprint_input.as_bytes(),
        ));
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": x, "y": y,
            "use": "sig", "alg": "ES256", "kid": kid});
        Ok(Signer { key, rng, kid, jwk })
    }

    /// The JWK Set of `jwks_uri`.
    pub(crate) fn jwks(&self) -> Value {
        json!({"keys": [self.jwk]})
    }

    /// A signed JWT of `claims`, or `None` when signing fails.
    fn sign(&self, claims: &Value) -> Option<String> {
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": self.kid});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.sign(&self.rng, input.as_bytes()).ok()?;
        Some(format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }

    /// An ID token (OpenID Connect Core 2) for `subject`, the client's
    /// pairwise id of the user; `extra` claims added (`nonce`, CIBA's
    /// `urn:openid:params:jwt:claim:auth_req_id`).
    pub(crate) fn id_token(
        &self,
        issuer: &str,
        client_id: &str,
        subject: &str,
        now: SystemTime,
        lifetime_secs: u64,
        extra: &[(&str, &str)],
    ) -> Option<String> {
        let iat = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
        let mut claims = json!({"iss": issuer, "sub": subject, "aud": client_id,
            "iat": iat, "auth_time": iat, "exp": iat.saturating_add(lifetime_secs)});
        for (name, value) in extra {
            claims[*name] = json!(value);
        }
        self.sign(&claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

    #[test]
    fn id_tokens_verify_with_the_published_key() {
        let signer = Signer::generate().unwrap();
        let jwks = signer.jwks();
        let jwk = &jwks["keys"][0];
        assert_eq!(
            (jwk["kty"].as_str(), jwk["alg"].as_str()),
            (Some("EC"), Some("ES256"))
        );
        let token = signer
            .id_token(
                "http://as",
                "client",
                "ppid",
                SystemTime::now(),
                60,
                &[("nonce", "n-1")],
            )
            .unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut point = vec![4];
        point.extend(URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap());
        point.extend(URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap());
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
            .verify(
                format!("{}.{}", parts[0], parts[1]).as_bytes(),
                &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
            .unwrap();
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["kid"], jwk["kid"]);
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(
            (claims["aud"].as_str(), claims["nonce"].as_str()),
            (Some("client"), Some("n-1"))
        );
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            60
        );
    }

    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint() {
        let signer = Signer::generate().unwrap();
        let jwk = &signer.jwks()["keys"][0];
        let canonical = serde_json::to_string(
            &json!({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]}),
        )
        .unwrap();
        let expected = URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            canonical.as_bytes(),
        ));
        assert_eq!(jwk["kid"], expected);
    }
}
