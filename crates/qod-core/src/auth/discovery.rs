//! OpenID Provider metadata (OpenID Connect Discovery 1.0): every CAMARA
//! spec names an `openIdConnectUrl`, to be replaced by the operator's own
//! `…/.well-known/openid-configuration`, which says where the token,
//! backchannel and authorization endpoints are and what they support.
//!
//! ```
//! use http::Response;
//! use qod_core::auth::{ClientAuth, Discovery, Flow};
//!
//! let discovery = Discovery::new("https://as.example.com/.well-known/openid-configuration")?;
//! let request = discovery.request()?;
//! assert_eq!(request.method(), "GET");
//!
//! let answer = Response::builder().status(200).body(br#"{
//!     "issuer": "https://as.example.com",
//!     "token_endpoint": "https://as.example.com/token",
//!     "backchannel_authentication_endpoint": "https://as.example.com/bc-authorize",
//!     "backchannel_token_delivery_modes_supported": ["poll", "ping"],
//!     "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
//!     "something_new": {"ignored": true}
//! }"#.to_vec()).unwrap();
//! let metadata = discovery.read_response(answer)?;
//! assert_eq!(metadata.token_endpoint(), "https://as.example.com/token");
//! metadata.check_flow(Flow::Ciba)?;
//! metadata.check_client_auth(&ClientAuth::secret_basic("my-app", "s3cret")?)?;
//! assert!(metadata.check_flow(Flow::AuthorizationCode).is_err());
//! # Ok::<(), qod_core::auth::AuthError>(())
//! ```

use std::borrow::Cow;

use http::header::ACCEPT;
use http::{Method, Request, Response, Uri};
use serde::{Deserialize, Deserializer};

use crate::auth::oauth2::parse_endpoint_url;
use crate::auth::{AuthError, ClientAuth, Flow};
use crate::printable;

/// The path OpenID Connect Discovery appends to an issuer.
pub const WELL_KNOWN_OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";

/// How [`Discovery::read_response`] checks the metadata's `issuer`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssuerCheck {
    /// The discovery URL minus `/.well-known/openid-configuration`, as
    /// OpenID Connect Discovery §4.3 requires (the issuer may also end in
    /// `/`, which §4.1 drops before appending). The default.
    FromUrl,
    /// Exactly this issuer.
    Expect(String),
    /// No check, for gateways whose issuer differs from their discovery
    /// URL. The metadata then vouches for nothing but the endpoints it
    /// lists, all still held to https.
    Off,
}

/// Where to fetch an OpenID Provider's metadata, and how to check it.
///
/// ```
/// use qod_core::auth::{Discovery, IssuerCheck};
/// let by_issuer = Discovery::for_issuer("https://as.example.com/oidc/")?;
/// assert_eq!(by_issuer.url(), "https://as.example.com/oidc/.well-known/openid-configuration");
/// let lenient = Discovery::new("https://gw.example.com/.well-known/openid-configuration")?
///     .with_issuer_check(IssuerCheck::Off);
/// assert!(Discovery::new("http://as.example.com/.well-known/openid-configuration").is_err());
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Discovery {
    url: Uri,
    issuer_check: IssuerCheck,
}

impl Discovery {
    /// The metadata at `url`, e.g. a spec's `openIdConnectUrl` as the
    /// operator gives it. It must be https (http only to loopback).
    pub fn new(url: &str) -> Result<Self, AuthError> {
        Ok(Discovery {
            url: parse_endpoint_url(url, "discovery URL")?,
            issuer_check: IssuerCheck::FromUrl,
        })
    }

    /// The metadata of `issuer`: its URL without a final `/`, then
    /// `/.well-known/openid-configuration`; the metadata must name
    /// `issuer` exactly.
    pub fn for_issuer(issuer: &str) -> Result<Self, AuthError> {
        let url = format!(
            "{}{WELL_KNOWN_OPENID_CONFIGURATION}",
            issuer.strip_suffix('/').unwrap_or(issuer)
        );
        Ok(Discovery::new(&url)?.with_issuer_check(IssuerCheck::Expect(issuer.to_owned())))
    }

