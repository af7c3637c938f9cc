//! The OpenID Connect authorization code flow with PKCE (RFC 7636, `S256`),
//! for front ends: the URL to send the user's browser to, the check of
//! the redirect that comes back, and the code exchange. The randomness
//! (code verifier, `state`, `nonce`) comes from the caller, e.g. from the
//! core's [`IdSource`](crate::IdSource): none is drawn here.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use qod_core::auth::{AuthorizationCodeFlow, AuthorizationRandom, ClientAuth, Scope};
//! use qod_core::models::uuid::Uuid;
//!
//! let flow = AuthorizationCodeFlow::new(
//!     &"https://as.example.com/authorize".parse().unwrap(),
//!     "my-app",
//!     "https://app.example.com/callback",
//!     Scope::parse("openid dpv:RequestedServiceProvision quality-on-demand:sessions:create")?,
//! )?;
//! let random = AuthorizationRandom::from_uuids([Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3), Uuid::from_u128(4)]);
//! let pending = flow.start(&random);
//! assert!(pending.authorization_url().starts_with("https://as.example.com/authorize?response_type=code&client_id=my-app&"));
//! assert!(pending.authorization_url().contains("&code_challenge_method=S256"));
//!
//! // The browser comes back to the redirect URI with the code and the state.
//! let state = pending.expose_state().to_owned();
//! let code = pending.read_redirect(&format!("https://app.example.com/callback?code=c-1&state={state}"))?;
//! let auth = ClientAuth::secret_basic("my-app", "s3cret")?;
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let exchange = pending.exchange_request(&"https://as.example.com/token".parse().unwrap(), &auth, &code, now, Uuid::nil())?;
//! assert!(String::from_utf8(exchange.body().clone()).unwrap().starts_with("grant_type=authorization_code&code=c-1&"));
//!
//! // A redirect with another state is not the answer to this request.
//! assert!(pending.read_redirect("https://app.example.com/callback?code=c-1&state=forged").is_err());
//! # Ok::<(), qod_core::auth::AuthError>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{Request, Response, Uri};
use qod_models::{SecretString, is_loopback_host};
use ring::digest::{SHA256, digest};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use crate::auth::client_auth::{FormRequest, check_client_id};
use crate::auth::oauth2::{check_endpoint_uri, parse_token_grant};
use crate::auth::{
    AuthError, ClientAuth, Flow, FlowEnd, FlowError, OAuthErrorCode, Scope, TokenGrant,
};

/// The random bytes of one authorization request: 32 for the code
/// verifier (43 characters once encoded), 16 each for `state` and `nonce`.
/// Never printed.
#[derive(Clone)]
pub struct AuthorizationRandom {
    verifier: [u8; 32],
    state: [u8; 16],
    nonce: [u8; 16],
}

impl AuthorizationRandom {
    /// From random bytes the caller drew.
    pub fn from_bytes(verifier: [u8; 32], state: [u8; 16], nonce: [u8; 16]) -> Self {
        AuthorizationRandom {
            verifier,
            state,
            nonce,
        }
    }

    /// From four random (v4) UUIDs, as an [`IdSource`](crate::IdSource)
    /// gives them: two make the verifier (244 random bits), one the state,
    /// one the nonce.
    pub fn from_uuids(ids: [Uuid; 4]) -> Self {
        let mut verifier = [0_u8; 32];
        verifier[..16].copy_from_slice(ids[0].as_bytes());
        verifier[16..].copy_from_slice(ids[1].as_bytes());
        AuthorizationRandom {
            verifier,
            state: *ids[2].as_bytes(),
            nonce: *ids[3].as_bytes(),
        }
    }
}

impl fmt::Debug for AuthorizationRandom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationRandom([redacted])")
    }
}

