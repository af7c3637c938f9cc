//! Token endpoints and the check every API call passes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::StatusCode;
use http::request::Parts;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::config::SandboxAuth;
use crate::pop_verify;
use crate::reply::Reply;

pub(crate) struct AuthState {
    config: SandboxAuth,
    lifetime: std::time::Duration,
    issued: Mutex<HashMap<String, SystemTime>>,
    seen_jti: Mutex<HashMap<String, u64>>,
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
    pub(crate) fn new(config: SandboxAuth, lifetime: std::time::Duration) -> Self {
        AuthState {
            config,
            lifetime,
            issued: Mutex::new(HashMap::new()),
            seen_jti: Mutex::new(HashMap::new()),
        }
    }

    fn issue(&self, now: SystemTime) -> Reply {
        let token = format!("sandbox-{}", uuid::Uuid::new_v4().simple());
        lock(&self.issued).insert(token.clone(), now + self.lifetime);
        Reply::json(
            StatusCode::OK,
            &json!({"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime.as_secs(),
                    "id_token": format!("sandbox-id-{}", uuid::Uuid::new_v4().simple())}),
        )
    }

    fn token_is_valid(&self, token: &str, now: SystemTime) -> bool {
        let mut issued = lock(&self.issued);
        issued.retain(|_, expires| *expires > now);
        issued.contains_key(token)
    }

    /// Checks an API call. `Err` holds the 401 to answer.
    pub(crate) fn check_call(
        &self,
        parts: &Parts,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), Reply> {
        match &self.config {
            SandboxAuth::None => Ok(()),
            SandboxAuth::Bearer(tokens) => match bearer(parts) {
                Some(token) if tokens.iter().any(|t| equal(t, token)) => Ok(()),
                _ => Err(Reply::unauthenticated(
                    "Request not authenticated due to missing, invalid, or expired credentials.",
                )),
            },
            SandboxAuth::ClientCredentials { .. } => match bearer(parts) {
                Some(token) if self.token_is_valid(token, now) => Ok(()),
                _ => Err(Reply::unauthenticated(
                    "Request not authenticated due to missing, invalid, or expired credentials.",
                )),
            },
            SandboxAuth::Taap { public_key_der, .. } => {
                match bearer(parts) {
                    Some(token) if self.token_is_valid(token, now) => {}
                    _ => {
                        return Err(Reply::unauthenticated(
                            "Authorization failed: invalid or expired access token",
                        ));
                    }
                }
                pop_verify::verify(parts, body, public_key_der, now, &mut lock(&self.seen_jti))
                    .map_err(|reason| {
                        Reply::unauthenticated(&format!("Authorization failed: {reason}"))
                    })
            }
        }
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
        if let Err(reason) =
            pop_verify::verify(parts, body, public_key_der, now, &mut lock(&self.seen_jti))
        {
            return Reply::json(
                StatusCode::UNAUTHORIZED,
                &json!({"reasonCode": "401", "systemMessage": reason, "userMessage": "Unauthorized"}),
            );
        }
        self.issue(now)
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
            Some((id, secret)) if equal(&id, client_id) && equal(&secret, client_secret) => {
                self.issue(now)
            }
            _ => oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed",
            ),
        }
    }
}