    /// Sets how the issuer is checked (default [`IssuerCheck::FromUrl`]).
    #[must_use]
    pub fn with_issuer_check(mut self, check: IssuerCheck) -> Self {
        self.issuer_check = check;
        self
    }

    /// The discovery URL.
    pub fn url(&self) -> &Uri {
        &self.url
    }

    /// `GET` the discovery URL, `Accept: application/json`.
    pub fn request(&self) -> Result<Request<Vec<u8>>, AuthError> {
        Request::builder()
            .method(Method::GET)
            .uri(self.url.clone())
            .header(ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|e| AuthError::Config(e.to_string()))
    }

    /// Reads the answer: a `200` with a JSON object. Unknown fields are
    /// ignored, lists may be absent, and a list entry that is not a string
    /// is skipped. Refused, with [`AuthError::Discovery`] naming the
    /// field: another status, a body that is not metadata, no `issuer` or
    /// `token_endpoint`, an issuer that fails the check, an endpoint that
    /// is not https (http only to loopback).
    pub fn read_response(
        &self,
        response: Response<Vec<u8>>,
    ) -> Result<ProviderMetadata, AuthError> {
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            let reason = format!("the discovery URL answered HTTP {}", parts.status.as_u16());
            return Err(discovery_error(reason, Some(body)));
        }
        self.read_metadata(&body)
            .map_err(|reason| discovery_error(reason, Some(body)))
    }

    fn read_metadata(&self, body: &[u8]) -> Result<ProviderMetadata, String> {
        let raw: RawMetadata = serde_json::from_slice(body)
            .map_err(|error| format!("the answer is not provider metadata: {error}"))?;
        let issuer = raw.issuer.ok_or("the metadata has no issuer")?;
        self.check_issuer(&issuer)?;
        let endpoint = |field: &str, text: Option<String>| -> Result<Option<Uri>, String> {
            text.map(|text| {
                parse_endpoint_url(&text, field).map_err(|error| match error {
                    AuthError::Config(reason) => reason,
                    other => other.to_string(),
                })
            })
            .transpose()
        };
        let token_endpoint = endpoint("token_endpoint", raw.token_endpoint)?
            .ok_or("the metadata has no token_endpoint")?;
        Ok(ProviderMetadata {
            issuer,
            token_endpoint,
            authorization_endpoint: endpoint("authorization_endpoint", raw.authorization_endpoint)?,
            backchannel_authentication_endpoint: endpoint(
                "backchannel_authentication_endpoint",
                raw.backchannel_authentication_endpoint,
            )?,
            jwks_uri: raw.jwks_uri,
            token_endpoint_auth_methods_supported: raw.token_endpoint_auth_methods_supported,
            token_endpoint_auth_signing_alg_values_supported: raw
                .token_endpoint_auth_signing_alg_values_supported,
            grant_types_supported: raw.grant_types_supported,
            response_types_supported: raw.response_types_supported,
            scopes_supported: raw.scopes_supported,
            code_challenge_methods_supported: raw.code_challenge_methods_supported,
            backchannel_token_delivery_modes_supported: raw
                .backchannel_token_delivery_modes_supported,
            dpop_signing_alg_values_supported: raw.dpop_signing_alg_values_supported,
        })
    }

    fn check_issuer(&self, issuer: &str) -> Result<(), String> {
        let expected: Cow<'_, str> = match &self.issuer_check {
            IssuerCheck::Off => return Ok(()),
            IssuerCheck::Expect(expected) => {
                if issuer == expected {
                    return Ok(());
                }
                Cow::Borrowed(expected)
            }
            IssuerCheck::FromUrl => {
                let url = self.url.to_string();
                let url = url.split(['?', '#']).next().unwrap_or_default();
                let Some(expected) = url.strip_suffix(WELL_KNOWN_OPENID_CONFIGURATION) else {
                    return Err(format!(
                        "the discovery URL does not end with {WELL_KNOWN_OPENID_CONFIGURATION}, \
                         so the issuer cannot be read from it: give the issuer \
                         (IssuerCheck::Expect) or turn the check off (IssuerCheck::Off)"
                    ));
                };
                if issuer == expected || issuer.strip_suffix('/') == Some(expected) {
                    return Ok(());
                }
                Cow::Owned(expected.to_owned())
            }
        };
        Err(format!(
            "the issuer is {:?}, not {:?} (OpenID Connect Discovery §4.3); if this \
             gateway's issuer differs by design, turn the check off (IssuerCheck::Off)",
            printable(issuer),
            printable(&expected)
        ))
    }
}

