//! Access tokens and what token endpoints answer.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use qod_models::SecretString;
use serde::{Deserialize, Deserializer};

/// An access token with the time it stops being usable. Never printed.
#[derive(Clone)]
pub struct AccessToken {
    inner: Arc<TokenInner>,
}

struct TokenInner {
    value: SecretString,
    id_token: Option<SecretString>,
    expires_at: Option<SystemTime>,
    lifetime: Option<Duration>,
}

impl AccessToken {
    /// A token that does not expire by itself (a static bearer token).
    pub fn new(value: impl Into<SecretString>) -> Self {
        AccessToken {
            inner: Arc::new(TokenInner {
                value: value.into(),
                id_token: None,
                expires_at: None,
                lifetime: None,
            }),
        }
    }

    /// A token fetched at `now` that lives `expires_in` seconds, if the server said.
    pub(crate) fn fetched(
        value: SecretString,
        id_token: Option<SecretString>,
        now: SystemTime,
        expires_in: Option<u64>,
    ) -> Self {
        let lifetime = expires_in.map(Duration::from_secs);
        AccessToken {
            inner: Arc::new(TokenInner {
                value,
                id_token,
                expires_at: lifetime.and_then(|lifetime| now.checked_add(lifetime)),
                lifetime,
            }),
        }
    }

    /// The token itself, for the `Authorization` header.
    pub fn secret(&self) -> &str {
        self.inner.value.expose()
    }

    /// The OpenID Connect id token that came with it (T-Mobile sends one).
    pub fn id_token(&self) -> Option<&str> {
        self.inner.id_token.as_ref().map(SecretString::expose)
    }

    /// When it expires, if the server said.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.inner.expires_at
    }

    /// Whether this is the very same token (not merely an equal string).
    pub fn same_as(&self, other: &AccessToken) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Whether it should be refreshed at `now`: `margin` before its expiry,
    /// but never more than half its lifetime early.
    pub(crate) fn needs_refresh(&self, now: SystemTime, margin: Duration) -> bool {
        let Some(expires_at) = self.inner.expires_at else {
            return false;
        };
        let margin = self
            .inner
            .lifetime
            .map_or(margin, |lifetime| margin.min(lifetime / 2));
        match expires_at.checked_sub(margin) {
            Some(refresh_at) => now >= refresh_at,
            None => true,
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[redacted]")
            .field("expires_at", &self.inner.expires_at)
            .finish()
    }
}

/// Whether `token` can be sent as `Authorization: Bearer <token>`: not
/// empty, and visible ASCII only (RFC 6750's `b64token` is a subset). The
/// error says what is wrong, never the token.
pub(crate) fn check_token_characters(token: &str) -> Result<(), &'static str> {
    if token.is_empty() {
        Err("it is empty")
    } else if !token.is_ascii() {
        Err("it has a non-ASCII character; a bearer token is visible ASCII")
    } else if token.contains(' ') {
        Err("it has a space; a bearer token is visible ASCII")
    } else if !token.bytes().all(|b| b.is_ascii_graphic()) {
        Err("it has a control character; a bearer token is visible ASCII")
    } else {
        Ok(())
    }
}

/// `expires_in` as a number or, as some servers send it, a string of
/// digits. A lifetime of zero or less says nothing usable, so it counts as
/// absent: the token is used until the server refuses it (a 401 fetches a
/// new one), instead of putting every call behind a fetch of its own.
fn lenient_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Whole(u64),
        Signed(i64),
        Float(f64),
        Text(String),
    }
    let seconds = match Option::<Seconds>::deserialize(deserializer)? {
        None => return Ok(None),
        Some(Seconds::Whole(n)) => return Ok((n > 0).then_some(n)),
        Some(Seconds::Signed(n)) => n as f64,
        Some(Seconds::Float(f)) => f,
        Some(Seconds::Text(text)) => text.trim().parse::<f64>().map_err(|_| {
            serde::de::Error::custom(format!("expires_in {text:?} is not a number of seconds"))
        })?,
    };
    if !seconds.is_finite() {
        return Err(serde::de::Error::custom(
            "expires_in is not a finite number of seconds",
        ));
    }
    // `as` saturates: 1e300 seconds is as good as for ever.
    Ok((seconds >= 1.0).then_some(seconds as u64))
}

/// A successful token response (RFC 6749 §5.1, and T-Mobile's variant).
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: SecretString,
    #[serde(default)]
    pub(crate) token_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub(crate) expires_in: Option<u64>,
    #[serde(default)]
    pub(crate) id_token: Option<SecretString>,
}

impl TokenResponse {
    /// The token, expiring `expires_in` after `now`.
    pub(crate) fn into_token(self, now: SystemTime) -> AccessToken {
        AccessToken::fetched(self.access_token, self.id_token, now, self.expires_in)
    }
}
