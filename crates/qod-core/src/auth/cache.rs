//! A per-client token cache, one slot per subject, that fetches at most one
//! token at a time for each and never blocks: it hands out decisions, and
//! the driver does the waiting.
//!
//! A failed fetch is shared like a successful one: the callers that waited
//! for it get its error rather than each fetching again, so N callers
//! against a dead token endpoint make the token requests of one fetch (at
//! most [`crate::RetryPolicy::max_attempts`]), not N times as many.
//!
//! Slots are independent: the callers for one subject (one user of a
//! three-legged flow) never wait on another subject's fetch. The number of
//! slots is capped; a new subject in a full cache evicts the one used
//! longest ago.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use event_listener::{Event, EventListener};

use crate::auth::{AccessToken, AuthError, RefreshToken, Scope, TokenGrant};

/// How many subjects a client's token cache holds, by default, before it
/// evicts the one used longest ago.
pub const DEFAULT_MAX_SUBJECTS: usize = 10_000;

struct State<R> {
    token: Option<AccessToken>,
    /// What the token may do, when known (granted, or else asked for).
    scope: Option<Scope>,
    /// What renews the token, when the server granted one.
    refresh: Option<RefreshToken>,
    fetching: bool,
    /// Counts the fetches begun, so that a waiter knows which one it waited for.
    fetches: u64,
    /// The last fetch that failed, by its number, and its error.
    last_failure: Option<(u64, AuthError)>,
    /// What an abandoned fetch left for the next one to go on with (a
    /// three-legged flow waiting for the user, say).
    handed_over: Option<R>,
}

impl<R> Default for State<R> {
    fn default() -> Self {
        State {
            token: None,
            scope: None,
            refresh: None,
            fetching: false,
            fetches: 0,
            last_failure: None,
            handed_over: None,
        }
    }
}

/// One subject's token and fetch.
struct Slot<R> {
    state: Mutex<State<R>>,
    fetch_ended: Event,
    /// The cache's clock reading at the last lookup, for eviction.
    last_used: AtomicU64,
}

impl<R> Slot<R> {
    fn new(tick: u64) -> Self {
        Slot {
            state: Mutex::new(State::default()),
            fetch_ended: Event::new(),
            last_used: AtomicU64::new(tick),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<R>> {
        // Every method leaves the state consistent, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn finish(&self, fetch: u64, outcome: Outcome<R>) {
        let mut state = self.lock();
        state.fetching = false;
        match outcome {
            Outcome::Token(grant, asked) => {
                let (token, refresh) = grant.clone().into_parts();
                state.scope = grant.granted_scope().cloned().or(asked);
                state.token = Some(token);
                // A grant without a refresh token keeps none: the old one may be spent.
                state.refresh = refresh;
                state.last_failure = None;
                state.handed_over = None;
            }
            Outcome::Failed(error) => {
                state.last_failure = Some((fetch, error));
                state.handed_over = None;
            }
            Outcome::HandedOver(rest) => state.handed_over = Some(rest),
            Outcome::Abandoned => {}
        }
        drop(state);
        self.fetch_ended.notify(usize::MAX);
    }
}

enum Outcome<R> {
    /// The grant, and the scope that was asked for.
    Token(TokenGrant, Option<Scope>),
    Failed(AuthError),
    HandedOver(R),
    Abandoned,
}

struct Slots<K, R> {
    map: Mutex<HashMap<K, Arc<Slot<R>>>>,
    /// A logical clock: one tick per lookup.
    ticks: AtomicU64,
    max_subjects: usize,
}

/// Holds the current token of each subject for one client. Cloning shares
/// the cache. `K` names a subject (one key for a two-legged client); `R` is
/// what an abandoned fetch hands to the next (`()` when nothing can be).
///
/// When a subject's token is missing or due for refresh, the first caller
/// gets a [`FetchPermit`] and fetches; the others are told to wait
/// ([`CacheLookup::Wait`]) and look again once the fetch has ended, so a
/// burst of calls makes one fetch. When the fetch failed, a caller that
/// waited for it is told so ([`CacheLookup::Failed`]); when it was
/// abandoned (its task cancelled, its call out of time), the next caller
/// fetches, going on from what it handed over. Locks are held only inside
/// each method, never across a fetch or a wait.
pub(crate) struct TokenCache<K, R = ()> {
    slots: Arc<Slots<K, R>>,
}

impl<K, R> Clone for TokenCache<K, R> {
    fn clone(&self) -> Self {
        TokenCache {
            slots: Arc::clone(&self.slots),
        }
    }
}

/// What a caller should do to have a token.
#[derive(Debug)]
#[non_exhaustive]
pub(crate) enum CacheLookup<R> {
    /// Use this token.
    Fresh(AccessToken),
    /// Fetch a token and hand it to [`FetchPermit::complete`].
    Fetch(FetchStart<R>),
    /// Another caller is fetching: wait for this, then look again, handing
    /// the wait back to [`TokenCache::lookup`].
    Wait(TokenWait),
    /// The fetch this caller waited for failed, with this error.
    Failed(AuthError),
}

/// What a caller that is to fetch starts from.
#[derive(Debug)]
pub(crate) struct FetchStart<R> {
    /// The permit.
    pub(crate) permit: FetchPermit<R>,
    /// Where an abandoned fetch stopped, to go on from.
    pub(crate) handed_over: Option<R>,
    /// The refresh token of a token that is due, when it covered what the
    /// caller needs (a refresh cannot widen a grant).
    pub(crate) refresh: Option<RefreshToken>,
    /// What the subject's token was granted, to ask for again beside more.
    pub(crate) previous_scope: Option<Scope>,
}

/// The right, and the duty, to fetch the next token of one subject.
/// Dropping it without completing (a cancelled task) lets a waiting caller
/// fetch.
pub(crate) struct FetchPermit<R> {
    slot: Arc<Slot<R>>,
    fetch: u64,
    done: bool,
}

impl<R> std::fmt::Debug for FetchPermit<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchPermit")
            .field("fetch", &self.fetch)
            .finish_non_exhaustive()
    }
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

impl<K, R> std::fmt::Debug for TokenCache<K, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("subjects", &self.len())
            .field("max_subjects", &self.slots.max_subjects)
            .finish()
    }
}