fn discovery_error(reason: String, body: Option<Vec<u8>>) -> AuthError {
    AuthError::Discovery {
        reason: printable(&reason).into_owned(),
        body: body.map(Into::into),
    }
}

/// A string, or nothing when the field holds anything else.
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::String(text)) => Some(text),
            _ => None,
        },
    )
}

/// A list of strings (entries of other types skipped), a lone string as a
/// list of one, or nothing when the field holds anything else.
fn lenient_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::Array(items)) => Some(
                items
                    .into_iter()
                    .filter_map(|item| match item {
                        serde_json::Value::String(text) => Some(text),
                        _ => None,
                    })
                    .collect(),
            ),
            Some(serde_json::Value::String(text)) => Some(vec![text]),
            _ => None,
        },
    )
}

#[derive(Deserialize)]
struct RawMetadata {
    #[serde(default, deserialize_with = "lenient_string")]
    issuer: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    token_endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    authorization_endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    backchannel_authentication_endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    jwks_uri: Option<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    token_endpoint_auth_signing_alg_values_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    grant_types_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    response_types_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    scopes_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    backchannel_token_delivery_modes_supported: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient_list")]
    dpop_signing_alg_values_supported: Option<Vec<String>>,
}

/// An OpenID Provider's metadata: its issuer, endpoints (each checked like
/// a token URL: https, or http to loopback) and what it says it supports.
/// A list the provider leaves out is `None`.
#[derive(Debug, Clone)]
pub struct ProviderMetadata {
    issuer: String,
    token_endpoint: Uri,
    authorization_endpoint: Option<Uri>,
    backchannel_authentication_endpoint: Option<Uri>,
    jwks_uri: Option<String>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    token_endpoint_auth_signing_alg_values_supported: Option<Vec<String>>,
    grant_types_supported: Option<Vec<String>>,
    response_types_supported: Option<Vec<String>>,
    scopes_supported: Option<Vec<String>>,
    code_challenge_methods_supported: Option<Vec<String>>,
    backchannel_token_delivery_modes_supported: Option<Vec<String>>,
    dpop_signing_alg_values_supported: Option<Vec<String>>,
}

/// The grant types, by flow.
fn grant_type(flow: Flow) -> &'static str {
    match flow {
        Flow::ClientCredentials => "client_credentials",
        Flow::Ciba => "urn:openid:params:grant-type:ciba",
        Flow::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
        Flow::AuthorizationCode => "authorization_code",
        Flow::RefreshToken => "refresh_token",
    }
}

impl ProviderMetadata {
    /// `issuer`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `token_endpoint`.
    pub fn token_endpoint(&self) -> &Uri {
        &self.token_endpoint
    }

    /// `authorization_endpoint`.
    pub fn authorization_endpoint(&self) -> Option<&Uri> {
        self.authorization_endpoint.as_ref()
    }

    /// `backchannel_authentication_endpoint` (CIBA's `/bc-authorize`).
    pub fn backchannel_authentication_endpoint(&self) -> Option<&Uri> {
        self.backchannel_authentication_endpoint.as_ref()
    }

