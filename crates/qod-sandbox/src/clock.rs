//! The sandbox's sense of time: the system clock, or a manual one for tests.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// What the sandbox reads the time from. Session lifecycles follow it.
pub trait SandboxClock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl SandboxClock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told, starting at the real time (so PoP
/// tokens signed with the real time still verify).
///
/// ```
/// use qod_sandbox::{ManualClock, SandboxClock};
/// let clock = ManualClock::starting_now();
/// let t0 = clock.now();
/// clock.advance(std::time::Duration::from_secs(90));
/// assert_eq!(clock.now().duration_since(t0).unwrap().as_secs(), 90);
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
}

impl ManualClock {
    /// A clock at the current real time.
    pub fn starting_now() -> Self {
        ManualClock {
            now: Mutex::new(SystemTime::now()),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }
}

impl SandboxClock for ManualClock {
    fn now(&self) -> SystemTime {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
