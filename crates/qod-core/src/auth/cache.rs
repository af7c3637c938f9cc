//! A per-client token cache that fetches at most one token at a time and
//! never blocks: it hands out decisions, and the driver does the waiting.
//!
//! A failed fetch is shared like a successful one: the callers that waited
//! for it get its error rather than each fetching again, so N callers
//! against a dead token endpoint make the token requests of one fetch (at
//! most [`crate::RetryPolicy::max_attempts`]), not N times as many.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use event_listener::{Event, EventListener};

use crate::auth::{AccessToken, AuthError};

#[derive(Default)]
struct State {
    token: Option<AccessToken>,
    fetching: bool,
    /// Counts the fetches begun, so that a waiter knows which one it waited for.
    fetches: u64,
    /// The last fetch that failed, by its number, and its error.
    last_failure: Option<(u64, AuthError)>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    fetch_ended: Event,
}

/// Holds the current token for one client. Cloning shares the cache.
///
/// When the token is missing or due for refresh, the first caller gets a
/// [`FetchPermit`] and fetches; the others are told to wait
/// ([`CacheLookup::Wait`]) and look again once the fetch has ended, so a
/// burst of calls makes one token request. When the fetch failed, a caller
/// that waited for it is told so ([`CacheLookup::Failed`]); when it was
/// abandoned (its task cancelled), the next caller fetches. The lock is held
/// only inside each method, never across a fetch or a wait.
#[derive(Clone, Default)]
pub(crate) struct TokenCache {
    shared: Arc<Shared>,
}

/// What a caller should do to have a token.
#[derive(Debug)]
#[non_exhaustive]
pub(crate) enum CacheLookup {
    /// Use this token.
    Fresh(AccessToken),
    /// Fetch a token and hand it to [`FetchPermit::complete`].
    Fetch(FetchPermit),
    /// Another caller is fetching: wait for this, then look again, handing
    /// the wait back to [`TokenCache::lookup`].
    Wait(TokenWait),
    /// The fetch this caller waited for failed, with this error.
    Failed(AuthError),
}

/// The right, and the duty, to fetch the next token. Dropping it without
/// completing (a failed fetch, a cancelled task) lets a waiting caller fetch.
#[derive(Debug)]
pub(crate) struct FetchPermit {
    cache: TokenCache,
    fetch: u64,
    done: bool,
}

/// Resolves when the fetch under way has ended, well or badly.
///
/// It is a `Future`, so an async driver awaits it; a blocking driver hands
/// it to [`crate::Clock::wait_for_token`]. It is registered before the
/// cache's lock is released, so the end of the fetch cannot be missed.
pub struct TokenWait {
    listener: Pin<Box<EventListener>>,
    fetch: FetchId,
}

/// Which fetch a [`TokenWait`] waits for, kept by the caller to hand back
/// to [`TokenCache::lookup`] once the wait is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FetchId(u64);

impl TokenWait {
    /// The fetch this waits for.
    pub(crate) fn fetch(&self) -> FetchId {
        self.fetch
    }
}

impl std::fmt::Debug for TokenWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenWait")
    }
}

impl Future for TokenWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.listener.as_mut().poll(cx)
    }
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
    pub(crate) fn new() -> Self {
        TokenCache::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every method leaves the state consistent, so a poisoned lock is still usable.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The token to use at `now`, the permit to fetch one, the wait for
    /// another caller's fetch, or the error of the fetch this caller waited
    /// for (`waited`, from the [`TokenWait`] it was given last). Never blocks.
    pub(crate) fn lookup(
        &self,
        now: SystemTime,
        refresh_margin: Duration,
        waited: Option<FetchId>,
    ) -> CacheLookup {
        let mut state = self.lock();
        if let Some(token) = &state.token
            && !token.needs_refresh(now, refresh_margin)
        {
            return CacheLookup::Fresh(token.clone());
        }
        if let (Some(waited), Some((failed, error))) = (waited, &state.last_failure)
            && waited.0 == *failed
        {
            return CacheLookup::Failed(error.clone());
        }
        if state.fetching {
            let listener = self.shared.fetch_ended.listen();
            return CacheLookup::Wait(TokenWait {
                listener: Box::pin(listener),
                fetch: FetchId(state.fetches),
            });
        }
        state.fetching = true;
        state.fetches += 1;
        CacheLookup::Fetch(FetchPermit {
            cache: self.clone(),
            fetch: state.fetches,
            done: false,
        })
    }

    /// The cached token, fresh or not, without fetching.
    #[cfg(test)]
    pub(crate) fn current(&self) -> Option<AccessToken> {
        self.lock().token.clone()
    }

    /// Forgets `token` after the server refused it, unless a newer one has
    /// replaced it already.
    pub(crate) fn invalidate(&self, token: &AccessToken) {
        let mut state = self.lock();
        if state
            .token
            .as_ref()
            .is_some_and(|current| current.same_as(token))
        {
            state.token = None;
        }
    }

    fn finish(&self, fetch: u64, outcome: Option<Result<AccessToken, AuthError>>) {
        let mut state = self.lock();
        state.fetching = false;
        match outcome {
            Some(Ok(token)) => {
                state.token = Some(token);
                state.last_failure = None;
            }
            Some(Err(error)) => state.last_failure = Some((fetch, error)),
            None => {}
        }
        drop(state);
        self.shared.fetch_ended.notify(usize::MAX);
    }
}

