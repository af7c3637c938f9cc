//! Access tokens and what token endpoints answer.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use qod_models::SecretString;
use serde::{Deserialize, Deserializer};

use crate::auth::Scope;

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
    Ok(lenient_whole_seconds(deserializer)?.filter(|seconds| *seconds > 0))
}

/// Seconds as a number or a string of one, rounded down to whole seconds,
/// anything below zero read as 0; refused when not a finite number.
pub(crate) fn lenient_whole_seconds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
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
        Some(Seconds::Whole(n)) => return Ok(Some(n)),
        Some(Seconds::Signed(n)) => n as f64,
        Some(Seconds::Float(f)) => f,
        Some(Seconds::Text(text)) => text.trim().parse::<f64>().map_err(|_| {
            serde::de::Error::custom(format!("{text:?} is not a number of seconds"))
        })?,
    };
    if !seconds.is_finite() {
        return Err(serde::de::Error::custom("not a finite number of seconds"));
    }
    // `as` saturates: 1e300 seconds is as good as for ever.
    Ok(Some(if seconds <= 0.0 { 0 } else { seconds as u64 }))
}

/// A refresh token (RFC 6749 §6), with its expiry when the server said
/// (`refresh_token_expires_in` or Keycloak's `refresh_expires_in`). Never
/// printed.
///
/// ```
/// use qod_core::auth::RefreshToken;
/// let token = RefreshToken::new("canary-refresh");
/// assert_eq!(token.expose(), "canary-refresh");
/// assert!(!format!("{token:?}").contains("canary"));
/// ```
#[derive(Clone)]
pub struct RefreshToken {
    value: SecretString,
    expires_at: Option<SystemTime>,
}

impl RefreshToken {
    /// A refresh token the caller kept, with no known expiry.
    pub fn new(value: impl Into<SecretString>) -> Self {
        RefreshToken {
            value: value.into(),
            expires_at: None,
        }
    }

    /// The token itself, for the refresh request.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// When it expires, if the server said.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// Whether it is known to have expired at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshToken")
            .field("value", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a token endpoint granted: the access token and, where the flow
/// has them, a refresh token and the scope granted when the server says.
/// Nothing secret prints.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    access: AccessToken,
    refresh: Option<RefreshToken>,
    scope: Option<Scope>,
}

impl TokenGrant {
    /// A grant of `access` alone: no refresh token, no scope said (a
    /// two-legged token endpoint's answer, or one the application got).
    pub fn new(access: AccessToken) -> Self {
        TokenGrant {
            access,
            refresh: None,
            scope: None,
        }
    }

    /// The same grant with `refresh` as its refresh token.
    #[must_use]
    pub fn with_refresh_token(mut self, refresh: RefreshToken) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// The access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.access
    }

    /// The access token, taking it.
    pub fn into_access_token(self) -> AccessToken {
        self.access
    }

    /// The refresh token, if one came (or, after a refresh that sent none,
    /// the one that was used).
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh.as_ref()
    }

    /// The scope the server says it granted (`scope`, RFC 6749 §5.1),
    /// taken verbatim; `None` when it did not say (the scope asked for).
    pub fn granted_scope(&self) -> Option<&Scope> {
        self.scope.as_ref()
    }

    /// The access token and the refresh token.
    pub fn into_parts(self) -> (AccessToken, Option<RefreshToken>) {
        (self.access, self.refresh)
    }

    /// The same grant with no refresh token (a flow that must not have one).
    #[cfg(feature = "jwt")]
    pub(crate) fn without_refresh(mut self) -> Self {
        self.refresh = None;
        self
    }

    /// The same grant with `previous` as its refresh token when the answer
    /// brought none (a refresh without rotation).
    pub(crate) fn or_refresh(mut self, previous: &RefreshToken) -> Self {
        if self.refresh.is_none() {
            self.refresh = Some(previous.clone());
        }
        self
    }
}

/// A string, or nothing when the field holds anything else: for fields a
/// token is still good without.
fn lenient_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::String(text)) => Some(text),
            _ => None,
        },
    )
}

/// A lifetime in seconds as [`lenient_seconds`] reads it, or nothing when
/// it cannot be read: for fields a token is still good without.
fn lenient_optional_seconds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value.and_then(|value| lenient_seconds(value).ok().flatten()))
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
    #[serde(default, deserialize_with = "lenient_string")]
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "lenient_optional_seconds")]
    refresh_token_expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient_optional_seconds")]
    refresh_expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient_string")]
    scope: Option<String>,
}

impl TokenResponse {
    /// The token and what came with it, at `now`.
    pub(crate) fn into_grant(self, now: SystemTime) -> TokenGrant {
        let refresh_lifetime = self.refresh_token_expires_in.or(self.refresh_expires_in);
        let refresh = self
            .refresh_token
            .filter(|token| !token.is_empty())
            .map(|token| RefreshToken {
                value: token.into(),
                expires_at: refresh_lifetime
                    .and_then(|seconds| now.checked_add(Duration::from_secs(seconds))),
            });
        let scope = self.scope.and_then(|text| Scope::verbatim(text).ok());
        TokenGrant {
            access: AccessToken::fetched(self.access_token, self.id_token, now, self.expires_in),
            refresh,
            scope,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(json: &str) -> TokenGrant {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        serde_json::from_str::<TokenResponse>(json)
            .unwrap()
            .into_grant(now)
    }

    #[test]
    fn refresh_tokens_are_kept_with_their_expiry() {
        let kept = grant(
            r#"{"access_token":"a","expires_in":60,"refresh_token":"canary-r","refresh_token_expires_in":"3600","scope":"openid x"}"#,
        );
        let refresh = kept.refresh_token().unwrap();
        assert_eq!(refresh.expose(), "canary-r");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(4_600);
        assert_eq!(refresh.expires_at(), Some(at));
        assert!(refresh.is_expired(at) && !refresh.is_expired(at - Duration::from_secs(1)));
        assert_eq!(kept.granted_scope().unwrap().as_str(), "openid x");
        assert!(!format!("{kept:?}").contains("canary"));
        let keycloak =
            grant(r#"{"access_token":"a","refresh_token":"r","refresh_expires_in":1800}"#);
        assert!(keycloak.refresh_token().unwrap().expires_at().is_some());
    }

    #[test]
    fn odd_optional_fields_are_ignored_not_fatal() {
        let odd = grant(
            r#"{"access_token":"a","refresh_token":42,"refresh_token_expires_in":"soon","scope":["x"]}"#,
        );
        assert!(odd.refresh_token().is_none());
        assert!(odd.granted_scope().is_none());
        let empty = grant(r#"{"access_token":"a","refresh_token":"","scope":""}"#);
        assert!(empty.refresh_token().is_none() && empty.granted_scope().is_none());
        let (access, refresh) = grant(r#"{"access_token":"a","refresh_token":null}"#).into_parts();
        assert_eq!(access.secret(), "a");
        assert!(refresh.is_none());
    }

    #[test]
    fn rotation_keeps_the_previous_refresh_token_when_none_comes() {
        let previous = RefreshToken::new("old");
        let rotated = grant(r#"{"access_token":"a","refresh_token":"new"}"#).or_refresh(&previous);
        assert_eq!(rotated.refresh_token().unwrap().expose(), "new");
        let same = grant(r#"{"access_token":"a"}"#).or_refresh(&previous);
        assert_eq!(same.refresh_token().unwrap().expose(), "old");
        #[cfg(feature = "jwt")]
        assert!(same.without_refresh().refresh_token().is_none());
    }
}
