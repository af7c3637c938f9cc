//! Waiting for the token another call is fetching, without holding the GIL
//! (threads) or blocking the event loop (asyncio).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use qod_core::auth::TokenWait;

/// The end of another call's token fetch, to wait for: `block` in a thread,
/// `notify` under asyncio. A waiter waits once.
#[pyclass(module = "qod._native")]
pub struct TokenWaiter {
    wait: Option<TokenWait>,
}

impl TokenWaiter {
    pub(crate) fn new(wait: TokenWait) -> Self {
        TokenWaiter { wait: Some(wait) }
    }
}

/// Wakes the thread that blocks on a fetch.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Wakes an asyncio task from whatever thread ends the fetch: the event
/// loop runs `callback(future)`, which sets the future's result unless it
/// is already done (a cancelled or timed-out wait).
struct CallSoon {
    event_loop: Py<PyAny>,
    callback: Py<PyAny>,
    future: Py<PyAny>,
}

impl Wake for CallSoon {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        Python::with_gil(|py| {
            let scheduled = self.event_loop.call_method1(
                py,
                "call_soon_threadsafe",
                (self.callback.clone_ref(py), self.future.clone_ref(py)),
            );
            // A closed loop has nobody left to wake.
            if let Err(error) = scheduled {
                error.write_unraisable(py, None);
            }
        });
    }
}

impl TokenWaiter {
    fn poll_with(&mut self, waker: &Waker) -> bool {
        let Some(wait) = self.wait.as_mut() else {
            return true;
        };
        let mut context = Context::from_waker(waker);
        match Pin::new(wait).poll(&mut context) {
            Poll::Ready(()) => {
                self.wait = None;
                true
            }
            Poll::Pending => false,
        }
    }
}

#[pymethods]
impl TokenWaiter {
    /// Blocks this thread, without the GIL, until the fetch has ended or
    /// `at_most` seconds have passed.
    fn block(&mut self, py: Python<'_>, at_most: f64) {
        let limit = Duration::try_from_secs_f64(at_most.max(0.0)).unwrap_or(Duration::ZERO);
        py.allow_threads(|| {
            let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
            let deadline = Instant::now() + limit;
            while !self.poll_with(&waker) {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return;
                }
                std::thread::park_timeout(left);
            }
        });
    }

    /// Asks to be told on `event_loop` when the fetch ends: it will call
    /// `callback(future)` with `call_soon_threadsafe`. Returns whether the
    /// fetch has ended already (then nothing will be called).
    fn notify(&mut self, event_loop: Py<PyAny>, future: Py<PyAny>, callback: Py<PyAny>) -> bool {
        let waker = Waker::from(Arc::new(CallSoon {
            event_loop,
            callback,
            future,
        }));
        self.poll_with(&waker)
    }
}
