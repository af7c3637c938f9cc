//! Where the OpenID mode's endpoints are: the issuer (configured, or the
//! sandbox as the request's `Host` names it) and the discovery document
//! (OpenID Connect Discovery 1.0, with CIBA's and PKCE's fields).

use http::header::HOST;
use http::request::Parts;
use http::uri::Authority;
use serde_json::{Value, json};

use crate::auth::openid::config::OpenIdConfig;
use crate::auth::openid::scopes;

/// `GET`: the discovery document.
pub(crate) const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// `POST`: every grant.
pub(crate) const TOKEN_PATH: &str = "/oauth2/token";
/// `POST`: CIBA's backchannel authentication endpoint.
pub(crate) const BC_AUTHORIZE_PATH: &str = "/oauth2/bc-authorize";
/// `GET` (or `POST`): the authorization endpoint.
pub(crate) const AUTHORIZE_PATH: &str = "/oauth2/authorize";
/// `GET`: the key set of ID tokens.
pub(crate) const JWKS_PATH: &str = "/oauth2/jwks";

/// The grant types of the token endpoint.
pub(crate) const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";
pub(crate) const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The issuer a request sees: the configured one, else `http://` and its
/// `Host` when that is an authority, else `fallback` (the address bound).
pub(crate) fn issuer(parts: &Parts, configured: Option<&str>, fallback: &str) -> String {
    if let Some(issuer) = configured {
        return issuer.to_owned();
    }
    parts
        .headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .and_then(|host| host.parse::<Authority>().ok())
        // An authority with user info is no Host (RFC 9110 7.2).
        .filter(|authority| !authority.as_str().contains('@'))
        .map_or_else(
            || fallback.to_owned(),
            |authority| format!("http://{authority}"),
        )
}

/// The discovery document of `issuer`.
pub(crate) fn metadata(issuer: &str, config: &OpenIdConfig) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}{AUTHORIZE_PATH}"),
        "token_endpoint": format!("{issuer}{TOKEN_PATH}"),
        "backchannel_authentication_endpoint": format!("{issuer}{BC_AUTHORIZE_PATH}"),
        "jwks_uri": format!("{issuer}{JWKS_PATH}"),
        "scopes_supported": scopes::supported(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": [
            "client_credentials",
            CIBA_GRANT,
            JWT_BEARER_GRANT,
            "authorization_code",
            "refresh_token",
        ],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": config.auth_methods(),
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_user_code_parameter_supported": false,
        "code_challenge_methods_supported": ["S256"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(host: Option<&str>) -> Parts {
        let mut request = http::Request::builder().uri(DISCOVERY_PATH);
        if let Some(host) = host {
            request = request.header(HOST, host);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_issuer_a_request_sees() {
        let fallback = "http://127.0.0.1:9091";
        assert_eq!(
            issuer(&parts(Some("localhost:9091")), None, fallback),
            "http://localhost:9091"
        );
        assert_eq!(
            issuer(&parts(Some("[::1]:8080")), None, fallback),
            "http://[::1]:8080"
        );
        assert_eq!(issuer(&parts(None), None, fallback), fallback);
        for bad in ["a b", "user@host", "host/path", ""] {
            assert_eq!(
                issuer(&parts(Some(bad)), None, fallback),
                fallback,
                "{bad:?}"
            );
        }
        assert_eq!(
            issuer(
                &parts(Some("localhost")),
                Some("https://gw.example"),
                fallback
            ),
            "https://gw.example"
        );
    }

    #[test]
    fn the_document() {
        let config = OpenIdConfig::new("c").client_secret("s");
        let document = metadata("http://127.0.0.1:1", &config);
        assert_eq!(
            document["token_endpoint"],
            "http://127.0.0.1:1/oauth2/token"
        );
        assert_eq!(
            document["backchannel_authentication_endpoint"],
            "http://127.0.0.1:1/oauth2/bc-authorize"
        );
        assert_eq!(
            document["token_endpoint_auth_methods_supported"],
            json!(["client_secret_basic", "client_secret_post"])
        );
        assert_eq!(document["grant_types_supported"][1], CIBA_GRANT);
    }
}
