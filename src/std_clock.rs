//! The clock of a blocking program.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant, SystemTime};

use qod_core::auth::TokenWait;

/// The system clock; sleeping and waiting block the calling thread.
///
/// ```
/// use qod::StdClock;
/// use qod::core::Clock;
/// let before = StdClock.now();
/// StdClock.sleep(std::time::Duration::from_millis(1));
/// assert!(StdClock.now() > before);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct StdClock;

/// Wakes a parked thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

impl qod_core::Clock for StdClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }

    /// Parks the thread until the fetch under way ends, or `at_most` has passed.
    fn wait_for_token(&self, mut wait: TokenWait, at_most: Duration) {
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut context = Context::from_waker(&waker);
        let deadline = Instant::now().checked_add(at_most);
        // Parking may end spuriously: poll again until the fetch has ended.
        while Pin::new(&mut wait).poll(&mut context).is_pending() {
            match deadline {
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => std::thread::park_timeout(left),
                    _ => return,
                },
                None => std::thread::park(),
            }
        }
    }
}
