//! Token endpoints and the check every API call passes: who calls, and
//! whether its token has the scope the operation needs.

pub(crate) mod caller;
pub(crate) mod mode;
pub(crate) mod openid;
pub(crate) mod pop_verify;
pub(crate) mod public_key;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::StatusCode;
use http::request::Parts;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::auth::caller::{Caller, ClientId, Scope, Scopes};
use crate::auth::mode::SandboxAuth;
use crate::auth::openid::OpenId;
use crate::reply::Reply;
use crate::store::Timeline;
use pop_verify::{Presented, SeenTokens};

/// The name of every caller of a sandbox without authentication.
pub(crate) const ANONYMOUS: &str = "anonymous";

/// The one client of the OAuth 2.0 and TAAP modes.
const THE_CLIENT: ClientId = ClientId(1);

#[derive(Debug, Clone, Copy)]
struct IssuedToken {
    expires: SystemTime,
    scopes: Scopes,
}

/// Access tokens issued and not yet expired.
#[derive(Debug, Default)]
struct Issued {
    tokens: HashMap<String, IssuedToken>,
    expiry: Timeline<String>,
}

impl Issued {
    fn insert(&mut self, token: String, issued: IssuedToken) {
        self.expiry.schedule(issued.expires, token.clone());
        self.tokens.insert(token, issued);
    }

    /// The token's grant while it is valid.
    fn valid(&mut self, token: &str, now: SystemTime) -> Option<IssuedToken> {
        while let Some((_, old)) = self.expiry.pop_due(now) {
            self.tokens.remove(&old);
        }
        self.tokens.get(token).copied().filter(|t| t.expires > now)
    }
}

