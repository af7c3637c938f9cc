//! The life sessions and assignments share: REQUESTED until the network
//! answers, then AVAILABLE (or refused), then UNAVAILABLE with a reason,
//! readable for the retention before it is gone.

use std::time::{Duration, SystemTime};

/// `qosStatus` (`status` for an assignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Requested,
    Available,
    Unavailable,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "REQUESTED",
            Status::Available => "AVAILABLE",
            Status::Unavailable => "UNAVAILABLE",
        }
    }
}

/// `statusInfo`: why it is UNAVAILABLE (or, for an assignment whose revoke
/// is pending, is going to be).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EndReason {
    DurationExpired,
    NetworkTerminated,
    DeleteRequested,
}

impl EndReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EndReason::DurationExpired => "DURATION_EXPIRED",
            EndReason::NetworkTerminated => "NETWORK_TERMINATED",
            EndReason::DeleteRequested => "DELETE_REQUESTED",
        }
    }
}

/// A status change to notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Transition {
    pub(crate) status: Status,
    pub(crate) reason: Option<EndReason>,
}

impl Transition {
    pub(crate) const AVAILABLE: Transition = Transition {
        status: Status::Available,
        reason: None,
    };

    pub(crate) fn ended(reason: EndReason) -> Transition {
        Transition {
            status: Status::Unavailable,
            reason: Some(reason),
        }
    }
}

/// Where a session or an assignment is in its life, and when.
#[derive(Debug, Clone)]
pub(crate) struct Life {
    pub(crate) created_at: SystemTime,
    /// When the network answers the request.
    available_at: SystemTime,
    /// Whether the network then refuses it (`NETWORK_TERMINATED`).
    refused: bool,
    pub(crate) status: Status,
    pub(crate) reason: Option<EndReason>,
    pub(crate) started_at: Option<SystemTime>,
    pub(crate) ended_at: Option<SystemTime>,
}

impl Life {
    pub(crate) fn new(now: SystemTime, available_at: SystemTime, refused: bool) -> Life {
        Life {
            created_at: now,
            available_at,
            refused,
            status: Status::Requested,
            reason: None,
            started_at: None,
            ended_at: None,
        }
    }

    /// Whether it holds (or waits for) network resources.
    pub(crate) fn is_active(&self) -> bool {
        matches!(self.status, Status::Requested | Status::Available)
    }

    /// The network's answer once it is due: AVAILABLE from `available_at`,
    /// or, refused, UNAVAILABLE with `NETWORK_TERMINATED` then. Nothing
    /// before, nor once answered.
    pub(crate) fn answer(&mut self, now: SystemTime) -> Option<Transition> {
        if self.status != Status::Requested || now < self.available_at {
            return None;
        }
        if self.refused {
            return Some(self.end(self.available_at, EndReason::NetworkTerminated));
        }
        self.status = Status::Available;
        self.started_at = Some(self.available_at);
        Some(Transition::AVAILABLE)
    }

    /// Ends it at `at`: the change to notify.
    pub(crate) fn end(&mut self, at: SystemTime, reason: EndReason) -> Transition {
        self.status = Status::Unavailable;
        self.reason = Some(reason);
        self.ended_at = Some(at);
        Transition::ended(reason)
    }

    /// When something happens to it next: the network answers, whatever an
    /// AVAILABLE one waits for (`while_available`: its expiry, a pending
    /// revoke, or nothing), or, once ended and kept for `retain`, it is gone.
    pub(crate) fn next_due(
        &self,
        retain: Duration,
        while_available: Option<SystemTime>,
    ) -> Option<SystemTime> {
        match self.status {
            Status::Requested => Some(self.available_at),
            Status::Available => while_available,
            Status::Unavailable => Some(self.ended_at.unwrap_or(self.created_at) + retain),
        }
    }

    /// Whether it ended and has been kept long enough.
    pub(crate) fn is_gone(&self, now: SystemTime, retain: Duration) -> bool {
        self.ended_at.is_some_and(|ended| now >= ended + retain)
    }
}
