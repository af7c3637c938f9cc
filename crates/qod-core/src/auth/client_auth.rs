//! How a client authenticates to the authorization server, on token and
//! backchannel requests alike: `client_secret_basic`, `client_secret_post`
//! (RFC 6749 §2.3.1) and `private_key_jwt` (RFC 7523 §2.2, OpenID Connect
//! Core §9), which CAMARA's profile requires.

use std::fmt;
use std::sync::Arc;
#[cfg(feature = "jwt")]
use std::time::Duration;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Uri};
use qod_models::SecretString;
use uuid::Uuid;

#[cfg(feature = "jwt")]
use crate::auth::AssertionKey;
use crate::auth::AuthError;
#[cfg(feature = "jwt")]
use crate::auth::assertion::{
    AssertionClaims, DEFAULT_ASSERTION_LIFETIME, DEFAULT_ASSERTION_TYPE, check_assertion_lifetime,
    check_jws_type,
};

/// The `client_assertion_type` of `private_key_jwt`.
pub const CLIENT_ASSERTION_TYPE_JWT_BEARER: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client authenticates to the authorization server, by its
/// registered name (`token_endpoint_auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuthMethod {
    /// HTTP Basic with the form-urlencoded id and secret (`client_secret_basic`).
    Basic,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    Post,
    /// A signed client assertion in the form body (`private_key_jwt`).
    PrivateKeyJwt,
}

impl ClientAuthMethod {
    /// The registered name: `client_secret_basic`, `client_secret_post` or
    /// `private_key_jwt`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuthMethod::Basic => "client_secret_basic",
            ClientAuthMethod::Post => "client_secret_post",
            ClientAuthMethod::PrivateKeyJwt => "private_key_jwt",
        }
    }
}

impl fmt::Display for ClientAuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone)]
enum How {
    SecretBasic(SecretString),
    SecretPost(SecretString),
    #[cfg(feature = "jwt")]
    PrivateKeyJwt {
        key: AssertionKey,
        typ: Arc<str>,
        lifetime: u64,
    },
}

/// A client id and how the client proves it is that client. Nothing
/// secret prints: not the secret, not the key, not an assertion.
///
/// With `private_key_jwt`, every request gets a fresh assertion: `iss` and
/// `sub` the client id, `aud` the exact URL of the endpoint the request
/// goes to, the `jti` the caller gives (a fresh one each time; the nil
/// UUID is refused), `iat` the time given and `exp` that plus the lifetime
/// (60 s unless set; 1 to 300 s).
///
/// ```
/// use qod_core::auth::{ClientAuth, ClientAuthMethod};
/// let basic = ClientAuth::secret_basic("my-app", "s3cret")?;
/// assert_eq!(basic.method(), ClientAuthMethod::Basic);
/// assert!(!format!("{basic:?}").contains("s3cret"));
/// assert!(ClientAuth::secret_post("", "s3cret").is_err());
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
///
/// ```
/// # #[cfg(feature = "jwt")] {
/// # let pem = include_str!("../../tests/fixtures/test-ec-p256.pem");
/// use std::time::Duration;
/// use qod_core::auth::{AssertionKey, ClientAuth, ClientAuthMethod};
/// let key = AssertionKey::from_pkcs8_pem(pem.as_bytes())?.with_kid("2026-01")?;
/// let auth = ClientAuth::private_key_jwt("my-app", key)?
///     .with_assertion_type("client-authentication+jwt")?
///     .with_assertion_lifetime(Duration::from_secs(120))?;
/// assert_eq!(auth.method(), ClientAuthMethod::PrivateKeyJwt);
/// assert!(auth.signs_assertions());
/// assert!(ClientAuth::private_key_jwt("my-app", AssertionKey::from_pkcs8_pem(pem.as_bytes())?)?
///     .with_assertion_lifetime(Duration::from_secs(301))
///     .is_err());
/// # }
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Clone)]
pub struct ClientAuth {
    client_id: Arc<str>,
    how: How,
}

/// Checks a client id: not empty, no control character.
pub(crate) fn check_client_id(client_id: &str) -> Result<(), AuthError> {
    if client_id.is_empty() {
        return Err(AuthError::Config("the client id is empty".to_owned()));
    }
    if client_id.chars().any(char::is_control) {
        return Err(AuthError::Config(
            "the client id has a control character".to_owned(),
        ));
    }
    Ok(())
}

