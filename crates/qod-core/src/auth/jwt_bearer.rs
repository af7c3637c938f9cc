//! The JWT Bearer grant (RFC 7523 §2.1) as CAMARA's profile has it: a
//! three-legged token for a known user with no user interaction, the
//! client asserting who the user is in a JWT signed with its key.
//!
//! The assertion's claims: `iss` the client id, `sub` the [`Subject`]
//! (`tel:+…` or `operatortoken:…`), `aud` the token URL, `scope` the
//! [`Scope`], a fresh `jti`, `iat` and `exp` at most 300 s later. The
//! assertion is the client's authentication: no `client_assertion`, and
//! no `scope` parameter (the profile forbids it).
//!
//! ```
//! # let pem = include_str!("../../tests/fixtures/test-ec-p256.pem");
//! use std::time::{Duration, SystemTime};
//! use qod_core::auth::{jwt_bearer, AssertionKey, ClientAuth, Scope, Subject};
//! use qod_core::models::uuid::Uuid;
//!
//! let auth = ClientAuth::private_key_jwt("my-app", AssertionKey::from_pkcs8_pem(pem.as_bytes())?)?;
//! let token_url = "https://as.example.com/token".parse().unwrap();
//! let scope = Scope::parse("dpv:RequestedServiceProvision quality-on-demand:sessions:create")?;
//! let subject = Subject::parse("tel:+34666666666")?;
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let request = jwt_bearer::token_request(&token_url, &auth, &scope, &subject, now, Uuid::from_u128(1))?;
//! let body = String::from_utf8(request.body().clone()).unwrap();
//! assert!(body.starts_with("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="));
//!
//! let device = Subject::parse("ipport:203.0.113.25:8080")?;
//! assert!(jwt_bearer::token_request(&token_url, &auth, &scope, &device, now, Uuid::from_u128(2)).is_err());
//! # Ok::<(), qod_core::auth::AuthError>(())
//! ```

use std::time::SystemTime;

use http::{Request, Response, Uri};
use uuid::Uuid;

use crate::auth::assertion::AssertionClaims;
use crate::auth::client_auth::FormRequest;
use crate::auth::oauth2::{check_endpoint_uri, parse_token_grant};
use crate::auth::{
    AuthError, ClientAuth, DEFAULT_ASSERTION_TYPE, Flow, FlowError, Scope, Subject, SubjectKind,
    TokenGrant,
};

/// The `grant_type` of the JWT Bearer grant.
pub const JWT_BEARER_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The token request: `POST` to `token_url` with the form
/// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWS>`.
///
/// `auth` must be [`ClientAuth::private_key_jwt`]: its key signs the
/// assertion (JWS `typ` `JWT`) and its assertion lifetime sets `exp`.
/// `jti` must be fresh: the nil UUID is refused.
/// `subject` must be `tel:` or `operatortoken:`; an `ipport:` subject is
/// refused, as the profile has no such `sub`.
pub fn token_request(
    token_url: &Uri,
    auth: &ClientAuth,
    scope: &Scope,
    subject: &Subject,
    now: SystemTime,
    jti: Uuid,
) -> Result<Request<Vec<u8>>, AuthError> {
    check_endpoint_uri(token_url, "token URL")?;
    let Some((key, lifetime)) = auth.signer() else {
        return Err(AuthError::Config(format!(
            "the JWT Bearer grant signs its assertion with the client's key, and {} has none: \
             use ClientAuth::private_key_jwt",
            auth.method()
        )));
    };
    if subject.kind() == SubjectKind::IpPort {
        return Err(AuthError::Config(
            "the JWT Bearer grant asserts a tel:+… or operatortoken:… subject; \
             an ipport: subject cannot be asserted (CIBA takes it as a login hint)"
                .to_owned(),
        ));
    }
    let claims = AssertionClaims::new(
        auth.client_id(),
        subject.expose(),
        token_url,
        now,
        jti,
        lifetime,
    )?
    .with_scope(scope.as_str());
    let assertion = key.sign_jwt(DEFAULT_ASSERTION_TYPE, &claims)?;
    let mut form = FormRequest::new(token_url.clone());
    form.pair("grant_type", JWT_BEARER_GRANT_TYPE)
        .pair("assertion", assertion.expose());
    form.finish()
}

