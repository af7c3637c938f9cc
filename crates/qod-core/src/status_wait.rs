//! Waiting for a session or a QoS assignment to be decided (`AVAILABLE` or
//! `UNAVAILABLE`): a machine made of reading calls, so that a driver runs it
//! with the same loop as any call.

use std::time::{Duration, SystemTime};

use http::Response;
use qod_models::{AssignmentInfo, QosStatus, SessionInfo};

use crate::held::{Held, Lent};
use crate::{
    Call, CallOptions, ClientCore, Error, ErrorKind, Machine, Operation, Reading, Step,
    TransportError,
};

/// What a status wait reads: a QoS session or a QoS assignment, both
/// `REQUESTED` until the network decides.
pub trait Pollable: Sized {
    /// Whether the network has decided: the status is `AVAILABLE` or
    /// `UNAVAILABLE`. `REQUESTED`, and a status the spec does not name
    /// (which may be a server's own word for "not yet"), are not decisions:
    /// a wait goes on through them and never takes them for success.
    fn is_decided(&self) -> bool;

    /// This reading, for the error of a wait that ran out.
    fn into_reading(self) -> Reading;
}

impl Pollable for SessionInfo {
    fn is_decided(&self) -> bool {
        is_decision(&self.qos_status)
    }

    fn into_reading(self) -> Reading {
        Reading::Session(self)
    }
}

impl Pollable for AssignmentInfo {
    fn is_decided(&self) -> bool {
        is_decision(&self.status)
    }

    fn into_reading(self) -> Reading {
        Reading::Assignment(self)
    }
}

fn is_decision(status: &QosStatus) -> bool {
    matches!(status, QosStatus::Available | QosStatus::Unavailable)
}

/// Reads with `read` every `interval` until what is read is decided
/// ([`Pollable::is_decided`]) or the next reading would end after
/// `timeout`: then [`ErrorKind::WaitTimedOut`] with the last reading. Each
/// reading is a [`Call`] whose time limit is what is left of the wait, so no
/// retry or `Retry-After` inside it outlasts the wait. `on_poll` sees each
/// reading, e.g. to show progress.
///
/// A [`Machine`]: it yields the steps of the calls it makes, and a sleep
/// between them.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use qod_core::{ClientCore, Endpoint, Machine, StatusWait, Step};
/// use qod_core::operations::GetSessionOp;
///
/// let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1")?);
/// let read = GetSessionOp::new("123e4567-e89b-12d3-a456-426614174000".parse()?);
/// let t0 = SystemTime::UNIX_EPOCH;
/// let mut wait = StatusWait::new(&core, &read, Duration::from_secs(1), Duration::from_secs(10), t0, |_| {});
/// let reading = |status: &str| {
///     let body = format!(r#"{{"sessionId":"123e4567-e89b-12d3-a456-426614174000",
///         "qosProfile":"QOS_VC","duration":60,"qosStatus":"{status}"}}"#);
///     Ok(http::Response::builder().status(200).body(body.into_bytes()).unwrap())
/// };
/// assert!(matches!(wait.next_step(t0), Step::Send(_)));
/// wait.receive(reading("REQUESTED"), t0);
/// assert!(matches!(wait.next_step(t0), Step::Sleep(_)));
/// let later = t0 + Duration::from_secs(1);
/// assert!(matches!(wait.next_step(later), Step::Send(_)));
/// wait.receive(reading("AVAILABLE"), later);
/// assert!(matches!(wait.next_step(later), Step::Done(Ok(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StatusWait<'a, O: Operation, F> {
    core: Lent<'a, ClientCore>,
    read: Lent<'a, O>,
    started: SystemTime,
    interval: Duration,
    timeout: Duration,
    call: Option<Call<'a, O>>,
    on_poll: F,
    done: bool,
}

impl<O: Operation, F> std::fmt::Debug for StatusWait<'_, O, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusWait")
            .field("operation", &O::NAME)
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}