impl ClientAuth {
    fn new(client_id: String, how: How) -> Result<Self, AuthError> {
        check_client_id(&client_id)?;
        Ok(ClientAuth {
            client_id: client_id.into(),
            how,
        })
    }

    /// `client_secret_basic`: HTTP Basic with the id and the secret, each
    /// form-urlencoded first (RFC 6749 §2.3.1).
    pub fn secret_basic(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Result<Self, AuthError> {
        Self::new(client_id.into(), How::SecretBasic(client_secret.into()))
    }

    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    pub fn secret_post(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> Result<Self, AuthError> {
        Self::new(client_id.into(), How::SecretPost(client_secret.into()))
    }

    /// `private_key_jwt`: `client_id`, `client_assertion_type` and a
    /// `client_assertion` signed with `key`, in the form body. The JWS
    /// `typ` is `JWT` and an assertion lives 60 s unless set.
    #[cfg(feature = "jwt")]
    pub fn private_key_jwt(
        client_id: impl Into<String>,
        key: AssertionKey,
    ) -> Result<Self, AuthError> {
        Self::new(
            client_id.into(),
            How::PrivateKeyJwt {
                key,
                typ: DEFAULT_ASSERTION_TYPE.into(),
                lifetime: DEFAULT_ASSERTION_LIFETIME.as_secs(),
            },
        )
    }

    /// Sets the JWS `typ` header of the assertions (default `JWT`; a
    /// pending ICM proposal asks for `client-authentication+jwt`). Not the
    /// `client_assertion_type` parameter, which RFC 7523 fixes. Refused for
    /// a secret, and when not visible ASCII.
    #[cfg(feature = "jwt")]
    pub fn with_assertion_type(mut self, typ: &str) -> Result<Self, AuthError> {
        check_jws_type(typ)?;
        match &mut self.how {
            How::PrivateKeyJwt { typ: own, .. } => *own = typ.into(),
            _ => return Err(no_assertions("an assertion type")),
        }
        Ok(self)
    }

    /// Sets how long an assertion lives: 1 to 300 s, whole seconds
    /// (default 60 s). Refused for a secret.
    #[cfg(feature = "jwt")]
    pub fn with_assertion_lifetime(mut self, lifetime: Duration) -> Result<Self, AuthError> {
        let seconds = check_assertion_lifetime(lifetime)?;
        match &mut self.how {
            How::PrivateKeyJwt { lifetime: own, .. } => *own = seconds,
            _ => return Err(no_assertions("an assertion lifetime")),
        }
        Ok(self)
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The method, by its registered name.
    pub fn method(&self) -> ClientAuthMethod {
        match self.how {
            How::SecretBasic(_) => ClientAuthMethod::Basic,
            How::SecretPost(_) => ClientAuthMethod::Post,
            #[cfg(feature = "jwt")]
            How::PrivateKeyJwt { .. } => ClientAuthMethod::PrivateKeyJwt,
        }
    }

    /// The signing key of `private_key_jwt`.
    #[cfg(feature = "jwt")]
    pub fn key(&self) -> Option<&AssertionKey> {
        match &self.how {
            How::PrivateKeyJwt { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Whether each request signs an assertion, which needs a fresh `jti`:
    /// a caller may skip drawing one otherwise.
    pub fn signs_assertions(&self) -> bool {
        self.method() == ClientAuthMethod::PrivateKeyJwt
    }

    /// The same client with the other secret method, or `None` when `method`
    /// needs what this one lacks (a key for `private_key_jwt`, a secret
    /// for the others).
    pub(crate) fn switched_to(&self, method: ClientAuthMethod) -> Option<ClientAuth> {
        let how = match (&self.how, method) {
            (How::SecretBasic(secret) | How::SecretPost(secret), ClientAuthMethod::Basic) => {
                How::SecretBasic(secret.clone())
            }
            (How::SecretBasic(secret) | How::SecretPost(secret), ClientAuthMethod::Post) => {
                How::SecretPost(secret.clone())
            }
            (how, method) if self.method() == method => how.clone(),
            _ => return None,
        };
        Some(ClientAuth {
            client_id: self.client_id.clone(),
            how,
        })
    }

    /// The key and the assertion lifetime (seconds) of `private_key_jwt`.
    #[cfg(feature = "jwt")]
    pub(crate) fn signer(&self) -> Option<(&AssertionKey, u64)> {
        match &self.how {
            How::PrivateKeyJwt { key, lifetime, .. } => Some((key, *lifetime)),
            _ => None,
        }
    }

    /// Authenticates `request`, a form being built for its endpoint, at
    /// `now`: a Basic header, or the client's form parameters (an
    /// assertion with `aud` = the request's URI and `jti`, which must be
    /// fresh: a nil `jti` is refused with `private_key_jwt`).
    #[cfg_attr(not(feature = "jwt"), allow(unused_variables))]
    pub(crate) fn apply(
        &self,
        request: &mut FormRequest,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<(), AuthError> {
        match &self.how {
            How::SecretBasic(secret) => {
                // §2.3.1: each part is form-urlencoded before they are joined.
                let id: String =
                    form_urlencoded::byte_serialize(self.client_id.as_bytes()).collect();
                let secret: String =
                    form_urlencoded::byte_serialize(secret.expose().as_bytes()).collect();
                let mut value = HeaderValue::try_from(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{id}:{secret}"))
                ))
                .map_err(|_| {
                    AuthError::Config("the Basic credentials are not a header value".to_owned())
                })?;
                value.set_sensitive(true);
                request.authorization = Some(value);
            }
            How::SecretPost(secret) => {
                request.pair("client_id", &self.client_id);
                request.pair("client_secret", secret.expose());
            }
            #[cfg(feature = "jwt")]
            How::PrivateKeyJwt { key, typ, lifetime } => {
                let claims = AssertionClaims::new(
                    &self.client_id,
                    &self.client_id,
                    &request.uri,
                    now,
                    jti,
                    *lifetime,
                )?;
                let assertion = key.sign_jwt(typ, &claims)?;
                request.pair("client_id", &self.client_id);
                request.pair("client_assertion_type", CLIENT_ASSERTION_TYPE_JWT_BEARER);
                request.pair("client_assertion", assertion.expose());
            }
        }
        Ok(())
    }
}

#[cfg(feature = "jwt")]
fn no_assertions(what: &str) -> AuthError {
    AuthError::Config(format!(
        "{what} applies to private_key_jwt only: a client secret signs no assertion"
    ))
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ClientAuth");
        debug
            .field("client_id", &&*self.client_id)
            .field("method", &self.method());
        #[cfg(feature = "jwt")]
        if let How::PrivateKeyJwt { key, typ, lifetime } = &self.how {
            debug
                .field("key", key)
                .field("typ", &&**typ)
                .field("lifetime_seconds", lifetime);
        }
        debug.finish()
    }
}

/// A form-encoded `POST` being built for an authorization server endpoint.
pub(crate) struct FormRequest {
    uri: Uri,
    form: form_urlencoded::Serializer<'static, String>,
    authorization: Option<HeaderValue>,
}

impl FormRequest {
    /// An empty form for `uri`.
    pub(crate) fn new(uri: Uri) -> Self {
        FormRequest {
            uri,
            form: form_urlencoded::Serializer::new(String::new()),
            authorization: None,
        }
    }

    /// Appends `name=value`, both form-urlencoded.
    pub(crate) fn pair(&mut self, name: &str, value: &str) -> &mut Self {
        self.form.append_pair(name, value);
        self
    }

    /// `POST uri` with the form as its body, `Content-Type:
    /// application/x-www-form-urlencoded` and `Accept: application/json`.
    pub(crate) fn finish(mut self) -> Result<Request<Vec<u8>>, AuthError> {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(self.uri)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json");
        if let Some(value) = self.authorization {
            builder = builder.header(AUTHORIZATION, value);
        }
        builder
            .body(self.form.finish().into_bytes())
            .map_err(|e| AuthError::Config(e.to_string()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    pub(crate) fn form(request: &Request<Vec<u8>>) -> Vec<(String, String)> {
        form_urlencoded::parse(request.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub(crate) fn field(request: &Request<Vec<u8>>, name: &str) -> Option<String> {
        form(request)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn built(auth: &ClientAuth, uri: &str, now: SystemTime, jti: Uuid) -> Request<Vec<u8>> {
        let mut request = FormRequest::new(uri.parse().unwrap());
        request.pair("grant_type", "client_credentials");
        auth.apply(&mut request, now, jti).unwrap();
        request.finish().unwrap()
    }

    const NOW: Duration = Duration::from_secs(1_700_000_000);

    #[test]
    fn secret_basic_form_encodes_both_parts() {
        let auth = ClientAuth::secret_basic("my app", "p@ss:w/rd+ é").unwrap();
        let request = built(
            &auth,
            "https://as.example.com/token",
            UNIX_EPOCH + NOW,
            Uuid::nil(),
        );
        let expected = format!(
            "Basic {}",
            STANDARD.encode("my+app:p%40ss%3Aw%2Frd%2B+%C3%A9")
        );
        assert_eq!(request.headers()[AUTHORIZATION], expected.as_str());
        assert!(request.headers()[AUTHORIZATION].is_sensitive());
        assert_eq!(request.body(), b"grant_type=client_credentials");
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.headers()[CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
    }

    #[test]
    fn secret_post_puts_both_in_the_form() {
        let auth = ClientAuth::secret_post("id", "s e").unwrap();
        let request = built(
            &auth,
            "https://as.example.com/token",
            UNIX_EPOCH + NOW,
            Uuid::nil(),
        );
        assert!(request.headers().get(AUTHORIZATION).is_none());
        assert_eq!(
            request.body(),
            b"grant_type=client_credentials&client_id=id&client_secret=s+e"
        );
        assert!(!auth.signs_assertions());
        assert_eq!(form(&request).len(), 3);
        assert_eq!(field(&request, "client_secret").as_deref(), Some("s e"));
    }

    #[test]
    fn client_ids_are_checked() {
        assert!(ClientAuth::secret_basic("", "s").is_err());
        let error = ClientAuth::secret_basic("a\nb", "s")
            .unwrap_err()
            .to_string();
        assert!(error.contains("control"), "{error}");
        assert!(ClientAuth::secret_post("id\u{7f}", "s").is_err());
        assert!(ClientAuth::secret_basic("id:with:colons é", "s").is_ok());
    }

    #[test]
    fn switching_between_methods() {
        let basic = ClientAuth::secret_basic("id", "s").unwrap();
        let post = basic.switched_to(ClientAuthMethod::Post).unwrap();
        assert_eq!(post.method(), ClientAuthMethod::Post);
        assert_eq!(
            post.switched_to(ClientAuthMethod::Basic).unwrap().method(),
            ClientAuthMethod::Basic
        );
        assert!(basic.switched_to(ClientAuthMethod::PrivateKeyJwt).is_none());
    }

    #[test]
    fn secrets_never_print() {
        for auth in [
            ClientAuth::secret_basic("id", "canary-secret").unwrap(),
            ClientAuth::secret_post("id", "canary-secret").unwrap(),
        ] {
            let debug = format!("{auth:?}");
            assert!(!debug.contains("canary"), "{debug}");
            assert!(debug.contains("\"id\""), "{debug}");
        }
    }

    #[cfg(feature = "jwt")]
    mod private_key_jwt {
        use super::*;
        use crate::auth::assertion::tests::{p256_key, rsa_key, verify};

        #[test]
        fn assertions_follow_rfc_7523() {
            for key in [rsa_key(), p256_key()] {
                let auth = ClientAuth::private_key_jwt("my-app", key.clone()).unwrap();
                assert!(auth.signs_assertions());
                let jti = Uuid::from_u128(0x1234);
                let url = "https://as.example.com:8443/oauth2/bc-authorize";
                let request = built(&auth, url, UNIX_EPOCH + NOW, jti);
                assert!(request.headers().get(AUTHORIZATION).is_none());
                let fields = form(&request);
                let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
                assert_eq!(
                    names,
                    [
                        "grant_type",
                        "client_id",
                        "client_assertion_type",
                        "client_assertion"
                    ]
                );
                assert_eq!(field(&request, "client_id").unwrap(), "my-app");
                assert_eq!(
                    field(&request, "client_assertion_type").unwrap(),
                    CLIENT_ASSERTION_TYPE_JWT_BEARER
                );
                let assertion = field(&request, "client_assertion").unwrap();
                let (header, claims) = verify(&assertion, &key);
                assert_eq!(header["typ"], "JWT");
                assert_eq!(header["alg"], key.algorithm().as_str());
                assert_eq!(claims["iss"], "my-app");
                assert_eq!(claims["sub"], "my-app");
                assert_eq!(claims["aud"], url);
                assert_eq!(claims["jti"], jti.hyphenated().to_string());
                assert_eq!(claims["iat"], NOW.as_secs());
                assert_eq!(claims["exp"], NOW.as_secs() + 60);
            }
        }

        #[test]
        fn each_request_has_its_own_jti_and_time() {
            let key = p256_key();
            let auth = ClientAuth::private_key_jwt("id", key.clone())
                .unwrap()
                .with_assertion_lifetime(Duration::from_secs(300))
                .unwrap()
                .with_assertion_type("client-authentication+jwt")
                .unwrap();
            let url = "https://as.example.com/token";
            let first = built(&auth, url, UNIX_EPOCH + NOW, Uuid::from_u128(1));
            let later = NOW + Duration::from_secs(10);
            let second = built(&auth, url, UNIX_EPOCH + later, Uuid::from_u128(2));
            let (h1, c1) = verify(&field(&first, "client_assertion").unwrap(), &key);
            let (_, c2) = verify(&field(&second, "client_assertion").unwrap(), &key);
            assert_eq!(h1["typ"], "client-authentication+jwt");
            assert_ne!(c1["jti"], c2["jti"]);
            assert_eq!(c2["iat"], later.as_secs());
            for claims in [c1, c2] {
                let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
                assert_eq!(lifetime, 300);
            }
        }

        #[test]
        fn options_are_checked() {
            let auth = ClientAuth::private_key_jwt("id", p256_key()).unwrap();
            assert!(
                auth.clone()
                    .with_assertion_lifetime(Duration::ZERO)
                    .is_err()
            );
            assert!(
                auth.clone()
                    .with_assertion_lifetime(Duration::from_secs(301))
                    .is_err()
            );
            assert!(auth.clone().with_assertion_type("").is_err());
            assert!(ClientAuth::private_key_jwt("", p256_key()).is_err());
            let basic = ClientAuth::secret_basic("id", "s").unwrap();
            let error = basic
                .clone()
                .with_assertion_lifetime(Duration::from_secs(30))
                .unwrap_err()
                .to_string();
            assert!(error.contains("private_key_jwt"), "{error}");
            assert!(basic.with_assertion_type("JWT").is_err());
            assert!(auth.switched_to(ClientAuthMethod::Basic).is_none());
            assert!(auth.switched_to(ClientAuthMethod::PrivateKeyJwt).is_some());
            assert!(auth.key().is_some());
        }

        #[test]
        fn before_1970_nothing_is_signed() {
            let auth = ClientAuth::private_key_jwt("id", p256_key()).unwrap();
            let mut request = FormRequest::new("https://as.example.com/token".parse().unwrap());
            let error = auth
                .apply(
                    &mut request,
                    UNIX_EPOCH - Duration::from_secs(1),
                    Uuid::from_u128(1),
                )
                .unwrap_err();
            assert!(matches!(error, AuthError::Signing(_)));
            // Nor with a nil jti: an assertion that could be replayed.
            let error = auth
                .apply(&mut request, UNIX_EPOCH + NOW, Uuid::nil())
                .unwrap_err();
            assert!(error.to_string().contains("fresh jti"), "{error}");
        }

        #[test]
        fn keys_and_assertions_never_print() {
            let auth = ClientAuth::private_key_jwt("id", rsa_key().with_kid("k").unwrap()).unwrap();
            let debug = format!("{auth:?}");
            assert_eq!(
                debug,
                r#"ClientAuth { client_id: "id", method: PrivateKeyJwt, key: AssertionKey { alg: RS256, kid: Some("k") }, typ: "JWT", lifetime_seconds: 60 }"#
            );
        }
    }
}