/// Checks a redirect URI: absolute, no fragment, no space or control
/// character; https, http to a loopback host, or a private-use scheme of
/// a native app (`com.example.app:/callback`).
fn check_redirect_uri(text: &str) -> Result<(), AuthError> {
    let refused = |rule: &str| AuthError::Config(format!("redirect URI: {rule}"));
    if text.is_empty() || text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refused("it is empty or has a space or control character"));
    }
    if text.contains('#') {
        return Err(refused("it must not have a fragment (RFC 6749 §3.1.2)"));
    }
    let scheme = text
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .unwrap_or_default();
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(refused("it must be an absolute URI (scheme:…)"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" | "http" => {
            let uri: Uri = text
                .parse()
                .map_err(|_| refused("it is not a valid http(s) URL"))?;
            let host = uri.host().unwrap_or_default();
            match uri.scheme_str() {
                Some("https") if !host.is_empty() => Ok(()),
                Some("http") if is_loopback_host(host) => Ok(()),
                _ => Err(refused("it must be https (plain http only to loopback)")),
            }
        }
        _ => Ok(()),
    }
}

/// An authorization code flow's settings: the authorization endpoint, the
/// client id, the redirect URI and the scope.
#[derive(Debug, Clone)]
pub struct AuthorizationCodeFlow {
    authorization_endpoint: Uri,
    client_id: Arc<str>,
    redirect_uri: Arc<str>,
    scope: Scope,
}

impl AuthorizationCodeFlow {
    /// Checks the settings: the endpoint https (http only to loopback), the
    /// client id non-empty without control characters, the redirect URI
    /// absolute without a fragment (https, http to loopback, or a native
    /// app's private-use scheme).
    pub fn new(
        authorization_endpoint: &Uri,
        client_id: &str,
        redirect_uri: &str,
        scope: Scope,
    ) -> Result<Self, AuthError> {
        check_endpoint_uri(authorization_endpoint, "authorization endpoint")?;
        check_client_id(client_id)?;
        check_redirect_uri(redirect_uri)?;
        Ok(AuthorizationCodeFlow {
            authorization_endpoint: authorization_endpoint.clone(),
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            scope,
        })
    }

    /// A new authorization request from `random`: the verifier, `state` and
    /// `nonce` are its bytes, base64url-encoded; the URL carries
    /// `response_type=code`, `client_id`, `redirect_uri`, `scope`, `state`,
    /// `nonce`, `code_challenge` (base64url of the verifier's SHA-256) and
    /// `code_challenge_method=S256`.
    pub fn start(&self, random: &AuthorizationRandom) -> AuthorizationPending {
        let verifier = URL_SAFE_NO_PAD.encode(random.verifier);
        let state = URL_SAFE_NO_PAD.encode(random.state);
        let nonce = URL_SAFE_NO_PAD.encode(random.nonce);
        let challenge = code_challenge(&verifier);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", self.scope.as_str())
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        let separator = match self.authorization_endpoint.query() {
            Some(_) => '&',
            None => '?',
        };
        AuthorizationPending {
            url: format!("{}{separator}{query}", self.authorization_endpoint),
            redirect_uri: self.redirect_uri.clone(),
            verifier: verifier.into(),
            state: state.into(),
            nonce: nonce.into(),
        }
    }
}

/// `base64url(SHA-256(verifier))` (RFC 7636 §4.2, `S256`).
fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()))
}

/// An authorization request sent to the user's browser and not yet
/// answered: the URL, and the verifier, `state` and `nonce` to check the
/// answer with. Nothing of it prints.
#[derive(Clone)]
pub struct AuthorizationPending {
    url: String,
    redirect_uri: Arc<str>,
    verifier: SecretString,
    state: SecretString,
    nonce: SecretString,
}

/// An authorization code from a redirect. Never printed.
#[derive(Clone)]
pub struct AuthorizationCode(SecretString);

impl AuthorizationCode {
    /// The code, for the exchange.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode([redacted])")
    }
}

impl AuthorizationPending {
    /// The URL to send the user's browser to.
    pub fn authorization_url(&self) -> &str {
        &self.url
    }

    /// The `state` sent, e.g. to find this request again when the redirect
    /// comes back.
    pub fn expose_state(&self) -> &str {
        self.state.expose()
    }

    /// The `nonce` sent, to compare with the ID token's `nonce` claim.
    pub fn expose_nonce(&self) -> &str {
        self.nonce.expose()
    }