/// Reads the token endpoint's answer, received at `now`. `invalid_grant`
/// (the assertion is not valid, e.g. the user has not consented) is
/// [`AuthError::Flow`] with [`FlowEnd::InvalidGrant`](crate::auth::FlowEnd::InvalidGrant);
/// other refusals are [`AuthError::OAuth`]. The profile forbids a refresh
/// token here: one that comes anyway is dropped.
pub fn read_token_response(
    response: Response<Vec<u8>>,
    now: SystemTime,
) -> Result<TokenGrant, AuthError> {
    parse_token_grant(response, now, true)
        .map(TokenGrant::without_refresh)
        .map_err(|error| FlowError::from_oauth(Flow::JwtBearer, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::FlowEnd;
    use crate::auth::assertion::tests::{p256_key, rsa_key, verify};
    use crate::auth::client_auth::tests::{field, form};
    use http::header::AUTHORIZATION;
    use std::time::{Duration, UNIX_EPOCH};

    const NOW: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn url() -> Uri {
        "https://as.example.com/oauth2/token".parse().unwrap()
    }

    fn scope() -> Scope {
        Scope::parse("dpv:FraudPreventionAndDetection quality-on-demand:sessions:create").unwrap()
    }

    #[test]
    fn the_assertion_follows_the_profile() {
        for key in [rsa_key(), p256_key()] {
            let auth = ClientAuth::private_key_jwt("my-app", key.clone())
                .unwrap()
                .with_assertion_lifetime(Duration::from_secs(120))
                .unwrap()
                .with_assertion_type("client-authentication+jwt")
                .unwrap();
            for sub in ["tel:+34666666666", "operatortoken:ey.canary-op"] {
                let subject = Subject::parse(sub).unwrap();
                let jti = Uuid::from_u128(42);
                let request = token_request(&url(), &auth, &scope(), &subject, now(), jti).unwrap();
                assert!(request.headers().get(AUTHORIZATION).is_none());
                let names: Vec<String> = form(&request).into_iter().map(|(k, _)| k).collect();
                assert_eq!(
                    names,
                    ["grant_type", "assertion"],
                    "no scope, no client_assertion"
                );
                assert_eq!(
                    field(&request, "grant_type").unwrap(),
                    JWT_BEARER_GRANT_TYPE
                );
                let (header, claims) = verify(&field(&request, "assertion").unwrap(), &key);
                assert_eq!(header["typ"], "JWT");
                assert_eq!(claims["iss"], "my-app");
                assert_eq!(claims["sub"], sub);
                assert_eq!(claims["aud"], "https://as.example.com/oauth2/token");
                assert_eq!(claims["scope"], scope().as_str());
                assert_eq!(claims["jti"], jti.to_string());
                assert_eq!(claims["iat"], NOW);
                assert_eq!(claims["exp"], NOW + 120);
            }
        }
    }

    #[test]
    fn refusals_before_sending() {
        let key_auth = ClientAuth::private_key_jwt("id", p256_key()).unwrap();
        let device = Subject::parse("ipport:[2001:db8::1]:80").unwrap();
        let error = token_request(&url(), &key_auth, &scope(), &device, now(), Uuid::nil())
            .unwrap_err()
            .to_string();
        assert!(error.contains("ipport:"), "{error}");
        let secret = ClientAuth::secret_basic("id", "s").unwrap();
        let phone = Subject::parse("tel:+34666666666").unwrap();
        let error = token_request(&url(), &secret, &scope(), &phone, now(), Uuid::nil())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("private_key_jwt") && error.contains("client_secret_basic"),
            "{error}"
        );
        let insecure: Uri = "http://as.example.com/token".parse().unwrap();
        assert!(token_request(&insecure, &key_auth, &scope(), &phone, now(), Uuid::nil()).is_err());
    }

    #[test]
    fn answers() {
        let ok = Response::builder()
            .status(200)
            .body(br#"{"access_token":"at","token_type":"Bearer","expires_in":300,"refresh_token":"forbidden"}"#.to_vec())
            .unwrap();
        let grant = read_token_response(ok, now()).unwrap();
        assert_eq!(grant.access_token().secret(), "at");
        assert!(grant.refresh_token().is_none(), "the profile forbids it");
        let refused = Response::builder()
            .status(400)
            .body(br#"{"error":"invalid_grant","error_description":"no consent"}"#.to_vec())
            .unwrap();
        let error = read_token_response(refused, now()).unwrap_err();
        assert_eq!(error.flow_end(), Some(FlowEnd::InvalidGrant));
        let AuthError::Flow(flow) = &error else {
            panic!()
        };
        assert_eq!(flow.flow, Flow::JwtBearer);
        assert!(error.to_string().contains("no consent"));
    }
}
