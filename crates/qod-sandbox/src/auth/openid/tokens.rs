//! The access and refresh tokens the OpenID mode issues: opaque, random,
//! looked up on each call. An access token is two-legged (client
//! credentials) or three-legged, bound to the device of its subject; a
//! refresh token (CIBA and the authorization code flow, when the scope
//! has `offline_access`) is used once, and each use gives a new one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::auth::caller::Scopes;
use crate::auth::lock;
use crate::auth::openid::errors::OAuthError;
use crate::auth::openid::expiring::Expiring;
use crate::auth::openid::login_hint::Subject;
use crate::auth::openid::scopes::{self, Requested};

/// At most this many tokens of each kind are valid at once.
const CAPACITY: usize = 100_000;

/// What a token lets its holder do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grant {
    pub(crate) scope: Requested,
    /// The user (and device) of a three-legged token; `None` for a
    /// two-legged one.
    pub(crate) subject: Option<Arc<Subject>>,
}

impl Grant {
    pub(crate) fn scopes(&self) -> Scopes {
        self.scope.api
    }
}

/// The tokens of a grant, as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Tokens {
    access: Mutex<Expiring<Grant>>,
    refresh: Mutex<Expiring<Grant>>,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens {
            access: Mutex::new(Expiring::new(CAPACITY)),
            refresh: Mutex::new(Expiring::new(CAPACITY)),
        }
    }
}

fn random(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

fn full() -> OAuthError {
    OAuthError::too_many("Too many valid tokens: try again when some have expired")
}

impl Tokens {
    /// Issues an access token for `grant` living `lifetime`, and a
    /// refresh token living `refresh_lifetime` when there is one.
    pub(crate) fn issue(
        &self,
        grant: &Grant,
        lifetime: Duration,
        refresh_lifetime: Option<Duration>,
        now: SystemTime,
    ) -> Result<Issued, OAuthError> {
        let access_token = random("sandbox-at-");
        lock(&self.access)
            .insert(access_token.clone(), now + lifetime, grant.clone(), now)
            .map_err(|_| full())?;
        let refresh_token = match refresh_lifetime {
            Some(lifetime) => {
                let token = random("sandbox-rt-");
                lock(&self.refresh)
                    .insert(token.clone(), now + lifetime, grant.clone(), now)
                    .map_err(|_| full())?;
                Some(token)
            }
            None => None,
        };
        Ok(Issued {
            access_token,
            refresh_token,
        })
    }

    /// The grant of a valid access token.
    pub(crate) fn grant(&self, access_token: &str, now: SystemTime) -> Option<Grant> {
        lock(&self.access).get_mut(access_token, now).cloned()
    }

    /// The `refresh_token` grant: the refresh token is used up, and the
    /// grant it held comes back, narrowed to `scope` when one is asked for
    /// (`invalid_scope` for more than the grant has).
    pub(crate) fn refresh(
        &self,
        refresh_token: &str,
        scope: Option<&str>,
        now: SystemTime,
    ) -> Result<Grant, OAuthError> {
        let narrowed = scope.map(scopes::requested).transpose()?;
        let mut kept = lock(&self.refresh);
        let grant = kept.get_mut(refresh_token, now).ok_or_else(|| {
            OAuthError::invalid_grant("The refresh token is unknown, used or expired")
        })?;
        if let Some(narrowed) = &narrowed
            && (!grant.scope.api.covers(narrowed.api)
                || (narrowed.openid && !grant.scope.openid)
                || (narrowed.offline_access && !grant.scope.offline_access))
        {
            return Err(OAuthError::invalid_scope(
                "The scope asks for more than the grant has",
            ));
        }
        let grant = kept.remove(refresh_token, now).map(|grant| match narrowed {
            Some(scope) => Grant { scope, ..grant },
            None => grant,
        });
        grant.ok_or_else(|| {
            OAuthError::invalid_grant("The refresh token is unknown, used or expired")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::caller::Scope;

    fn grant(scope: &str) -> Grant {
        Grant {
            scope: scopes::requested(scope).unwrap(),
            subject: None,
        }
    }

    #[test]
    fn access_tokens_until_they_expire() {
        let tokens = Tokens::default();
        let t0 = SystemTime::now();
        let issued = tokens
            .issue(
                &grant("qos-profiles:read"),
                Duration::from_secs(60),
                None,
                t0,
            )
            .unwrap();
        assert!(issued.refresh_token.is_none());
        let found = tokens
            .grant(&issued.access_token, t0 + Duration::from_secs(59))
            .unwrap();
        assert!(found.scopes().allows(Scope::ProfilesRead));
        assert_eq!(
            tokens.grant(&issued.access_token, t0 + Duration::from_secs(60)),
            None
        );
        assert_eq!(tokens.grant("sandbox-at-guess", t0), None);
    }

    #[test]
    fn refresh_tokens_rotate_and_narrow() {
        let tokens = Tokens::default();
        let t0 = SystemTime::now();
        let day = Some(Duration::from_secs(86_400));
        let original =
            grant("openid offline_access qos-profiles:read quality-on-demand:sessions:read");
        let issued = tokens
            .issue(&original, Duration::from_secs(60), day, t0)
            .unwrap();
        let refresh = issued.refresh_token.unwrap();
        let wider = tokens
            .refresh(&refresh, Some("quality-on-demand:sessions:create"), t0)
            .unwrap_err();
        assert_eq!(wider.error, "invalid_scope");
        let narrowed = tokens
            .refresh(&refresh, Some("qos-profiles:read"), t0)
            .unwrap();
        assert!(!narrowed.scopes().allows(Scope::SessionsRead));
        assert!(!narrowed.scope.offline_access);
        let again = tokens.refresh(&refresh, None, t0).unwrap_err();
        assert_eq!(again.error, "invalid_grant", "used once");
    }
}
