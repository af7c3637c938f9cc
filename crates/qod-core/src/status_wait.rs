//! Polling a session or a QoS assignment until the network has decided
//! (`AVAILABLE` or `UNAVAILABLE`): the decisions, not the waiting.

use std::time::{Duration, SystemTime};

use qod_models::{AssignmentInfo, QosStatus, SessionInfo};

use crate::Error;

/// What a status wait reads: a QoS session or a QoS assignment, both
/// `REQUESTED` until the network decides.
pub trait Pollable: Sized {
    /// Whether the network has decided: the status is `AVAILABLE` or
    /// `UNAVAILABLE`. `REQUESTED`, and a status the spec does not name
    /// (which may be a server's own word for "not yet"), are not decisions:
    /// a wait goes on through them and never takes them for success.
    fn is_decided(&self) -> bool;

    /// The error of a wait that ran out after `waited`, `self` its last reading.
    fn wait_timed_out(self, waited: Duration) -> Error;
}

impl Pollable for SessionInfo {
    fn is_decided(&self) -> bool {
        is_decision(&self.qos_status)
    }

    fn wait_timed_out(self, waited: Duration) -> Error {
        Error::WaitTimedOut {
            waited,
            last: Box::new(self),
        }
    }
}

impl Pollable for AssignmentInfo {
    fn is_decided(&self) -> bool {
        is_decision(&self.status)
    }

    fn wait_timed_out(self, waited: Duration) -> Error {
        Error::AssignmentWaitTimedOut {
            waited,
            last: Box::new(self),
        }
    }
}

fn is_decision(status: &QosStatus) -> bool {
    matches!(status, QosStatus::Available | QosStatus::Unavailable)
}

/// What to do after one reading of a session (`T`'s default) or an assignment.
///
/// Exhaustive on purpose, like [`crate::Step`]: a driver must handle every case.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one step at a time, moved once
pub enum WaitStep<T = SessionInfo> {
    /// Stop with this: the network decided, or the time ran out.
    Done(Result<T, Error>),
    /// Read it again after this delay.
    PollAgainAfter(Duration),
}

/// The rules of `wait_for_session` and `wait_for_assignment`: poll every
/// `interval` until what is read is `AVAILABLE` or `UNAVAILABLE`, or the
/// next poll would end after `timeout`. A status the spec does not name
/// keeps the wait going, as `REQUESTED` does.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use qod_core::{StatusWait, WaitStep};
/// use qod_core::models::{AssignmentInfo, SessionInfo};
///
/// let t0 = SystemTime::UNIX_EPOCH;
/// let wait = StatusWait::new(t0, Duration::from_secs(1), Duration::from_secs(10));
/// let requested: SessionInfo = serde_json::from_str(r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000",
///     "qosProfile":"QOS_VC","duration":60,"qosStatus":"REQUESTED"}"#)?;
/// assert!(matches!(wait.after_reading(requested.clone(), t0), WaitStep::PollAgainAfter(_)));
/// let late = t0 + Duration::from_secs(10);
/// assert!(matches!(wait.after_reading(requested, late), WaitStep::Done(Err(_))));
///
/// let available: AssignmentInfo = serde_json::from_str(r#"{"assignmentId":"3fa85f64-5717-4562-b3fc-2c963f66afa6",
///     "qosProfile":"QOS_L","status":"AVAILABLE"}"#)?;
/// assert!(matches!(wait.after_reading(available, t0), WaitStep::Done(Ok(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StatusWait {
    started: SystemTime,
    interval: Duration,
    timeout: Duration,
}

impl StatusWait {
    /// A wait that started at `now`.
    pub fn new(now: SystemTime, interval: Duration, timeout: Duration) -> Self {
        StatusWait {
            started: now,
            interval,
            timeout,
        }
    }

    /// Decides after reading `info` at `now`.
    pub fn after_reading<T: Pollable>(&self, info: T, now: SystemTime) -> WaitStep<T> {
        if info.is_decided() {
            return WaitStep::Done(Ok(info));
        }
        let waited = now.duration_since(self.started).unwrap_or(Duration::ZERO);
        if waited.saturating_add(self.interval) > self.timeout {
            return WaitStep::Done(Err(info.wait_timed_out(waited)));
        }
        WaitStep::PollAgainAfter(self.interval)
    }

    /// What is left of the wait at `now`: the time limit of the next
    /// reading, so that no retry inside it outlasts the wait.
    pub fn time_left(&self, now: SystemTime) -> Duration {
        let waited = now.duration_since(self.started).unwrap_or(Duration::ZERO);
        self.timeout.saturating_sub(waited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(status: &str) -> SessionInfo {
        serde_json::from_value(serde_json::json!({
            "sessionId": "123e4567-e89b-12d3-a456-426614174000",
            "qosProfile": "QOS_VC", "duration": 60, "qosStatus": status,
        }))
        .unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn an_unknown_status_keeps_the_wait_going_and_never_ends_it_as_success() {
        let t0 = SystemTime::UNIX_EPOCH;
        let wait = StatusWait::new(t0, Duration::from_secs(1), Duration::from_secs(5));
        for status in ["PENDING", "HACKED", "available", ""] {
            assert!(
                matches!(
                    wait.after_reading(session(status), t0),
                    WaitStep::PollAgainAfter(_)
                ),
                "{status:?} ended the wait"
            );
            let late = t0 + Duration::from_secs(5);
            assert!(matches!(
                wait.after_reading(session(status), late),
                WaitStep::Done(Err(Error::WaitTimedOut { .. }))
            ));
        }
        for status in ["AVAILABLE", "UNAVAILABLE"] {
            assert!(matches!(
                wait.after_reading(session(status), t0),
                WaitStep::Done(Ok(_))
            ));
        }
    }

    #[test]
    fn time_left_counts_down_to_zero() {
        let t0 = SystemTime::UNIX_EPOCH;
        let wait = StatusWait::new(t0, Duration::from_secs(1), Duration::from_secs(5));
        assert_eq!(
            wait.time_left(t0 + Duration::from_secs(2)),
            Duration::from_secs(3)
        );
        assert_eq!(wait.time_left(t0 + Duration::from_secs(9)), Duration::ZERO);
    }
}