    /// Reads the redirect the browser came back with: the whole URL
    /// (`https://app.example.com/callback?code=…&state=…`) or its query.
    ///
    /// The `state` is checked first, in constant time: missing or another
    /// one is [`FlowEnd::StateMismatch`]. Then an `error` is
    /// [`AuthError::Flow`], [`FlowEnd::Denied`] for `access_denied` and
    /// [`FlowEnd::Refused`] for the others (with the code and
    /// description); a parameter given twice, or no `code`, is
    /// [`AuthError::Config`]. The error never quotes the code or the state.
    pub fn read_redirect(&self, redirect: &str) -> Result<AuthorizationCode, AuthError> {
        let query = match redirect.split_once('?') {
            Some((_, query)) => query,
            None => redirect,
        };
        let query = query.split('#').next().unwrap_or_default();
        let mut code = None;
        let mut state = None;
        let mut error = None;
        let mut description = None;
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "code" => &mut code,
                "state" => &mut state,
                "error" => &mut error,
                "error_description" => &mut description,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(AuthError::Config(format!(
                    "the redirect has {name} twice (RFC 6749 §3.1)"
                )));
            }
        }
        let state_matches = state.is_some_and(|state| {
            bool::from(state.as_bytes().ct_eq(self.state.expose().as_bytes()))
        });
        if !state_matches {
            return Err(FlowError::local(
                Flow::AuthorizationCode,
                FlowEnd::StateMismatch,
            ));
        }
        if let Some(error) = error {
            let code = OAuthErrorCode::from(error);
            let end = match code {
                OAuthErrorCode::AccessDenied => FlowEnd::Denied,
                _ => FlowEnd::Refused,
            };
            return Err(AuthError::Flow(Box::new(FlowError {
                flow: Flow::AuthorizationCode,
                end,
                status: None,
                code: Some(code),
                description,
            })));
        }
        match code {
            Some(code) if !code.is_empty() => Ok(AuthorizationCode(code.into())),
            _ => Err(AuthError::Config(
                "the redirect has neither a code nor an error".to_owned(),
            )),
        }
    }

    /// The code exchange: `POST` to `token_url` with the form
    /// `grant_type=authorization_code`, `code`, `redirect_uri`,
    /// `code_verifier` and the client's authentication.
    pub fn exchange_request(
        &self,
        token_url: &Uri,
        auth: &ClientAuth,
        code: &AuthorizationCode,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<Request<Vec<u8>>, AuthError> {
        check_endpoint_uri(token_url, "token URL")?;
        let mut form = FormRequest::new(token_url.clone());
        form.pair("grant_type", "authorization_code")
            .pair("code", code.expose())
            .pair("redirect_uri", &self.redirect_uri)
            .pair("code_verifier", self.verifier.expose());
        auth.apply(&mut form, now, jti)?;
        form.finish()
    }
}

impl fmt::Debug for AuthorizationPending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationPending")
            .field("redirect_uri", &&*self.redirect_uri)
            .field("url", &"[redacted]")
            .field("verifier", &"[redacted]")
            .field("state", &"[redacted]")
            .field("nonce", &"[redacted]")
            .finish()
    }
}

