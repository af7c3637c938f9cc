//! The refresh token grant (RFC 6749 §6): a new access token for a
//! three-legged one from CIBA or the authorization code flow, without the
//! user. CAMARA recommends rotation: the answer may bring a new refresh
//! token, which replaces the old one.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use http::Response;
//! use qod_core::auth::{refresh, ClientAuth, RefreshToken};
//! use qod_core::models::uuid::Uuid;
//!
//! let auth = ClientAuth::secret_basic("my-app", "s3cret")?;
//! let token_url = "https://as.example.com/token".parse().unwrap();
//! let old = RefreshToken::new("rt-1");
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let request = refresh::refresh_request(&token_url, &auth, &old, None, now, Uuid::nil())?;
//! assert_eq!(request.body(), b"grant_type=refresh_token&refresh_token=rt-1");
//!
//! let answer = Response::builder().status(200)
//!     .body(br#"{"access_token":"at-2","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"}"#.to_vec())
//!     .unwrap();
//! let grant = refresh::read_refresh_response(answer, now, &old)?;
//! assert_eq!(grant.refresh_token().map(RefreshToken::expose), Some("rt-2"));
//! # Ok::<(), qod_core::auth::AuthError>(())
//! ```

use std::time::SystemTime;

use http::{Request, Response, Uri};
use uuid::Uuid;

use crate::auth::client_auth::FormRequest;
use crate::auth::oauth2::{check_endpoint_uri, parse_token_grant};
use crate::auth::{
    AuthError, ClientAuth, Flow, FlowEnd, FlowError, RefreshToken, Scope, TokenGrant,
};

/// The refresh request: `POST` to `token_url` with the form
/// `grant_type=refresh_token&refresh_token=…`, `scope` when given (to
/// narrow the grant) and the client's authentication. A refresh token
/// known to have expired at `now` is not sent: [`AuthError::Flow`] with
/// [`FlowEnd::Expired`].
pub fn refresh_request(
    token_url: &Uri,
    auth: &ClientAuth,
    refresh_token: &RefreshToken,
    scope: Option<&Scope>,
    now: SystemTime,
    jti: Uuid,
) -> Result<Request<Vec<u8>>, AuthError> {
    check_endpoint_uri(token_url, "token URL")?;
    if refresh_token.is_expired(now) {
        return Err(FlowError::local(Flow::RefreshToken, FlowEnd::Expired));
    }
    let mut form = FormRequest::new(token_url.clone());
    form.pair("grant_type", "refresh_token")
        .pair("refresh_token", refresh_token.expose());
    if let Some(scope) = scope {
        form.pair("scope", scope.as_str());
    }
    auth.apply(&mut form, now, jti)?;
    form.finish()
}

/// Reads the answer to a refresh request made with `used`, received at
/// `now`: the new access token and the refresh token to keep, a new one
/// if the server rotated it, else `used`. `invalid_grant` (the refresh
/// token is expired or revoked: the user must be asked again) is
/// [`AuthError::Flow`] with [`FlowEnd::InvalidGrant`]; other refusals are
/// [`AuthError::OAuth`].
pub fn read_refresh_response(
    response: Response<Vec<u8>>,
    now: SystemTime,
    used: &RefreshToken,
) -> Result<TokenGrant, AuthError> {
    parse_token_grant(response, now, true)
        .map(|grant| grant.or_refresh(used))
        .map_err(|error| FlowError::from_oauth(Flow::RefreshToken, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::client_auth::tests::form;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + seconds)
    }

    fn answer(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    fn url() -> Uri {
        "https://as.example.com/token".parse().unwrap()
    }

    #[test]
    fn the_request() {
        let auth = ClientAuth::secret_post("id", "s").unwrap();
        let scope = Scope::parse("openid qos-profiles:read").unwrap();
        let token = RefreshToken::new("r t/1");
        let request =
            refresh_request(&url(), &auth, &token, Some(&scope), at(0), Uuid::nil()).unwrap();
        assert_eq!(
            form(&request),
            [
                ("grant_type".to_owned(), "refresh_token".to_owned()),
                ("refresh_token".to_owned(), "r t/1".to_owned()),
                ("scope".to_owned(), "openid qos-profiles:read".to_owned()),
                ("client_id".to_owned(), "id".to_owned()),
                ("client_secret".to_owned(), "s".to_owned()),
            ]
        );
        let insecure: Uri = "http://as.example.com/token".parse().unwrap();
        assert!(refresh_request(&insecure, &auth, &token, None, at(0), Uuid::nil()).is_err());
    }

    #[test]
    fn an_expired_refresh_token_is_not_sent() {
        let issued = answer(
            200,
            r#"{"access_token":"a","refresh_token":"r","refresh_token_expires_in":60}"#,
        );
        let grant = read_refresh_response(issued, at(0), &RefreshToken::new("old")).unwrap();
        let token = grant.refresh_token().unwrap();
        let auth = ClientAuth::secret_basic("id", "s").unwrap();
        assert!(refresh_request(&url(), &auth, token, None, at(59), Uuid::nil()).is_ok());
        let error = refresh_request(&url(), &auth, token, None, at(60), Uuid::nil()).unwrap_err();
        assert_eq!(error.flow_end(), Some(FlowEnd::Expired));
    }

    #[test]
    fn rotation() {
        let old = RefreshToken::new("old");
        let rotated = read_refresh_response(
            answer(
                200,
                r#"{"access_token":"a2","token_type":"bearer","refresh_token":"new"}"#,
            ),
            at(0),
            &old,
        )
        .unwrap();
        assert_eq!(rotated.access_token().secret(), "a2");
        assert_eq!(rotated.refresh_token().unwrap().expose(), "new");
        let kept =
            read_refresh_response(answer(200, r#"{"access_token":"a3"}"#), at(0), &old).unwrap();
        assert_eq!(kept.refresh_token().unwrap().expose(), "old");
    }

    #[test]
    fn refusals() {
        let old = RefreshToken::new("canary-old");
        let error = read_refresh_response(
            answer(
                400,
                r#"{"error":"invalid_grant","error_description":"revoked"}"#,
            ),
            at(0),
            &old,
        )
        .unwrap_err();
        assert_eq!(error.flow_end(), Some(FlowEnd::InvalidGrant));
        assert_eq!(
            error.to_string(),
            "the refresh token grant ended: the grant is invalid, expired or revoked (HTTP 400 invalid_grant): revoked"
        );
        let error =
            read_refresh_response(answer(401, r#"{"error":"invalid_client"}"#), at(0), &old)
                .unwrap_err();
        assert!(matches!(error, AuthError::OAuth(_)));
        assert!(!format!("{error:?}").contains("canary"));
    }
}