impl<K, R> TokenCache<K, R> {
    /// How many subjects the cache holds.
    pub(crate) fn len(&self) -> usize {
        self.slots
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl<K: Eq + Hash + Clone, R> TokenCache<K, R> {
    /// An empty cache holding at most `max_subjects` subjects (at least one).
    pub(crate) fn new(max_subjects: usize) -> Self {
        TokenCache {
            slots: Arc::new(Slots {
                map: Mutex::new(HashMap::new()),
                ticks: AtomicU64::new(0),
                max_subjects: max_subjects.max(1),
            }),
        }
    }

    /// The slot of `key`, made (and the oldest evicted) when it is new.
    fn slot(&self, key: &K) -> Arc<Slot<R>> {
        let tick = self.slots.ticks.fetch_add(1, Ordering::Relaxed);
        let mut map = self
            .slots
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = map.get(key) {
            slot.last_used.store(tick, Ordering::Relaxed);
            return Arc::clone(slot);
        }
        if map.len() >= self.slots.max_subjects {
            // A scan, paid only by a new subject in a full cache.
            let oldest = map
                .iter()
                .min_by_key(|(_, slot)| slot.last_used.load(Ordering::Relaxed))
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                map.remove(&oldest);
            }
        }
        let slot = Arc::new(Slot::new(tick));
        map.insert(key.clone(), Arc::clone(&slot));
        slot
    }

    /// The token of `key` to use at `now` for a call that needs the scope
    /// token `needed` (`None`: any token of the subject), the permit to fetch one, the
    /// wait for another caller's fetch, or the error of the fetch this
    /// caller waited for (`waited`, from the [`TokenWait`] it was given
    /// last). Never blocks.
    pub(crate) fn lookup(
        &self,
        key: &K,
        now: SystemTime,
        refresh_margin: Duration,
        waited: Option<FetchId>,
        needed: Option<&str>,
    ) -> CacheLookup<R> {
        let slot = self.slot(key);
        let mut state = slot.lock();
        let covered = match (needed, &state.scope) {
            (Some(needed), Some(granted)) => granted.contains(needed),
            _ => true,
        };
        if let Some(token) = &state.token
            && covered
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
            let listener = slot.fetch_ended.listen();
            return CacheLookup::Wait(TokenWait {
                listener: Box::pin(listener),
                fetch: FetchId(state.fetches),
            });
        }
        state.fetching = true;
        state.fetches += 1;
        let start = FetchStart {
            permit: FetchPermit {
                slot: Arc::clone(&slot),
                fetch: state.fetches,
                done: false,
            },
            handed_over: state.handed_over.take(),
            refresh: state.refresh.clone().filter(|_| covered),
            previous_scope: state.scope.clone(),
        };
        drop(state);
        CacheLookup::Fetch(start)
    }

