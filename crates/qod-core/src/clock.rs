//! Time and randomness, injected so that tests and other runtimes control them.

use std::time::{Duration, SystemTime};

use uuid::Uuid;

/// The wall clock and the only way the core waits.
///
/// The core never sleeps by itself: a blocking client gets a clock that
/// sleeps the thread (`qod::StdClock`), a test gets one that only advances.
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
}

/// Where fresh UUIDs (correlators, PoP `jti`) and retry jitter come from.
pub trait IdSource: Send + Sync {
    /// A fresh version-4 UUID.
    fn next_uuid(&self) -> Uuid;
}

/// Random version-4 UUIDs from the operating system's generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&self) -> Uuid {
        Uuid::new_v4()
    }
}