    /// `jwks_uri`, as given (not fetched, not checked).
    pub fn jwks_uri(&self) -> Option<&str> {
        self.jwks_uri.as_deref()
    }

    /// `token_endpoint_auth_methods_supported`.
    pub fn token_endpoint_auth_methods_supported(&self) -> Option<&[String]> {
        self.token_endpoint_auth_methods_supported.as_deref()
    }

    /// `token_endpoint_auth_signing_alg_values_supported`.
    pub fn token_endpoint_auth_signing_alg_values_supported(&self) -> Option<&[String]> {
        self.token_endpoint_auth_signing_alg_values_supported
            .as_deref()
    }

    /// `grant_types_supported`.
    pub fn grant_types_supported(&self) -> Option<&[String]> {
        self.grant_types_supported.as_deref()
    }

    /// `response_types_supported`.
    pub fn response_types_supported(&self) -> Option<&[String]> {
        self.response_types_supported.as_deref()
    }

    /// `scopes_supported`.
    pub fn scopes_supported(&self) -> Option<&[String]> {
        self.scopes_supported.as_deref()
    }

    /// `code_challenge_methods_supported` (PKCE).
    pub fn code_challenge_methods_supported(&self) -> Option<&[String]> {
        self.code_challenge_methods_supported.as_deref()
    }

    /// `backchannel_token_delivery_modes_supported` (CIBA).
    pub fn backchannel_token_delivery_modes_supported(&self) -> Option<&[String]> {
        self.backchannel_token_delivery_modes_supported.as_deref()
    }

    /// `dpop_signing_alg_values_supported` (RFC 9449).
    pub fn dpop_signing_alg_values_supported(&self) -> Option<&[String]> {
        self.dpop_signing_alg_values_supported.as_deref()
    }

    /// Whether the metadata has what `flow` needs, with
    /// [`AuthError::Discovery`] naming the missing field when not:
    ///
    /// - every flow: its grant type in `grant_types_supported`;
    /// - [`Flow::Ciba`]: a `backchannel_authentication_endpoint`, and
    ///   `poll` in `backchannel_token_delivery_modes_supported`;
    /// - [`Flow::AuthorizationCode`]: an `authorization_endpoint`, `code`
    ///   in `response_types_supported` and `S256` in
    ///   `code_challenge_methods_supported`.
    ///
    /// A list the provider leaves out is not held against it (OpenID
    /// Connect Discovery gives some of them defaults that gateways do not
    /// follow); an endpoint it leaves out is.
    pub fn check_flow(&self, flow: Flow) -> Result<(), AuthError> {
        let needs = |field: &str, value: &str, list: &Option<Vec<String>>| match list {
            Some(list) if !list.iter().any(|item| item == value) => Err(discovery_error(
                format!("{flow} needs {value:?} in {field}, which lists {list:?}"),
                None,
            )),
            _ => Ok(()),
        };
        let endpoint = |field: &str, present: bool| {
            if present {
                Ok(())
            } else {
                Err(discovery_error(
                    format!("{flow} needs a {field}, and the metadata has none"),
                    None,
                ))
            }
        };
        needs(
            "grant_types_supported",
            grant_type(flow),
            &self.grant_types_supported,
        )?;
        match flow {
            Flow::Ciba => {
                endpoint(
                    "backchannel_authentication_endpoint",
                    self.backchannel_authentication_endpoint.is_some(),
                )?;
                needs(
                    "backchannel_token_delivery_modes_supported",
                    "poll",
                    &self.backchannel_token_delivery_modes_supported,
                )
            }
            Flow::AuthorizationCode => {
                endpoint(
                    "authorization_endpoint",
                    self.authorization_endpoint.is_some(),
                )?;
                needs(
                    "response_types_supported",
                    "code",
                    &self.response_types_supported,
                )?;
                needs(
                    "code_challenge_methods_supported",
                    "S256",
                    &self.code_challenge_methods_supported,
                )
            }
            _ => Ok(()),
        }
    }

