//! The clock of a blocking program.

use std::time::{Duration, SystemTime};

/// The system clock; sleeping blocks the calling thread.
///
/// ```
/// use qod::{Clock, StdClock};
/// let before = StdClock.now();
/// StdClock.sleep(std::time::Duration::from_millis(1));
/// assert!(StdClock.now() > before);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct StdClock;

impl qod_core::Clock for StdClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}
