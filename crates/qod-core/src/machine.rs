//! What every driver runs: a machine that says what to do next and is
//! handed the time and each response. A call ([`crate::Call`]) is one; a
//! status wait ([`crate::StatusWait`]) is another, made of calls.

use std::time::{Duration, SystemTime};

use http::{Request, Response};

use crate::auth::TokenWait;
use crate::{Error, TransportError};

/// What a driver must do next for a [`Machine`].
///
/// Deliberately exhaustive: a driver that met a step it does not know could
/// only guess, so a new step is a breaking change by design.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one step at a time, moved once
pub enum Step<T> {
    /// Send this request and hand the outcome to [`Machine::receive`].
    Send(Request<Vec<u8>>),
    /// Wait this long, then ask again with [`Machine::next_step`].
    Sleep(Duration),
    /// Another call of this client is fetching the token: wait until that
    /// fetch ends (`wait` resolves) or `at_most` has passed, whichever comes
    /// first, then ask again. `at_most` is what is left of this call's time:
    /// a call never waits past its own limit for another call's fetch.
    WaitForToken {
        /// Resolves when the fetch has ended, well or badly.
        wait: TokenWait,
        /// The longest this call may wait.
        at_most: Duration,
    },
    /// It is over.
    Done(Result<T, Error>),
}

/// A multi-step exchange with the server, driven by [`Step`]s: the one
/// thing a driver runs. The driver knows nothing of what the machine does;
/// it sends, sleeps and waits as told and hands back what came of it.
///
/// Every driver is this loop, in its own way of sending and waiting:
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use qod_core::{Error, Machine, Step};
///
/// /// `sleep` is your runtime's timer; the transport here answers 204.
/// fn run<M: Machine>(mut machine: M, sleep: impl Fn(Duration)) -> Result<M::Output, Error> {
///     loop {
///         match machine.next_step(SystemTime::now()) {
///             Step::Send(_request) => {
///                 let answer = Ok(http::Response::builder().status(204).body(Vec::new()).unwrap());
///                 machine.receive(answer, SystemTime::now());
///             }
///             Step::Sleep(delay) => sleep(delay),
///             // A real driver waits for `wait` (a Future) for at most `at_most`.
///             Step::WaitForToken { wait: _, at_most } => sleep(at_most.min(Duration::from_millis(1))),
///             Step::Done(result) => return result,
///         }
///     }
/// }
/// ```
pub trait Machine {
    /// What it ends with.
    type Output;

    /// What to do next at `now`.
    ///
    /// # Panics
    ///
    /// If called while the request of the last [`Step::Send`] is out
    /// ([`Machine::receive`] comes first), or after [`Step::Done`]: both are
    /// bugs of the driver, never conditions an application meets.
    fn next_step(&mut self, now: SystemTime) -> Step<Self::Output>;

    /// Hands over what came of the request of the last [`Step::Send`], at `now`.
    ///
    /// # Panics
    ///
    /// If no request is out.
    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime);
}