    /// Whether the token endpoint takes `auth`'s method (in
    /// `token_endpoint_auth_methods_supported`) and, for
    /// `private_key_jwt`, its key's algorithm (in
    /// `token_endpoint_auth_signing_alg_values_supported`). A list left
    /// out is not held against the provider.
    pub fn check_client_auth(&self, auth: &ClientAuth) -> Result<(), AuthError> {
        let method = auth.method();
        if let Some(methods) = &self.token_endpoint_auth_methods_supported
            && !methods.iter().any(|m| m == method.as_str())
        {
            return Err(discovery_error(
                format!(
                    "the token endpoint does not take {method}: token_endpoint_auth_methods_supported lists {methods:?}"
                ),
                None,
            ));
        }
        #[cfg(feature = "jwt")]
        if method == crate::auth::ClientAuthMethod::PrivateKeyJwt
            && let (Some(key), Some(algs)) = (
                auth.key(),
                &self.token_endpoint_auth_signing_alg_values_supported,
            )
            && !algs.iter().any(|alg| alg == key.algorithm().as_str())
        {
            return Err(discovery_error(
                format!(
                    "the token endpoint does not take {} assertions: \
                     token_endpoint_auth_signing_alg_values_supported lists {algs:?}",
                    key.algorithm()
                ),
                None,
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "https://as.example.com/.well-known/openid-configuration";

    fn answer(status: u16, body: &serde_json::Value) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(serde_json::to_vec(body).unwrap())
            .unwrap()
    }

    fn full() -> serde_json::Value {
        json!({
            "issuer": "https://as.example.com",
            "token_endpoint": "https://as.example.com/token",
            "authorization_endpoint": "https://as.example.com/authorize",
            "backchannel_authentication_endpoint": "https://as.example.com/bc-authorize",
            "jwks_uri": "https://as.example.com/jwks",
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials",
                "urn:openid:params:grant-type:ciba", "urn:ietf:params:oauth:grant-type:jwt-bearer"],
            "response_types_supported": ["code"],
            "scopes_supported": ["openid", "dpv:RequestedServiceProvision"],
            "code_challenge_methods_supported": ["S256"],
            "backchannel_token_delivery_modes_supported": ["poll"],
            "dpop_signing_alg_values_supported": ["ES256"],
            "camara_dpop_claims_required": ["camara:bh"]
        })
    }

    fn read(body: &serde_json::Value) -> Result<ProviderMetadata, AuthError> {
        Discovery::new(URL)
            .unwrap()
            .read_response(answer(200, body))
    }

    #[test]
    fn the_request() {
        let request = Discovery::new(URL).unwrap().request().unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), URL);
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert!(request.body().is_empty());
        for bad in [
            "http://as.example.com/.well-known/openid-configuration",
            "https://user:canary@as.example.com/.well-known/openid-configuration",
            "/.well-known/openid-configuration",
            "https://as.example.com:99999/x",
        ] {
            let error = Discovery::new(bad).unwrap_err().to_string();
            assert!(
                error.contains("discovery URL") && !error.contains("canary"),
                "{error}"
            );
        }
        assert!(Discovery::new("http://127.0.0.1:9091/.well-known/openid-configuration").is_ok());
    }

