//! Polling a session until it leaves `REQUESTED`: the decisions, not the waiting.

use std::time::{Duration, SystemTime};

use qod_models::{QosStatus, SessionInfo};

use crate::Error;

/// What to do after one reading of a session.
///
/// Exhaustive on purpose, like [`crate::Step`]: a driver must handle every case.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one step at a time, moved once
pub enum WaitStep {
    /// Stop with this: the session left `REQUESTED`, or the time ran out.
    Done(Result<SessionInfo, Error>),
    /// Read the session again after this delay.
    PollAgainAfter(Duration),
}

/// The rules of `wait_for_session`: poll every `interval` until the
/// session is no longer `REQUESTED` (it became `AVAILABLE` or
/// `UNAVAILABLE`) or the next poll would end after `timeout`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use qod_core::{SessionWait, WaitStep};
/// use qod_core::models::SessionInfo;
///
/// let t0 = SystemTime::UNIX_EPOCH;
/// let wait = SessionWait::new(t0, Duration::from_secs(1), Duration::from_secs(10));
/// let requested: SessionInfo = serde_json::from_str(r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000",
///     "qosProfile":"QOS_VC","duration":60,"qosStatus":"REQUESTED"}"#)?;
/// assert!(matches!(wait.after_reading(requested.clone(), t0), WaitStep::PollAgainAfter(_)));
/// let late = t0 + Duration::from_secs(10);
/// assert!(matches!(wait.after_reading(requested, late), WaitStep::Done(Err(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SessionWait {
    started: SystemTime,
    interval: Duration,
    timeout: Duration,
}

impl SessionWait {
    /// A wait that started at `now`.
    pub fn new(now: SystemTime, interval: Duration, timeout: Duration) -> Self {
        SessionWait {
            started: now,
            interval,
            timeout,
        }
    }

    /// Decides after reading `info` at `now`.
    pub fn after_reading(&self, info: SessionInfo, now: SystemTime) -> WaitStep {
        if info.qos_status != QosStatus::Requested {
            return WaitStep::Done(Ok(info));
        }
        let waited = now.duration_since(self.started).unwrap_or(Duration::ZERO);
        if waited.saturating_add(self.interval) > self.timeout {
            return WaitStep::Done(Err(Error::WaitTimedOut {
                waited,
                last: Box::new(info),
            }));
        }
        WaitStep::PollAgainAfter(self.interval)
    }
}
