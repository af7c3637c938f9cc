//! T-Mobile's TAAP authentication: an access token from `/oauth2/v2/tokens`
//! and a fresh PoP token on every call.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, Uri};
use qod_models::SecretString;
use uuid::Uuid;

use crate::Endpoint;
use crate::auth::oauth2::{parse_token_response, parse_token_url};
use crate::auth::pop::X_AUTHORIZATION;
use crate::auth::{AccessToken, AuthError, PopSigner};

/// The token path under the API host.
pub const TAAP_TOKEN_PATH: &str = "/oauth2/v2/tokens";

/// T-Mobile TAAP credentials: client id, client secret and the RSA key that
/// signs PoP tokens. Nothing secret prints.
///
/// ```
/// # let pem = include_str!("../../tests/fixtures/test-rsa-2048.pem");
/// use qod_core::auth::TaapCredentials;
/// let taap = TaapCredentials::from_pem("my-client-id", "my-secret", pem.as_bytes()).unwrap();
/// assert!(!format!("{taap:?}").contains("my-secret"));
/// assert!(TaapCredentials::from_pem("id", "secret", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct TaapCredentials {
    client_id: String,
    client_secret: SecretString,
    signer: PopSigner,
    token_url: Option<Uri>,
}

impl TaapCredentials {
    /// Credentials with an already loaded signer.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        signer: PopSigner,
    ) -> Result<Self, AuthError> {
        let client_id = client_id.into();
        if client_id.is_empty() || client_id.contains(':') {
            return Err(AuthError::Config(
                "the client id must be non-empty and contain no ':'".to_owned(),
            ));
        }
        Ok(TaapCredentials {
            client_id,
            client_secret: client_secret.into(),
            signer,
            token_url: None,
        })
    }

    /// Credentials with the key given as PKCS#8 PEM; a bad key is refused here.
    pub fn from_pem(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        private_key_pem: &[u8],
    ) -> Result<Self, AuthError> {
        Self::new(
            client_id,
            client_secret,
            PopSigner::from_pkcs8_pem(private_key_pem)?,
        )
    }

    /// Uses `url` for tokens instead of `{scheme}://{host}/oauth2/v2/tokens` of the API.
    pub fn with_token_url(mut self, url: &str) -> Result<Self, AuthError> {
        self.token_url = Some(parse_token_url(url)?);
        Ok(self)
    }

    /// The signer.
    pub fn signer(&self) -> &PopSigner {
        &self.signer
    }

    /// The token URL used with `endpoint`.
    pub fn token_url(&self, endpoint: &Endpoint) -> Result<Uri, AuthError> {
        match &self.token_url {
            Some(url) => Ok(url.clone()),
            None => Uri::builder()
                .scheme(endpoint.scheme())
                .authority(endpoint.authority())
                .path_and_query(TAAP_TOKEN_PATH)
                .build()
                .map_err(|e| AuthError::Config(e.to_string())),
        }
    }

    /// The token request: `POST`, JSON content type, empty body, Basic
    /// credentials (the raw `id:secret`, not form-encoded) and a PoP token.
    pub fn token_request(
        &self,
        endpoint: &Endpoint,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<Request<Vec<u8>>, AuthError> {
        let mut basic = HeaderValue::try_from(format!(
            "Basic {}",
            STANDARD.encode(format!(
                "{}:{}",
                self.client_id,
                self.client_secret.expose()
            ))
        ))
        .map_err(|e| AuthError::Config(e.to_string()))?;
        basic.set_sensitive(true);
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(self.token_url(endpoint)?)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, basic)
            .body(Vec::new())
            .map_err(|e| AuthError::Config(e.to_string()))?;
        self.add_pop(&mut request, now, jti)?;
        Ok(request)
    }

    /// Reads the token endpoint's answer: `access_token`, `expires_in`, optional `id_token`.
    pub fn parse_token_response(
        &self,
        response: Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<AccessToken, AuthError> {
        parse_token_response(response, now, false)
    }

    /// Signs `request` as it stands and sets `X-Authorization`.
    pub fn add_pop(
        &self,
        request: &mut Request<Vec<u8>>,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<(), AuthError> {
        request.headers_mut().remove(X_AUTHORIZATION);
        let token = self.signer.sign(request, now, jti)?;
        let mut value =
            HeaderValue::try_from(token).map_err(|e| AuthError::Signing(e.to_string()))?;
        value.set_sensitive(true);
        request.headers_mut().insert(X_AUTHORIZATION, value);
        Ok(())
    }
}