    #[test]
    fn a_full_document() {
        let metadata = read(&full()).unwrap();
        assert_eq!(metadata.issuer(), "https://as.example.com");
        assert_eq!(metadata.token_endpoint(), "https://as.example.com/token");
        assert_eq!(
            metadata.authorization_endpoint().unwrap(),
            "https://as.example.com/authorize"
        );
        assert_eq!(
            metadata.backchannel_authentication_endpoint().unwrap(),
            "https://as.example.com/bc-authorize"
        );
        assert_eq!(metadata.jwks_uri(), Some("https://as.example.com/jwks"));
        assert_eq!(
            metadata
                .backchannel_token_delivery_modes_supported()
                .unwrap(),
            ["poll"]
        );
        assert_eq!(
            metadata.dpop_signing_alg_values_supported().unwrap(),
            ["ES256"]
        );
        assert_eq!(metadata.scopes_supported().unwrap().len(), 2);
        assert_eq!(metadata.response_types_supported().unwrap(), ["code"]);
        assert_eq!(
            metadata.code_challenge_methods_supported().unwrap(),
            ["S256"]
        );
        assert_eq!(
            metadata
                .token_endpoint_auth_methods_supported()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            metadata
                .token_endpoint_auth_signing_alg_values_supported()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(metadata.grant_types_supported().unwrap().len(), 5);
        for flow in [
            Flow::ClientCredentials,
            Flow::Ciba,
            Flow::JwtBearer,
            Flow::AuthorizationCode,
            Flow::RefreshToken,
        ] {
            metadata.check_flow(flow).unwrap();
        }
    }

    #[test]
    fn a_minimal_document_and_odd_fields() {
        let metadata = read(&json!({
            "issuer": "https://as.example.com/",
            "token_endpoint": "https://as.example.com/token",
            "grant_types_supported": ["urn:openid:params:grant-type:ciba", 7, null],
            "token_endpoint_auth_methods_supported": "client_secret_post",
            "scopes_supported": {"not": "a list"},
            "jwks_uri": 12
        }))
        .unwrap();
        assert_eq!(metadata.issuer(), "https://as.example.com/");
        assert_eq!(
            metadata.grant_types_supported().unwrap(),
            ["urn:openid:params:grant-type:ciba"]
        );
        assert_eq!(
            metadata.token_endpoint_auth_methods_supported().unwrap(),
            ["client_secret_post"]
        );
        assert!(metadata.scopes_supported().is_none());
        assert!(metadata.jwks_uri().is_none());
        assert!(
            metadata
                .backchannel_token_delivery_modes_supported()
                .is_none()
        );
        // Absent lists are not held against it; absent endpoints are.
        let error = metadata.check_flow(Flow::Ciba).unwrap_err().to_string();
        assert!(
            error.contains("backchannel_authentication_endpoint"),
            "{error}"
        );
        let error = metadata
            .check_flow(Flow::RefreshToken)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("grant_types_supported") && error.contains("refresh_token"),
            "{error}"
        );
        assert!(metadata.check_flow(Flow::AuthorizationCode).is_err());
        let error = metadata
            .check_client_auth(&ClientAuth::secret_basic("id", "s").unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("client_secret_basic"), "{error}");
        metadata
            .check_client_auth(&ClientAuth::secret_post("id", "s").unwrap())
            .unwrap();
    }

    #[test]
    fn what_ciba_needs() {
        let mut ping_only = full();
        ping_only["backchannel_token_delivery_modes_supported"] = json!(["ping", "push"]);
        let error = read(&ping_only)
            .unwrap()
            .check_flow(Flow::Ciba)
            .unwrap_err();
        assert!(matches!(&error, AuthError::Discovery { body: None, .. }));
        let text = error.to_string();
        assert!(
            text.contains("\"poll\"")
                && text.contains("backchannel_token_delivery_modes_supported"),
            "{text}"
        );
        let mut no_ciba = full();
        no_ciba["grant_types_supported"] = json!(["authorization_code"]);
        let text = read(&no_ciba)
            .unwrap()
            .check_flow(Flow::Ciba)
            .unwrap_err()
            .to_string();
        assert!(text.contains("urn:openid:params:grant-type:ciba"), "{text}");
        let mut plain = full();
        plain["code_challenge_methods_supported"] = json!(["plain"]);
        let text = read(&plain)
            .unwrap()
            .check_flow(Flow::AuthorizationCode)
            .unwrap_err()
            .to_string();
        assert!(text.contains("S256"), "{text}");
    }