impl<'a, O, F> StatusWait<'a, O, F>
where
    O: Operation,
    O::Output: Pollable,
    F: FnMut(&O::Output),
{
    /// A wait started at `now` that reads with `read` through `core`.
    pub fn new(
        core: &'a ClientCore,
        read: &'a O,
        interval: Duration,
        timeout: Duration,
        now: SystemTime,
        on_poll: F,
    ) -> Self {
        let (core, read) = (Lent::Borrowed(core), Lent::Borrowed(read));
        StatusWait::held(core, read, interval, timeout, now, on_poll)
    }

    /// [`StatusWait::new`], however the core and the read are held.
    pub(crate) fn held(
        core: Lent<'a, ClientCore>,
        read: Lent<'a, O>,
        interval: Duration,
        timeout: Duration,
        now: SystemTime,
        on_poll: F,
    ) -> Self {
        StatusWait {
            core,
            read,
            started: now,
            interval,
            timeout,
            call: None,
            on_poll,
            done: false,
        }
    }

    fn waited(&self, now: SystemTime) -> Duration {
        now.duration_since(self.started).unwrap_or(Duration::ZERO)
    }

    /// What to do after a reading at `now`: stop, or read again after a sleep.
    fn after_reading(&mut self, reading: O::Output, now: SystemTime) -> Step<O::Output> {
        (self.on_poll)(&reading);
        if reading.is_decided() {
            self.done = true;
            return Step::Done(Ok(reading));
        }
        let waited = self.waited(now);
        if waited.saturating_add(self.interval) > self.timeout {
            self.done = true;
            let last = Box::new(reading.into_reading());
            return Step::Done(Err(ErrorKind::WaitTimedOut { waited, last }.into()));
        }
        Step::Sleep(self.interval)
    }
}