pub(crate) struct AuthState {
    config: SandboxAuth,
    lifetime: std::time::Duration,
    issued: Mutex<Issued>,
    seen_pop: Mutex<SeenTokens>,
    /// The OpenID mode's endpoints and tokens, in that mode.
    openid: Option<OpenId>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn equal(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The `id:secret` pair of a Basic header, as sent.
fn basic_pair(parts: &Parts) -> Option<(String, String)> {
    let value = parts.headers.get("authorization")?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get("authorization")?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

fn form_decode(text: &str) -> String {
    form_urlencoded::parse(format!("v={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

impl AuthState {
    /// The state of `config`; `base_url` is the issuer of the OpenID mode
    /// when a request's `Host` names none.
    pub(crate) fn new(
        config: SandboxAuth,
        lifetime: std::time::Duration,
        base_url: &str,
    ) -> std::io::Result<Self> {
        let openid = match &config {
            SandboxAuth::OpenId(openid) => Some(OpenId::new(
                openid.clone(),
                lifetime,
                base_url.to_owned(),
                THE_CLIENT,
            )?),
            _ => None,
        };
        Ok(AuthState {
            config,
            lifetime,
            issued: Mutex::new(Issued::default()),
            seen_pop: Mutex::new(SeenTokens::default()),
            openid,
        })
    }

    /// The token endpoint's path, when the mode has one.
    pub(crate) fn token_path(&self) -> Option<&'static str> {
        self.config.token_path()
    }

    /// The name a client goes by in the lifecycle counts: the client id of
    /// the OAuth 2.0, TAAP and OpenID modes, `bearer-N` for the Nth token
    /// of the bearer mode (never the token itself), `anonymous` with no auth.
    pub(crate) fn client_name(&self, client: ClientId) -> String {
        match &self.config {
            SandboxAuth::None => ANONYMOUS.to_owned(),
            SandboxAuth::Bearer(_) => format!("bearer-{}", client.0),
            SandboxAuth::ClientCredentials { client_id, .. }
            | SandboxAuth::Taap { client_id, .. } => client_id.clone(),
            SandboxAuth::OpenId(config) => config.client_id().to_owned(),
        }
    }

    /// The mode it serves.
    pub(crate) fn mode(&self) -> &SandboxAuth {
        &self.config
    }

    fn issue(&self, now: SystemTime, scopes: Scopes, scope_text: Option<&str>) -> Reply {
        let token = format!("sandbox-{}", uuid::Uuid::new_v4().simple());
        lock(&self.issued).insert(
            token.clone(),
            IssuedToken {
                expires: now + self.lifetime,
                scopes,
            },
        );
        let mut body = json!({"access_token": token, "token_type": "Bearer",
            "expires_in": self.lifetime.as_secs(),
            "id_token": format!("sandbox-id-{}", uuid::Uuid::new_v4().simple())});
        if let Some(scope) = scope_text {
            body["scope"] = json!(scope);
        }
        Reply::json(StatusCode::OK, &body)
    }

    /// The grant of an access token this sandbox issued, or the 401.
    fn issued_token(&self, parts: &Parts, now: SystemTime) -> Result<IssuedToken, Reply> {
        let Some(token) = bearer(parts) else {
            return Err(Reply::unauthenticated(
                "Request not authenticated: no access token (Authorization: Bearer ...)",
            ));
        };
        lock(&self.issued).valid(token, now).ok_or_else(|| {
            Reply::unauthenticated(
                "Request not authenticated due to missing, invalid, or expired credentials.",
            )
        })
    }

    /// Checks an API call that needs `scope`: the caller, or the 401 or
    /// 403 to answer.
    pub(crate) fn check_call(
        &self,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
        scope: Scope,
    ) -> Result<Caller, Reply> {
        let caller = match &self.config {
            SandboxAuth::None => Caller::ANYONE,
            SandboxAuth::Bearer(tokens) => {
                let presented = bearer(parts).unwrap_or_default();
                let index = tokens
                    .iter()
                    .position(|t| equal(t, presented))
                    .ok_or_else(|| {
                        Reply::unauthenticated(
                            "Request not authenticated due to missing, invalid, or expired credentials.",
                        )
                    })?;
                Caller::two_legged(
                    ClientId(u32::try_from(index).unwrap_or(u32::MAX - 1) + 1),
                    Scopes::ALL,
                )
            }
            SandboxAuth::ClientCredentials { .. } => {
                Caller::two_legged(THE_CLIENT, self.issued_token(parts, now)?.scopes)
            }
            SandboxAuth::Taap { public_key_der, .. } => {
                let grant = self.issued_token(parts, now)?;
                pop_verify::verify(
                    parts,
                    body,
                    public_key_der,
                    now,
                    &mut lock(&self.seen_pop),
                    Presented::ApiCall,
                )
                .map_err(|reason| {
                    Reply::unauthenticated(&format!("Authorization failed: {reason}"))
                })?;
                Caller::two_legged(THE_CLIENT, grant.scopes)
            }
            SandboxAuth::OpenId(_) => match &self.openid {
                Some(openid) => openid.caller(parts, now)?,
                None => return Err(Reply::unauthenticated("OpenID is not set up")),
            },
        };
        if !caller.scopes.allows(scope) {
            return Err(Reply::forbidden(&format!(
                "Client does not have sufficient permissions to perform this action: the access token lacks scope {}",
                scope.name()
            )));
        }
        Ok(caller)
    }

    /// The OpenID mode's endpoints, in that mode.
    pub(crate) fn openid(&self) -> Option<&OpenId> {
        self.openid.as_ref()
    }

    /// `POST /oauth2/v2/tokens` (T-Mobile TAAP).
    pub(crate) fn taap_token(&self, parts: &Parts, body: &[u8], now: SystemTime) -> Reply {
        let SandboxAuth::Taap {
            client_id,
            client_secret,
            public_key_der,
        } = &self.config
        else {
            return Reply::not_found("TAAP is not configured on this sandbox");
        };
        match basic_pair(parts) {
            Some((id, secret)) if equal(&id, client_id) && equal(&secret, client_secret) => {}
            _ => {
                return Reply::json(
                    StatusCode::UNAUTHORIZED,
                    &json!({"reasonCode": "401", "systemMessage": "invalid client credentials", "userMessage": "Unauthorized"}),
                );
            }
        }
        if let Err(reason) = pop_verify::verify(
            parts,
            body,
            public_key_der,
            now,
            &mut lock(&self.seen_pop),
            Presented::TokenRequest,
        ) {
            return Reply::json(
                StatusCode::UNAUTHORIZED,
                &json!({"reasonCode": "401", "systemMessage": reason, "userMessage": "Unauthorized"}),
            );
        }
        self.issue(now, Scopes::ALL, None)
    }

    /// `POST /oauth/token` (RFC 6749 client credentials).
    pub(crate) fn oauth_token(&self, parts: &Parts, body: &[u8], now: SystemTime) -> Reply {
        let SandboxAuth::ClientCredentials {
            client_id,
            client_secret,
        } = &self.config
        else {
            return Reply::not_found("client credentials are not configured on this sandbox");
        };
        let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
        match form.get("grant_type").map(String::as_str) {
            Some("client_credentials") => {}
            Some(_) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "only client_credentials",
                );
            }
            None => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "grant_type is required",
                );
            }
        }
        let presented = basic_pair(parts)
            .map(|(id, secret)| (form_decode(&id), form_decode(&secret)))
            .or_else(|| {
                Some((
                    form.get("client_id")?.clone(),
                    form.get("client_secret")?.clone(),
                ))
            });
        match presented {
            Some((id, secret)) if equal(&id, client_id) && equal(&secret, client_secret) => {}
            _ => {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Client authentication failed",
                );
            }
        }
        // No scope asked for: every scope.
        match form.get("scope") {
            None => self.issue(now, Scopes::ALL, None),
            Some(text) => match Scopes::parse(text) {
                Ok(scopes) => self.issue(now, scopes, Some(text)),
                Err(unknown) => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("unknown scope {unknown}"),
                ),
            },
        }
    }
}