    #[test]
    fn issuer_checks() {
        let mut other = full();
        other["issuer"] = json!("https://evil.example.com\u{1b}[2J");
        let error = read(&other).unwrap_err().to_string();
        assert!(
            error.contains("§4.3") && error.contains("IssuerCheck::Off"),
            "{error}"
        );
        assert!(!error.contains('\u{1b}'), "{error}");
        let off = Discovery::new(URL)
            .unwrap()
            .with_issuer_check(IssuerCheck::Off);
        assert!(off.read_response(answer(200, &other)).is_ok());
        let expect = Discovery::new(URL)
            .unwrap()
            .with_issuer_check(IssuerCheck::Expect("https://as.example.com".to_owned()));
        assert!(expect.read_response(answer(200, &full())).is_ok());
        let by_issuer = Discovery::for_issuer("https://as.example.com/").unwrap();
        assert_eq!(by_issuer.url(), URL);
        assert!(
            by_issuer.read_response(answer(200, &full())).is_err(),
            "exact issuer"
        );
        let by_issuer = Discovery::for_issuer("https://as.example.com").unwrap();
        assert!(by_issuer.read_response(answer(200, &full())).is_ok());
        // A URL that is not …/.well-known/openid-configuration: say so.
        let odd = Discovery::new("https://as.example.com/oidc/config").unwrap();
        let error = odd
            .read_response(answer(200, &full()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("IssuerCheck::Expect"), "{error}");
        // A path before the well-known suffix is part of the issuer.
        let tenant =
            Discovery::new("https://as.example.com/t/1/.well-known/openid-configuration").unwrap();
        let mut body = full();
        body["issuer"] = json!("https://as.example.com/t/1");
        assert!(tenant.read_response(answer(200, &body)).is_ok());
    }

    #[test]
    fn refusals() {
        let mut insecure = full();
        insecure["backchannel_authentication_endpoint"] = json!("http://as.example.com/bc");
        let error = read(&insecure).unwrap_err().to_string();
        assert!(
            error.contains("backchannel_authentication_endpoint") && error.contains("https"),
            "{error}"
        );
        let mut no_token = full();
        no_token.as_object_mut().unwrap().remove("token_endpoint");
        assert!(
            read(&no_token)
                .unwrap_err()
                .to_string()
                .contains("token_endpoint")
        );
        let mut no_issuer = full();
        no_issuer["issuer"] = json!(null);
        assert!(read(&no_issuer).unwrap_err().to_string().contains("issuer"));
        let not_found = Discovery::new(URL)
            .unwrap()
            .read_response(answer(404, &json!({"error": "nope"})))
            .unwrap_err();
        assert!(matches!(
            &not_found,
            AuthError::Discovery { body: Some(_), .. }
        ));
        assert!(not_found.to_string().contains("HTTP 404"));
        for body in [&b"<html>"[..], b"[]", b"", b"\"x\""] {
            let response = Response::builder().status(200).body(body.to_vec()).unwrap();
            let error = Discovery::new(URL)
                .unwrap()
                .read_response(response)
                .unwrap_err();
            assert!(
                matches!(error, AuthError::Discovery { body: Some(_), .. }),
                "{error:?}"
            );
        }
    }

    #[cfg(feature = "jwt")]
    #[test]
    fn private_key_jwt_algorithms() {
        use crate::auth::assertion::tests::{p256_key, rsa_key};
        let mut rs_only = full();
        rs_only["token_endpoint_auth_signing_alg_values_supported"] = json!(["RS256"]);
        let metadata = read(&rs_only).unwrap();
        metadata
            .check_client_auth(&ClientAuth::private_key_jwt("id", rsa_key()).unwrap())
            .unwrap();
        let error = metadata
            .check_client_auth(&ClientAuth::private_key_jwt("id", p256_key()).unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("ES256"), "{error}");
    }

    proptest::proptest! {
        #[test]
        fn any_body_is_read_or_refused(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let response = Response::builder().status(200).body(body).unwrap();
            let _ = Discovery::new(URL).unwrap().read_response(response);
        }
    }
}