    /// [`lookup`](Self::lookup) for a call that needs no particular scope.
    #[cfg(test)]
    pub(crate) fn lookup_any(
        &self,
        key: &K,
        now: SystemTime,
        refresh_margin: Duration,
        waited: Option<FetchId>,
    ) -> CacheLookup<R> {
        self.lookup(key, now, refresh_margin, waited, None)
    }

    /// The cached token of `key`, fresh or not, without fetching.
    #[cfg(test)]
    pub(crate) fn current(&self, key: &K) -> Option<AccessToken> {
        let map = self
            .slots
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        map.get(key).and_then(|slot| slot.lock().token.clone())
    }

    /// Stores `grant` as `key`'s token, as a fetch that ended well would.
    pub(crate) fn store(&self, key: &K, grant: TokenGrant) {
        let slot = self.slot(key);
        let mut state = slot.lock();
        let (token, refresh) = grant.clone().into_parts();
        state.scope = grant.granted_scope().cloned();
        state.token = Some(token);
        state.refresh = refresh;
        state.last_failure = None;
    }

    /// Forgets `token` of `key` after the server refused it, unless a newer
    /// one has replaced it already.
    pub(crate) fn invalidate(&self, key: &K, token: &AccessToken) {
        let map = self
            .slots
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(slot) = map.get(key) else {
            return;
        };
        let mut state = slot.lock();
        if state
            .token
            .as_ref()
            .is_some_and(|current| current.same_as(token))
        {
            state.token = None;
        }
    }
}

impl<R> FetchPermit<R> {
    /// Stores the fetched grant (what was asked for is its scope when the
    /// server did not say) and wakes the waiting callers.
    pub(crate) fn complete(mut self, grant: TokenGrant, asked: Option<Scope>) {
        self.done = true;
        self.slot.finish(self.fetch, Outcome::Token(grant, asked));
    }

    /// Ends the fetch with `error` and wakes the waiting callers, who get it
    /// too. Callers that come later fetch again.
    pub(crate) fn fail(mut self, error: AuthError) {
        self.done = true;
        self.slot.finish(self.fetch, Outcome::Failed(error));
    }

    /// Ends this caller's part in the fetch without ending the fetch: the
    /// next caller goes on from `rest` (the flow's state) instead of
    /// starting over.
    pub(crate) fn hand_over(mut self, rest: R) {
        self.done = true;
        self.slot.finish(self.fetch, Outcome::HandedOver(rest));
    }
}

impl<R> Drop for FetchPermit<R> {
    /// Abandoned (a cancelled task): the waiters look again, and one fetches.
    fn drop(&mut self) {
        if !self.done {
            self.slot.finish(self.fetch, Outcome::Abandoned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qod_models::SecretString;
    use std::task::{Wake, Waker};

    const MARGIN: Duration = Duration::from_secs(60);

    fn grant(now: SystemTime, seconds: u64) -> TokenGrant {
        TokenGrant::new(token(now, seconds))
    }

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
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let CacheLookup::Fetch(FetchStart { permit, .. }) = cache.lookup_any(&(), t0, MARGIN, None)
        else {
            panic!("an empty cache must ask for a fetch");
        };
        permit.complete(grant(t0, 3600), None);
        let before = t0 + Duration::from_secs(3600 - 61);
        assert!(matches!(
            cache.lookup_any(&(), before, MARGIN, None),
            CacheLookup::Fresh(_)
        ));
        let after = t0 + Duration::from_secs(3600 - 60);
        assert!(matches!(
            cache.lookup_any(&(), after, MARGIN, None),
            CacheLookup::Fetch(..)
        ));
    }

    #[test]
    fn short_lifetimes_refresh_at_half_life() {
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        if let CacheLookup::Fetch(FetchStart { permit, .. }) =
            cache.lookup_any(&(), t0, MARGIN, None)
        {
            permit.complete(grant(t0, 30), None);
        }
        assert!(matches!(
            cache.lookup_any(&(), t0 + Duration::from_secs(14), MARGIN, None),
            CacheLookup::Fresh(_)
        ));
        assert!(matches!(
            cache.lookup_any(&(), t0 + Duration::from_secs(15), MARGIN, None),
            CacheLookup::Fetch(..)
        ));
    }

    #[test]
    fn a_second_caller_is_told_to_wait_and_is_woken_by_the_fetch() {
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(FetchStart { permit, .. }) = cache.lookup_any(&(), t0, MARGIN, None)
        else {
            panic!("the first caller fetches");
        };
        let CacheLookup::Wait(mut wait) = cache.lookup_any(&(), t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        let flag = Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut wait).poll(&mut cx).is_pending());
        permit.complete(grant(t0, 3600), None);
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert!(Pin::new(&mut wait).poll(&mut cx).is_ready());
        assert!(matches!(
            cache.lookup_any(&(), t0, MARGIN, None),
            CacheLookup::Fresh(_)
        ));
    }

    #[test]
    fn dropped_permit_wakes_waiters_and_lets_the_next_caller_fetch() {
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        let first = cache.lookup_any(&(), t0, MARGIN, None);
        let CacheLookup::Wait(mut wait) = cache.lookup_any(&(), t0, MARGIN, None) else {
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
            cache.lookup_any(&(), t0, MARGIN, None),
            CacheLookup::Fetch(..)
        ));
    }