impl FetchPermit {
    /// Stores the fetched token and wakes the waiting callers.
    pub(crate) fn complete(mut self, token: AccessToken) {
        self.done = true;
        self.cache.finish(self.fetch, Some(Ok(token)));
    }

    /// Ends the fetch with `error` and wakes the waiting callers, who get it
    /// too. Callers that come later fetch again.
    pub(crate) fn fail(mut self, error: AuthError) {
        self.done = true;
        self.cache.finish(self.fetch, Some(Err(error)));
    }
}

impl Drop for FetchPermit {
    /// Abandoned (a cancelled task): the waiters look again, and one fetches.
    fn drop(&mut self) {
        if !self.done {
            self.cache.finish(self.fetch, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qod_models::SecretString;
    use std::task::{Wake, Waker};

    const MARGIN: Duration = Duration::from_secs(60);

    fn token(now: SystemTime, seconds: u64) -> AccessToken {
        AccessToken::fetched(SecretString::new("t"), None, now, Some(seconds))
    }

    struct Flag(std::sync::atomic::AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn reuses_before_the_margin_and_refreshes_after() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN, None) else {
            panic!("an empty cache must ask for a fetch");
        };
        permit.complete(token(t0, 3600));
        let before = t0 + Duration::from_secs(3600 - 61);
        assert!(matches!(
            cache.lookup(before, MARGIN, None),
            CacheLookup::Fresh(_)
        ));
        let after = t0 + Duration::from_secs(3600 - 60);
        assert!(matches!(
            cache.lookup(after, MARGIN, None),
            CacheLookup::Fetch(_)
        ));
    }

    #[test]
    fn short_lifetimes_refresh_at_half_life() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        if let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN, None) {
            permit.complete(token(t0, 30));
        }
        assert!(matches!(
            cache.lookup(t0 + Duration::from_secs(14), MARGIN, None),
            CacheLookup::Fresh(_)
        ));
        assert!(matches!(
            cache.lookup(t0 + Duration::from_secs(15), MARGIN, None),
            CacheLookup::Fetch(_)
        ));
    }

    #[test]
    fn a_second_caller_is_told_to_wait_and_is_woken_by_the_fetch() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN, None) else {
            panic!("the first caller fetches");
        };
        let CacheLookup::Wait(mut wait) = cache.lookup(t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        let flag = Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut wait).poll(&mut cx).is_pending());
        permit.complete(token(t0, 3600));
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert!(Pin::new(&mut wait).poll(&mut cx).is_ready());
        assert!(matches!(
            cache.lookup(t0, MARGIN, None),
            CacheLookup::Fresh(_)
        ));
    }

    #[test]
    fn dropped_permit_wakes_waiters_and_lets_the_next_caller_fetch() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let first = cache.lookup(t0, MARGIN, None);
        let CacheLookup::Wait(mut wait) = cache.lookup(t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        drop(first);
        let waker = Waker::noop();
        assert!(
            Pin::new(&mut wait)
                .poll(&mut Context::from_waker(waker))
                .is_ready()
        );
        assert!(matches!(
            cache.lookup(t0, MARGIN, None),
            CacheLookup::Fetch(_)
        ));
    }

    #[test]
    fn a_failed_fetch_is_handed_to_its_waiters_and_later_callers_fetch_again() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN, None) else {
            panic!("the first caller fetches");
        };
        let CacheLookup::Wait(wait) = cache.lookup(t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        permit.fail(AuthError::Rejected);
        assert!(matches!(
            cache.lookup(t0, MARGIN, Some(wait.fetch())),
            CacheLookup::Failed(AuthError::Rejected)
        ));
        // A caller that did not wait for that fetch starts a new one.
        let CacheLookup::Fetch(second) = cache.lookup(t0, MARGIN, None) else {
            panic!("a newcomer fetches again");
        };
        // The first fetch's waiter still reads its failure, not the new fetch.
        assert!(matches!(
            cache.lookup(t0, MARGIN, Some(wait.fetch())),
            CacheLookup::Failed(_)
        ));
        let CacheLookup::Wait(wait_second) = cache.lookup(t0, MARGIN, None) else {
            panic!("a fetch is under way");
        };
        second.complete(token(t0, 3600));
        assert!(matches!(
            cache.lookup(t0, MARGIN, Some(wait_second.fetch())),
            CacheLookup::Fresh(_)
        ));
    }

    #[test]
    fn an_abandoned_fetch_lets_a_waiter_fetch_instead_of_failing() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let first = cache.lookup(t0, MARGIN, None);
        let CacheLookup::Wait(wait) = cache.lookup(t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        drop(first);
        assert!(matches!(
            cache.lookup(t0, MARGIN, Some(wait.fetch())),
            CacheLookup::Fetch(_)
        ));
    }

    #[test]
    fn invalidate_only_forgets_the_refused_token() {
        let cache = TokenCache::new();
        let t0 = SystemTime::UNIX_EPOCH;
        let old = token(t0, 3600);
        if let CacheLookup::Fetch(permit) = cache.lookup(t0, MARGIN, None) {
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
}