impl<O, F> Machine for StatusWait<'_, O, F>
where
    O: Operation,
    O::Output: Pollable,
    F: FnMut(&O::Output),
{
    type Output = O::Output;

    fn next_step(&mut self, now: SystemTime) -> Step<O::Output> {
        assert!(!self.done, "StatusWait::next_step after Step::Done");
        let time_left = self.timeout.saturating_sub(self.waited(now));
        let call = self.call.get_or_insert_with(|| {
            // A wait of no time (one reading) leaves its reading the policy's time.
            let options = match time_left.is_zero() {
                true => CallOptions::new(),
                false => CallOptions::new().with_time_limit(time_left),
            };
            Call::start(
                self.core.clone(),
                Held::Lent(self.read.clone()),
                &options,
                now,
            )
        });
        match call.next_step(now) {
            Step::Done(result) => {
                self.call = None;
                match result {
                    Ok(reading) => self.after_reading(reading, now),
                    Err(error) => {
                        self.done = true;
                        Step::Done(Err::<O::Output, Error>(error))
                    }
                }
            }
            other => other,
        }
    }

    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime) {
        match &mut self.call {
            Some(call) => call.receive(result, now),
            None => panic!("StatusWait::receive without a request out"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Endpoint;
    use crate::operations::GetSessionOp;

    fn answer(status: &str) -> Result<Response<Vec<u8>>, TransportError> {
        let body = format!(
            r#"{{"sessionId":"123e4567-e89b-12d3-a456-426614174000",
                "qosProfile":"QOS_VC","duration":60,"qosStatus":"{status}"}}"#
        );
        Response::builder()
            .status(200)
            .body(body.into_bytes())
            .map_err(|e| TransportError::new(crate::Delivery::Fatal, e.to_string()))
    }

    fn core() -> ClientCore {
        let endpoint = Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1");
        ClientCore::new(endpoint.unwrap_or_else(|e| panic!("{e}")))
    }

    fn read() -> GetSessionOp {
        GetSessionOp::new(
            "123e4567-e89b-12d3-a456-426614174000"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
        )
    }

    /// Runs `wait`, answering each read with `statuses` in turn (the last
    /// for ever), and returns the outcome and when it came.
    fn run<F: FnMut(&SessionInfo)>(
        mut wait: StatusWait<'_, GetSessionOp, F>,
        statuses: &[&str],
        t0: SystemTime,
    ) -> (Result<SessionInfo, Error>, SystemTime) {
        let mut now = t0;
        let mut reads = 0;
        loop {
            match wait.next_step(now) {
                Step::Send(_) => {
                    let status = statuses[reads.min(statuses.len() - 1)];
                    reads += 1;
                    wait.receive(answer(status), now);
                }
                Step::Sleep(delay) => now += delay,
                Step::WaitForToken { .. } => panic!("no token"),
                Step::Done(result) => return (result, now),
            }
        }
    }

    #[test]
    fn an_unknown_status_keeps_the_wait_going_and_never_ends_it_as_success() {
        let (core, read) = (core(), read());
        let t0 = SystemTime::UNIX_EPOCH;
        let (interval, timeout) = (Duration::from_secs(1), Duration::from_secs(5));
        for status in ["PENDING", "HACKED", "available", "", "REQUESTED"] {
            let wait = StatusWait::new(&core, &read, interval, timeout, t0, |_| {});
            let (result, ended) = run(wait, &[status], t0);
            let error = result
                .err()
                .unwrap_or_else(|| panic!("{status:?} ended the wait"));
            assert!(
                matches!(error.kind(), ErrorKind::WaitTimedOut { last, .. } if last.status() == status),
                "{error:?}"
            );
            assert_eq!(ended, t0 + Duration::from_secs(5), "{status:?}");
        }
        for status in ["AVAILABLE", "UNAVAILABLE"] {
            let wait = StatusWait::new(&core, &read, interval, timeout, t0, |_| {});
            let (result, ended) = run(wait, &["REQUESTED", "PENDING", status], t0);
            assert!(result.is_ok(), "{status}");
            assert_eq!(ended, t0 + Duration::from_secs(2));
        }
    }

    #[test]
    fn each_reading_is_seen_and_bounded_by_what_is_left_of_the_wait() {
        let (core, read) = (core(), read());
        let t0 = SystemTime::UNIX_EPOCH;
        let mut seen = Vec::new();
        let mut wait = StatusWait::new(
            &core,
            &read,
            Duration::from_secs(2),
            Duration::from_secs(7),
            t0,
            |info: &SessionInfo| seen.push(info.qos_status.clone()),
        );
        let mut now = t0;
        let mut limits = Vec::new();
        let result = loop {
            match wait.next_step(now) {
                Step::Send(request) => {
                    let limit = request.extensions().get::<crate::RequestTimeout>().copied();
                    limits.push(limit.map(|crate::RequestTimeout(left)| left));
                    wait.receive(answer("REQUESTED"), now);
                }
                Step::Sleep(delay) => now += delay,
                Step::WaitForToken { .. } => panic!("no token"),
                Step::Done(result) => break result,
            }
        };
        assert!(result.is_err());
        let secs = Duration::from_secs;
        assert_eq!(
            limits,
            [Some(secs(7)), Some(secs(5)), Some(secs(3)), Some(secs(1))]
        );
        assert_eq!(seen.len(), 4);
    }

    #[test]
    #[should_panic(expected = "after Step::Done")]
    fn asking_after_the_end_is_a_driver_bug() {
        let (core, read) = (core(), read());
        let t0 = SystemTime::UNIX_EPOCH;
        let mut wait = StatusWait::new(&core, &read, Duration::ZERO, Duration::ZERO, t0, |_| {});
        let _ = wait.next_step(t0);
        wait.receive(answer("AVAILABLE"), t0);
        let _ = wait.next_step(t0);
        let _ = wait.next_step(t0);
    }
}
