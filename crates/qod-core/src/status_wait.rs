//! Polling a session or a QoS assignment until it leaves `REQUESTED`: the
//! decisions, not the waiting.

use std::time::{Duration, SystemTime};

use qod_models::{AssignmentInfo, QosStatus, SessionInfo};

use crate::Error;

/// What a status wait reads: a QoS session or a QoS assignment, both
/// `REQUESTED` until the network decides.
pub trait Pollable: Sized {
    /// Whether the network has not decided yet: the status is `REQUESTED`.
    fn is_requested(&self) -> bool;

    /// The error of a wait that ran out after `waited`, `self` its last reading.
    fn wait_timed_out(self, waited: Duration) -> Error;
}

impl Pollable for SessionInfo {
    fn is_requested(&self) -> bool {
        self.qos_status == QosStatus::Requested
    }

    fn wait_timed_out(self, waited: Duration) -> Error {
        Error::WaitTimedOut {
            waited,
            last: Box::new(self),
        }
    }
}

impl Pollable for AssignmentInfo {
    fn is_requested(&self) -> bool {
        self.status == QosStatus::Requested
    }

    fn wait_timed_out(self, waited: Duration) -> Error {
        Error::AssignmentWaitTimedOut {
            waited,
            last: Box::new(self),
        }
    }
}

/// What to do after one reading of a session (`T`'s default) or an assignment.
///
/// Exhaustive on purpose, like [`crate::Step`]: a driver must handle every case.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one step at a time, moved once
pub enum WaitStep<T = SessionInfo> {
    /// Stop with this: it left `REQUESTED`, or the time ran out.
    Done(Result<T, Error>),
    /// Read it again after this delay.
    PollAgainAfter(Duration),
}

/// The rules of `wait_for_session` and `wait_for_assignment`: poll every
/// `interval` until what is read is no longer `REQUESTED` (it became
/// `AVAILABLE` or `UNAVAILABLE`) or the next poll would end after `timeout`.
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
        if !info.is_requested() {
            return WaitStep::Done(Ok(info));
        }
        let waited = now.duration_since(self.started).unwrap_or(Duration::ZERO);
        if waited.saturating_add(self.interval) > self.timeout {
            return WaitStep::Done(Err(info.wait_timed_out(waited)));
        }
        WaitStep::PollAgainAfter(self.interval)
    }
}
