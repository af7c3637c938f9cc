//! What a session keeper tells as it goes, and how it ends.

use std::fmt;
use std::time::Duration;

use qod_models::{SessionId, SessionInfo, StatusInfo};

use crate::Error;

/// Something the keeper did or saw, in the order it happened. Each has a
/// one-line `Display`, e.g. for a command's stderr.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeeperEvent {
    /// The start-up sweep deleted a session left behind.
    Swept(SessionId),
    /// The start-up sweep kept a session left behind instead of creating one.
    Adopted(Box<SessionInfo>),
    /// A session was created.
    Created(Box<SessionInfo>),
    /// The session's status changed (a reading or a notification).
    StatusChanged(Box<SessionInfo>),
    /// The session was extended.
    Extended(Box<SessionInfo>),
    /// The session has reached the profile's `maxDuration`: it can no
    /// longer be extended, and is replaced by a new one before it expires.
    LimitReached {
        /// The session.
        session_id: SessionId,
        /// The limit, in seconds.
        max_duration: u32,
    },
    /// The QoS was lost, or is about to be at the limit; the keeper creates
    /// again after `retry_in`.
    Outage {
        /// The session lost, when it had one.
        session_id: Option<SessionId>,
        /// Why.
        reason: OutageReason,
        /// Re-creates so far, this one included.
        attempt: u32,
        /// How long until the next create.
        retry_in: Duration,
    },
    /// A session was deleted.
    Deleted(SessionId),
    /// A call failed and the keeper goes on (a reading, an extension, the
    /// profile, the sweep): what it was doing and the error.
    Trouble {
        /// What the keeper was doing.
        doing: &'static str,
        /// The error.
        error: Error,
    },
}

/// Why the keeper lost its session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutageReason {
    /// The session is `UNAVAILABLE`, with the reason the server gave.
    Unavailable(Option<StatusInfo>),
    /// The session is gone (404): it expired and was removed.
    Gone,
    /// The session reached `maxDuration` and is replaced.
    LimitReached,
    /// A create (again) failed.
    CreateFailed,
}

impl fmt::Display for OutageReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutageReason::Unavailable(Some(info)) => write!(f, "UNAVAILABLE ({info})"),
            OutageReason::Unavailable(None) => f.write_str("UNAVAILABLE"),
            OutageReason::Gone => f.write_str("gone"),
            OutageReason::LimitReached => f.write_str("at maxDuration"),
            OutageReason::CreateFailed => f.write_str("create failed"),
        }
    }
}

fn status_line(f: &mut fmt::Formatter<'_>, verb: &str, info: &SessionInfo) -> fmt::Result {
    write!(f, "session {} {verb} {}", info.session_id, info.qos_status)?;
    if let Some(reason) = &info.status_info {
        write!(f, " ({reason})")?;
    }
    write!(f, ", duration {} s", info.duration)?;
    if let Some(expires) = &info.expires_at {
        write!(f, ", expires {expires}")?;
    }
    Ok(())
}

impl fmt::Display for KeeperEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeeperEvent::Swept(id) => write!(f, "session {id} left behind: deleted"),
            KeeperEvent::Adopted(info) => status_line(f, "left behind, adopted:", info),
            KeeperEvent::Created(info) => status_line(f, "created:", info),
            KeeperEvent::StatusChanged(info) => status_line(f, "is", info),
            KeeperEvent::Extended(info) => status_line(f, "extended:", info),
            KeeperEvent::LimitReached {
                session_id,
                max_duration,
            } => write!(
                f,
                "session {session_id} reached the profile's maxDuration ({max_duration} s)"
            ),
            KeeperEvent::Outage {
                session_id,
                reason,
                attempt,
                retry_in,
            } => {
                match session_id {
                    Some(id) => write!(f, "session {id} {reason}")?,
                    None => write!(f, "{reason}")?,
                }
                write!(
                    f,
                    ": creating again (re-create {attempt}) in {:.1} s",
                    retry_in.as_secs_f64()
                )
            }
            KeeperEvent::Deleted(id) => write!(f, "session {id} deleted"),
            KeeperEvent::Trouble { doing, error } => write!(f, "{doing} failed: {error}"),
        }
    }
}

/// How a hold ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeeperEnd {
    /// The keeper was told to stop.
    Stopped,
    /// The hold reached [`super::KeeperSettings::with_max_total`].
    MaxTotalReached,
}

/// What a hold did, at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeeperReport {
    /// How it ended.
    pub ended: KeeperEnd,
    /// Sessions created (adopted ones not counted).
    pub creates: u32,
    /// Extensions the server granted.
    pub extends: u32,
    /// Sessions deleted, swept ones included.
    pub deletes: u32,
    /// Re-creates after an outage or at the limit.
    pub recreates: u32,
    /// The last session held, if any.
    pub last_session: Option<SessionId>,
}