    #[test]
    fn a_failed_fetch_is_handed_to_its_waiters_and_later_callers_fetch_again() {
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(FetchStart { permit, .. }) = cache.lookup_any(&(), t0, MARGIN, None)
        else {
            panic!("the first caller fetches");
        };
        let CacheLookup::Wait(wait) = cache.lookup_any(&(), t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        permit.fail(AuthError::Rejected);
        assert!(matches!(
            cache.lookup_any(&(), t0, MARGIN, Some(wait.fetch())),
            CacheLookup::Failed(AuthError::Rejected)
        ));
        // A caller that did not wait for that fetch starts a new one.
        let CacheLookup::Fetch(FetchStart { permit: second, .. }) =
            cache.lookup_any(&(), t0, MARGIN, None)
        else {
            panic!("a newcomer fetches again");
        };
        // The first fetch's waiter still reads its failure, not the new fetch.
        assert!(matches!(
            cache.lookup_any(&(), t0, MARGIN, Some(wait.fetch())),
            CacheLookup::Failed(_)
        ));
        let CacheLookup::Wait(wait_second) = cache.lookup_any(&(), t0, MARGIN, None) else {
            panic!("a fetch is under way");
        };
        second.complete(grant(t0, 3600), None);
        assert!(matches!(
            cache.lookup_any(&(), t0, MARGIN, Some(wait_second.fetch())),
            CacheLookup::Fresh(_)
        ));
    }

    #[test]
    fn an_abandoned_fetch_lets_a_waiter_fetch_instead_of_failing() {
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        let first = cache.lookup_any(&(), t0, MARGIN, None);
        let CacheLookup::Wait(wait) = cache.lookup_any(&(), t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        drop(first);
        assert!(matches!(
            cache.lookup_any(&(), t0, MARGIN, Some(wait.fetch())),
            CacheLookup::Fetch(..)
        ));
    }

    #[test]
    fn invalidate_only_forgets_the_refused_token() {
        let cache = TokenCache::<(), ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        let old = token(t0, 3600);
        if let CacheLookup::Fetch(FetchStart { permit, .. }) =
            cache.lookup_any(&(), t0, MARGIN, None)
        {
            permit.complete(TokenGrant::new(old.clone()), None);
        }
        cache.invalidate(&(), &token(t0, 3600));
        assert!(
            cache.current(&()).is_some(),
            "an equal but different token must not evict"
        );
        cache.invalidate(&(), &old);
        assert!(cache.current(&()).is_none());
    }

    #[test]
    fn subjects_fetch_on_their_own_and_never_wait_on_each_other() {
        let cache = TokenCache::<&str, ()>::new(DEFAULT_MAX_SUBJECTS);
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(FetchStart { permit: alice, .. }) =
            cache.lookup_any(&"alice", t0, MARGIN, None)
        else {
            panic!("alice's first call fetches");
        };
        assert!(matches!(
            cache.lookup_any(&"alice", t0, MARGIN, None),
            CacheLookup::Wait(_)
        ));
        // Bob's fetch is his own, while alice's is under way.
        let CacheLookup::Fetch(FetchStart { permit: bob, .. }) =
            cache.lookup_any(&"bob", t0, MARGIN, None)
        else {
            panic!("bob fetches although alice is fetching");
        };
        bob.complete(grant(t0, 3600), None);
        assert!(matches!(
            cache.lookup_any(&"bob", t0, MARGIN, None),
            CacheLookup::Fresh(_)
        ));
        alice.fail(AuthError::Rejected);
        assert!(cache.current(&"alice").is_none());
        assert!(cache.current(&"bob").is_some());
    }

    #[test]
    fn a_full_cache_evicts_the_subject_used_longest_ago() {
        let cache = TokenCache::<u32, ()>::new(3);
        let t0 = SystemTime::UNIX_EPOCH;
        for subject in [1, 2, 3] {
            if let CacheLookup::Fetch(FetchStart { permit, .. }) =
                cache.lookup_any(&subject, t0, MARGIN, None)
            {
                permit.complete(grant(t0, 3600), None);
            }
        }
        // 1 is used again, so 2 is now the oldest.
        assert!(matches!(
            cache.lookup_any(&1, t0, MARGIN, None),
            CacheLookup::Fresh(_)
        ));
        assert!(matches!(
            cache.lookup_any(&4, t0, MARGIN, None),
            CacheLookup::Fetch(..)
        ));
        assert_eq!(cache.len(), 3);
        assert!(cache.current(&2).is_none(), "the oldest is evicted");
        assert!(cache.current(&1).is_some() && cache.current(&3).is_some());
    }

    #[test]
    fn a_handed_over_fetch_is_where_the_next_caller_goes_on() {
        let cache = TokenCache::<(), &str>::new(1);
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(FetchStart {
            permit: first,
            handed_over: None,
            ..
        }) = cache.lookup_any(&(), t0, MARGIN, None)
        else {
            panic!("the first caller fetches from the start");
        };
        let CacheLookup::Wait(wait) = cache.lookup_any(&(), t0, MARGIN, None) else {
            panic!("the second caller waits");
        };
        first.hand_over("polling");
        // The waiter is not told of a failure: it takes the fetch over.
        let CacheLookup::Fetch(FetchStart {
            permit: second,
            handed_over: Some("polling"),
            ..
        }) = cache.lookup_any(&(), t0, MARGIN, Some(wait.fetch()))
        else {
            panic!("the waiter goes on from the handed-over state");
        };
        second.complete(grant(t0, 3600), None);
        // Once done, nothing is handed over any more.
        cache.invalidate(&(), &cache.current(&()).unwrap());
        assert!(matches!(
            cache.lookup_any(&(), t0, MARGIN, None),
            CacheLookup::Fetch(FetchStart {
                handed_over: None,
                ..
            })
        ));
    }
}

#[cfg(test)]
mod scope_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use qod_models::SecretString;

    const MARGIN: Duration = Duration::from_secs(60);

    #[test]
    fn a_token_that_does_not_cover_the_call_is_fetched_again_with_its_scope() {
        let cache = TokenCache::<(), ()>::new(1);
        let t0 = SystemTime::UNIX_EPOCH;
        let read = Scope::new(["qod:read"]).unwrap();
        let CacheLookup::Fetch(start) = cache.lookup(&(), t0, MARGIN, None, Some("qod:read"))
        else {
            panic!("an empty cache fetches");
        };
        let token = AccessToken::fetched(SecretString::new("t"), None, t0, Some(3600));
        let refresh = RefreshToken::new("r");
        start.permit.complete(
            TokenGrant::new(token).with_refresh_token(refresh),
            Some(read.clone()),
        );
        assert!(matches!(
            cache.lookup(&(), t0, MARGIN, None, Some("qod:read")),
            CacheLookup::Fresh(_)
        ));
        // A call needing more fetches, from what was granted, and not by refresh.
        let CacheLookup::Fetch(start) = cache.lookup(&(), t0, MARGIN, None, Some("qod:write"))
        else {
            panic!("a token that does not cover the call is fetched again");
        };
        assert_eq!(start.previous_scope.as_ref(), Some(&read));
        assert!(start.refresh.is_none(), "a refresh cannot widen a grant");
    }

    #[test]
    fn a_due_token_is_renewed_by_its_refresh_token() {
        let cache = TokenCache::<(), ()>::new(1);
        let t0 = SystemTime::UNIX_EPOCH;
        let CacheLookup::Fetch(start) = cache.lookup(&(), t0, MARGIN, None, None) else {
            panic!("an empty cache fetches");
        };
        let token = AccessToken::fetched(SecretString::new("t"), None, t0, Some(600));
        start.permit.complete(
            TokenGrant::new(token).with_refresh_token(RefreshToken::new("r")),
            None,
        );
        let later = t0 + Duration::from_secs(590);
        let CacheLookup::Fetch(start) = cache.lookup(&(), later, MARGIN, None, None) else {
            panic!("a due token is fetched");
        };
        assert_eq!(
            start.refresh.map(|r| r.expose().to_owned()),
            Some("r".to_owned())
        );
    }
}
