//! The clock of a blocking program.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, SystemTime};

use qod_core::auth::TokenWait;

/// The system clock; sleeping and waiting block the calling thread.
///
/// ```
/// use qod::{Clock, StdClock};
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

    /// Parks the thread until the fetch under way ends.
    fn wait_for_token(&self, mut wait: TokenWait) {
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut context = Context::from_waker(&waker);
        // Parking may end spuriously: poll again until the fetch has ended.
        while Pin::new(&mut wait).poll(&mut context).is_pending() {
            std::thread::park();
        }
    }
}
