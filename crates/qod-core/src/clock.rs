//! Time and randomness, injected so that tests and other runtimes control them.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::{Duration, SystemTime};

use uuid::Uuid;

use crate::auth::TokenWait;

/// How often the default [`Clock::wait_for_token`] looks again.
const TOKEN_POLL_INTERVAL: Duration = Duration::from_millis(1);

/// The wall clock and every way the blocking [`crate::Client`] waits.
///
/// The core never sleeps or blocks by itself: a blocking client gets a clock
/// that parks the thread (`qod::StdClock`), a test gets one that only advances.
///
/// ```
/// use std::sync::Mutex;
/// use std::time::{Duration, SystemTime};
/// use qod_core::Clock;
///
/// /// A clock that moves only when slept on.
/// struct ManualClock(Mutex<SystemTime>);
/// impl Clock for ManualClock {
///     fn now(&self) -> SystemTime { *self.0.lock().unwrap() }
///     fn sleep(&self, duration: Duration) { *self.0.lock().unwrap() += duration; }
/// }
/// let clock = ManualClock(Mutex::new(SystemTime::UNIX_EPOCH));
/// clock.sleep(Duration::from_secs(5));
/// assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(5));
/// ```
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);

    /// Waits until another caller's token fetch has ended, or `at_most`
    /// has passed, whichever comes first.
    ///
    /// The default looks again every millisecond through [`Clock::sleep`],
    /// which suits test clocks; a real clock should block until `wait` is
    /// woken (it is a `Future`), as `qod::StdClock` does.
    fn wait_for_token(&self, mut wait: TokenWait, at_most: Duration) {
        let mut context = Context::from_waker(Waker::noop());
        let mut waited = Duration::ZERO;
        while waited < at_most && Pin::new(&mut wait).poll(&mut context).is_pending() {
            let step = TOKEN_POLL_INTERVAL.min(at_most - waited);
            self.sleep(step);
            waited += step;
        }
    }
}

/// The wall clock and the sleep of an async runtime, for [`crate::AsyncClient`].
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::time::{Duration, SystemTime};
/// use qod_core::AsyncClock;
///
/// /// A clock for tests: time stands still and sleeping ends at once.
/// struct Frozen;
/// impl AsyncClock for Frozen {
///     fn now(&self) -> SystemTime { SystemTime::UNIX_EPOCH }
///     fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> { Box::pin(async {}) }
/// }
/// ```
pub trait AsyncClock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
    /// A future that resolves after `duration`, without blocking a thread.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Where fresh UUIDs (correlators, PoP `jti`) and retry jitter come from.
pub trait IdSource: Send + Sync {
    /// A fresh version-4 UUID.
    fn next_uuid(&self) -> Uuid;
}

/// Random version-4 UUIDs from the operating system's generator.
///
/// Panics if the operating system cannot give random bytes, as uuid's own
/// `Uuid::new_v4` does: there is no fresh id to give then.
///
/// ```
/// use qod_core::{IdSource, RandomIds};
/// let (a, b) = (RandomIds.next_uuid(), RandomIds.next_uuid());
/// assert_eq!(a.get_version_num(), 4);
/// assert_ne!(a, b);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&self) -> Uuid {
        let mut bytes = [0_u8; 16];
        #[allow(clippy::expect_used)] // the OS's generator, not outside input
        getrandom::getrandom(&mut bytes).expect("the operating system gave no random bytes");
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}
