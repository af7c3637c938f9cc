//! The clock of a tokio program.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// The system clock, sleeping with `tokio::time::sleep`: waits never block a
/// thread of the runtime.
///
/// Its sleeps must be awaited inside a tokio runtime with time enabled (any
/// runtime reqwest runs on: `#[tokio::main]` enables it).
///
/// ```
/// use std::time::Duration;
/// use qod_core::AsyncClock;
/// use qod_reqwest::TokioClock;
///
/// # tokio_test();
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn tokio_test() {
/// let before = TokioClock.now();
/// TokioClock.sleep(Duration::from_millis(1)).await;
/// assert!(TokioClock.now() > before);
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl qod_core::AsyncClock for TokioClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}