/// Reads the token endpoint's answer to the code exchange, received at
/// `now`: the tokens, with a refresh token if one came. `invalid_grant`
/// (the code is invalid, used or expired, or the verifier does not match)
/// is [`AuthError::Flow`] with [`FlowEnd::InvalidGrant`]; other refusals
/// are [`AuthError::OAuth`].
pub fn read_exchange_response(
    response: Response<Vec<u8>>,
    now: SystemTime,
) -> Result<TokenGrant, AuthError> {
    parse_token_grant(response, now, true)
        .map_err(|error| FlowError::from_oauth(Flow::AuthorizationCode, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::client_auth::tests::form;
    use std::time::{Duration, UNIX_EPOCH};

    fn flow() -> AuthorizationCodeFlow {
        AuthorizationCodeFlow::new(
            &"https://as.example.com/authorize".parse().unwrap(),
            "my app",
            "https://app.example.com/cb",
            Scope::parse("openid offline_access").unwrap(),
        )
        .unwrap()
    }

    /// RFC 7636 Appendix B's verifier bytes.
    const RFC_VERIFIER: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];

    fn random() -> AuthorizationRandom {
        AuthorizationRandom::from_bytes(RFC_VERIFIER, [1; 16], [2; 16])
    }

    fn query(url: &str) -> Vec<(String, String)> {
        let (_, query) = url.split_once('?').unwrap();
        form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn rfc_7636_appendix_b() {
        let pending = flow().start(&random());
        assert_eq!(
            pending.verifier.expose(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            code_challenge(pending.verifier.expose()),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_authorization_url() {
        let pending = flow().start(&random());
        let url = pending.authorization_url();
        assert!(
            url.starts_with("https://as.example.com/authorize?"),
            "{url}"
        );
        let state = URL_SAFE_NO_PAD.encode([1_u8; 16]);
        let nonce = URL_SAFE_NO_PAD.encode([2_u8; 16]);
        assert_eq!(
            query(url),
            [
                ("response_type", "code"),
                ("client_id", "my app"),
                ("redirect_uri", "https://app.example.com/cb"),
                ("scope", "openid offline_access"),
                ("state", state.as_str()),
                ("nonce", nonce.as_str()),
                (
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                ),
                ("code_challenge_method", "S256"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(url.contains("client_id=my+app"));
        assert_eq!(pending.expose_state(), state);
        assert_eq!(pending.expose_nonce(), nonce);
        // An endpoint with a query of its own keeps it.
        let with_query = AuthorizationCodeFlow::new(
            &"https://as.example.com/authorize?tenant=t1"
                .parse()
                .unwrap(),
            "id",
            "com.example.app:/cb",
            Scope::openid(),
        )
        .unwrap();
        let url = with_query.start(&random()).authorization_url().to_owned();
        assert!(
            url.starts_with("https://as.example.com/authorize?tenant=t1&response_type=code&"),
            "{url}"
        );
    }

    #[test]
    fn uuids_make_distinct_secrets() {
        let ids = [1_u128, 2, 3, 4].map(Uuid::from_u128);
        let pending = flow().start(&AuthorizationRandom::from_uuids(ids));
        assert_eq!(pending.verifier.expose().len(), 43);
        assert_eq!(pending.expose_state().len(), 22);
        assert_ne!(pending.expose_state(), pending.expose_nonce());
        let other = flow().start(&AuthorizationRandom::from_uuids(
            [5_u128, 6, 7, 8].map(Uuid::from_u128),
        ));
        assert_ne!(other.verifier.expose(), pending.verifier.expose());
    }

    #[test]
    fn settings_are_checked() {
        let endpoint: Uri = "https://as.example.com/authorize".parse().unwrap();
        for bad in [
            "",
            "/relative/cb",
            "https://app.example.com/cb#frag",
            "http://app.example.com/cb",
            "https://app.example.com/a b",
            "1app:/cb",
        ] {
            let error =
                AuthorizationCodeFlow::new(&endpoint, "id", bad, Scope::openid()).unwrap_err();
            assert!(error.to_string().contains("redirect URI"), "{bad}: {error}");
        }
        for good in [
            "http://127.0.0.1:8080/cb",
            "http://[::1]/cb",
            "com.example.app:/oauth2redirect",
        ] {
            assert!(
                AuthorizationCodeFlow::new(&endpoint, "id", good, Scope::openid()).is_ok(),
                "{good}"
            );
        }
        let insecure: Uri = "http://as.example.com/authorize".parse().unwrap();
        assert!(
            AuthorizationCodeFlow::new(&insecure, "id", "https://a.example/cb", Scope::openid())
                .is_err()
        );
        assert!(
            AuthorizationCodeFlow::new(&endpoint, "", "https://a.example/cb", Scope::openid())
                .is_err()
        );
    }

    #[test]
    fn redirects() {
        let pending = flow().start(&random());
        let state = pending.expose_state().to_owned();
        let code = pending
            .read_redirect(&format!(
                "https://app.example.com/cb?code=c%2F1&state={state}&iss=x"
            ))
            .unwrap();
        assert_eq!(code.expose(), "c/1");
        assert_eq!(format!("{code:?}"), "AuthorizationCode([redacted])");
        assert_eq!(
            pending
                .read_redirect(&format!("state={state}&code=c2"))
                .unwrap()
                .expose(),
            "c2"
        );
        // The state is checked before anything else.
        for forged in [
            "https://app.example.com/cb?code=canary-code".to_owned(),
            "https://app.example.com/cb?code=canary-code&state=".to_owned(),
            format!("https://app.example.com/cb?code=canary-code&state={state}x"),
            "https://app.example.com/cb?error=access_denied&state=other".to_owned(),
        ] {
            let error = pending.read_redirect(&forged).unwrap_err();
            assert_eq!(error.flow_end(), Some(FlowEnd::StateMismatch), "{forged}");
            assert!(!error.to_string().contains("canary") && !error.to_string().contains(&state));
        }
        let denied = pending
            .read_redirect(&format!(
                "?error=access_denied&error_description=no+thanks&state={state}"
            ))
            .unwrap_err();
        assert_eq!(denied.flow_end(), Some(FlowEnd::Denied));
        assert_eq!(
            denied.to_string(),
            "the authorization code flow ended: access was denied (access_denied): no thanks"
        );
        let login = pending
            .read_redirect(&format!("?error=login_required&state={state}"))
            .unwrap_err();
        assert_eq!(login.flow_end(), Some(FlowEnd::Refused));
        let AuthError::Flow(flow) = &login else {
            panic!()
        };
        assert_eq!(flow.code, Some(OAuthErrorCode::LoginRequired));
        let twice = pending
            .read_redirect(&format!("?code=canary-a&code=canary-b&state={state}"))
            .unwrap_err()
            .to_string();
        assert!(
            twice.contains("code twice") && !twice.contains("canary"),
            "{twice}"
        );
        assert!(pending.read_redirect(&format!("?state={state}")).is_err());
        assert!(
            pending
                .read_redirect(&format!("?code=&state={state}"))
                .is_err()
        );
    }

    #[test]
    fn the_exchange() {
        let pending = flow().start(&random());
        let code = AuthorizationCode("c-1".into());
        let auth = ClientAuth::secret_post("my app", "s").unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let token_url: Uri = "https://as.example.com/token".parse().unwrap();
        let request = pending
            .exchange_request(&token_url, &auth, &code, now, Uuid::nil())
            .unwrap();
        assert_eq!(request.uri(), "https://as.example.com/token");
        assert_eq!(
            form(&request),
            [
                ("grant_type", "authorization_code"),
                ("code", "c-1"),
                ("redirect_uri", "https://app.example.com/cb"),
                (
                    "code_verifier",
                    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
                ),
                ("client_id", "my app"),
                ("client_secret", "s"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let ok = Response::builder()
            .status(200)
            .body(
                br#"{"access_token":"a","token_type":"Bearer","refresh_token":"r","id_token":"i"}"#
                    .to_vec(),
            )
            .unwrap();
        let grant = read_exchange_response(ok, now).unwrap();
        assert_eq!(grant.refresh_token().unwrap().expose(), "r");
        assert_eq!(grant.access_token().id_token(), Some("i"));
        let used = Response::builder()
            .status(400)
            .body(br#"{"error":"invalid_grant"}"#.to_vec())
            .unwrap();
        assert_eq!(
            read_exchange_response(used, now).unwrap_err().flow_end(),
            Some(FlowEnd::InvalidGrant)
        );
    }

    proptest::proptest! {
        #[test]
        fn any_redirect_is_read_or_refused(text in ".{0,80}", query in "[?&=a-z_%0-9A-F#]{0,60}") {
            let pending = flow().start(&random());
            let _ = pending.read_redirect(&text);
            let _ = pending.read_redirect(&query);
            let with_state = format!("{query}&state={}", pending.expose_state());
            if let Ok(code) = pending.read_redirect(&with_state) {
                proptest::prop_assert!(!code.expose().is_empty());
            }
        }
    }

    #[test]
    fn nothing_secret_prints() {
        let pending = flow().start(&random());
        let debug = format!("{pending:?}");
        for secret in [
            pending.verifier.expose(),
            pending.expose_state(),
            pending.expose_nonce(),
        ] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert_eq!(format!("{:?}", random()), "AuthorizationRandom([redacted])");
    }
}
