//! The `jti` of every client assertion and JWT Bearer assertion accepted,
//! kept until the assertion expires, so that none is accepted twice; a
//! bounded set: when it is full, new assertions wait until some expire.

use std::time::SystemTime;

use crate::auth::openid::errors::OAuthError;
use crate::auth::openid::expiring::{Expiring, Refused};

/// At most this many assertions may be unexpired at once. Each lives at
/// most 310 s, so the bound is some 200 a second, sustained.
const CAPACITY: usize = 65_536;

#[derive(Debug)]
pub(crate) struct SeenAssertions {
    ids: Expiring<()>,
}

impl Default for SeenAssertions {
    fn default() -> Self {
        SeenAssertions {
            ids: Expiring::new(CAPACITY),
        }
    }
}

impl SeenAssertions {
    /// Records the `jti` of an assertion valid until `until`; refused when
    /// it was seen already. `replayed` is the error a replay gets.
    pub(crate) fn first_use(
        &mut self,
        jti: &str,
        until: SystemTime,
        now: SystemTime,
        replayed: OAuthError,
    ) -> Result<(), OAuthError> {
        match self.ids.insert(jti.to_owned(), until, (), now) {
            Ok(()) => Ok(()),
            Err(Refused::Taken) => Err(replayed),
            Err(Refused::Full) => Err(OAuthError::too_many(
                "Too many unexpired assertions: try again when some have expired",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn once_each_until_expiry() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let replay = || OAuthError::invalid_client("replayed", false);
        let mut seen = SeenAssertions::default();
        let until = t0 + Duration::from_secs(60);
        seen.first_use("a", until, t0, replay()).unwrap();
        assert_eq!(
            seen.first_use("a", until, t0, replay())
                .unwrap_err()
                .description,
            "replayed"
        );
        seen.first_use("b", until, t0, replay()).unwrap();
        // Expired, it may come back: its exp refuses it anyway.
        seen.first_use("a", until, until, replay()).unwrap();
        let mut full = SeenAssertions {
            ids: Expiring::new(1),
        };
        full.first_use("a", until, t0, replay()).unwrap();
        assert_eq!(
            full.first_use("b", until, t0, replay()).unwrap_err().error,
            "temporarily_unavailable"
        );
    }
}
