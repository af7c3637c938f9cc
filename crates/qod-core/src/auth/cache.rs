//! A per-client token cache that fetches at most one token at a time.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::auth::AccessToken;

#[derive(Default)]
struct State {
    token: Option<AccessToken>,
    fetching: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    fetched: Condvar,
}

/// Holds the current token for one client. Cloning shares the cache.
///
/// When the token is missing or due for refresh, the first caller gets a
/// [`FetchPermit`] and fetches; the others wait for it and then use its
/// token, so a burst of calls makes one token request. No lock is held
/// while the token is fetched.
#[derive(Clone, Default)]
pub struct TokenCache {
    shared: Arc<Shared>,
}

/// What a caller should do to have a token.
#[derive(Debug)]
pub enum CacheLookup {
    /// Use this token.
    Fresh(AccessToken),
    /// Fetch a token and hand it to [`FetchPermit::complete`].
    Fetch(FetchPermit),
}

/// The right, and the duty, to fetch the next token. Dropping it without
/// completing lets another caller fetch.
#[derive(Debug)]
pub struct FetchPermit {
    cache: TokenCache,
    done: bool,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("TokenCache")
            .field("token", &state.token)
            .field("fetching", &state.fetching)
            .finish()
    }
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> Self {
        TokenCache::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every await point, so a poisoned lock is still usable.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The token to use at `now`, or the permit to fetch one. Waits while
    /// another caller is fetching.
    pub fn lookup(&self, now: SystemTime, refresh_margin: Duration) -> CacheLookup {
        let mut state = self.lock();
        loop {
            if let Some(token) = &state.token
                && !token.needs_refresh(now, refresh_margin)
            {
                return CacheLookup::Fresh(token.clone());
            }
            if !state.fetching {
                state.fetching = true;
                return CacheLookup::Fetch(FetchPermit {
                    cache: self.clone(),
                    done: false,
                });
            }
            state = self
                .shared
                .fetched
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The cached token, fresh or not, without fetching.
    pub fn current(&self) -> Option<AccessToken> {
        self.lock().token.clone()
    }

    /// Forgets `token` after the server refused it, unless a newer one has
    /// replaced it already.
    pub fn invalidate(&self, token: &AccessToken) {
        let mut state = self.lock();
        if state
            .token
            .as_ref()
            .is_some_and(|current| current.same_as(token))
        {
            state.token = None;
        }
    }

    fn finish(&self, token: Option<AccessToken>) {
        let mut state = self.lock();
        state.fetching = false;
        if let Some(token) = token {
            state.token = Some(token);
        }
        drop(state);
        self.shared.fetched.notify_all();
    }
}

impl FetchPermit {
    /// Stores the fetched token and wakes the waiting callers.
    pub fn complete(mut self, token: AccessToken) {
        self.done = true;
        self.cache.finish(Some(token));
    }
}

impl Drop for FetchPermit {
    fn drop(&mut self) {
        if !self.done {
            self.cache.finish(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qod_models::SecretString;

    const MARGIN: Duration = Duration::from_secs(60);

    fn token(now: SystemTime, seconds: u64) -> AccessToken {
        AccessToken::fetched(SecretString::new("t"), None, now, Some(seconds))
    }

    #[test]
    fn reuses_before_the_margin_and_refreshes_after() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN) else {
            panic!("an empty cache must ask for a fetch");
        };
        permit.complete(token(t0, 3600));
        let before = t0 + Duration::from_secs(3600 - 61);
        assert!(matches!(
            cache.lookup(before, MARGIN),
            CacheLookup::Fresh(_)
        ));
        let after = t0 + Duration::from_secs(3600 - 60);
        assert!(matches!(cache.lookup(after, MARGIN), CacheLookup::Fetch(_)));
    }

    #[test]
    fn short_lifetimes_refresh_at_half_life() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        if let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN) {
            permit.complete(token(t0, 30));
        }
        assert!(matches!(
            cache.lookup(t0 + Duration::from_secs(14), MARGIN),
            CacheLookup::Fresh(_)
        ));
        assert!(matches!(
            cache.lookup(t0 + Duration::from_secs(15), MARGIN),
            CacheLookup::Fetch(_)
        ));
    }

    #[test]
    fn dropped_permit_lets_the_next_caller_fetch() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let first = cache.lookup(t0, MARGIN);
        drop(first);
        assert!(matches!(cache.lookup(t0, MARGIN), CacheLookup::Fetch(_)));
    }

    #[test]
    fn invalidate_only_forgets_the_refused_token() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let old = token(t0, 3600);
        if let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN) {
            permit.complete(old.clone());
        }
        cache.invalidate(&token(t0, 3600));
        assert!(
            cache.current().is_some(),
            "an equal but different token must not evict"
        );
        cache.invalidate(&old);
        assert!(cache.current().is_none());
    }

    #[test]
    fn concurrent_callers_share_one_fetch() {
        let cache = TokenCache::new();
        let fetches = std::sync::atomic::AtomicUsize::new(0);
        let t0 = SystemTime::UNIX_EPOCH;
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| match cache.lookup(t0, MARGIN) {
                    CacheLookup::Fresh(_) => {}
                    CacheLookup::Fetch(permit) => {
                        fetches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::yield_now();
                        permit.complete(token(t0, 3600));
                    }
                });
            }
        });
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
