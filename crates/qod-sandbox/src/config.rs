//! How a sandbox is set up.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::mode::SandboxAuth;
use crate::clock::{SandboxClock, SystemClock};

/// Faults injected into API answers, for resilience tests. Off by default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Added to every API answer.
    pub latency: Duration,
    /// Share of API calls answered 429 with `Retry-After`.
    pub share_429: f64,
    /// Share of API calls answered 503.
    pub share_503: f64,
    /// Share of API calls whose connection is closed without an answer,
    /// after the request was read.
    pub share_dropped: f64,
    /// The `Retry-After` seconds sent with a 429.
    pub retry_after_seconds: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency: Duration::ZERO,
            share_429: 0.0,
            share_503: 0.0,
            share_dropped: 0.0,
            retry_after_seconds: 1,
        }
    }
}

/// Everything about a sandbox.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub address: String,
    /// How long a session (or a QoS assignment) stays `REQUESTED` before it
    /// becomes `AVAILABLE`.
    /// QoD 1.x sessions always start `REQUESTED`, even with zero; under
    /// `/qod/v0` this applies only with [`v0_requested_phase`](Self::v0_requested_phase).
    pub available_after: Duration,
    /// Whether 0.10.1 sessions (T-Mobile's flavour) start `REQUESTED` and
    /// become `AVAILABLE` after [`available_after`](Self::available_after),
    /// to exercise polling and notifications. By default (`false`) they are
    /// `AVAILABLE` in the answer to the create, as T-Mobile documents.
    pub v0_requested_phase: bool,
    /// Whether QoS Provisioning revokes asynchronously, and how long they
    /// take. `None` (the default): a revoke is done at once and answered
    /// 204. `Some(delay)`: the revoke of an AVAILABLE assignment is answered
    /// 202 with the assignment, still AVAILABLE, with `statusInfo`
    /// `DELETE_REQUESTED` (a second revoke meanwhile is answered the same);
    /// after `delay` it becomes UNAVAILABLE and its sink, if any, gets the
    /// status-changed event. Until then it still holds its device (a create
    /// for the device is answered 409). Other assignments are revoked at
    /// once (204), as they have no service to take down.
    ///
    /// ```
    /// use std::time::Duration;
    /// let config = qod_sandbox::SandboxConfig {
    ///     async_revoke_after: Some(Duration::from_secs(2)),
    ///     ..qod_sandbox::SandboxConfig::default()
    /// };
    /// assert_eq!(qod_sandbox::SandboxConfig::default().async_revoke_after, None);
    /// # drop(config);
    /// ```
    pub async_revoke_after: Option<Duration>,
    /// How long an ended session (or a revoked or refused QoS assignment)
    /// stays readable before it is gone (404).
    pub retain_ended_for: Duration,
    /// The most sessions stored at once, ended ones included until
    /// [`retain_ended_for`](Self::retain_ended_for) has passed; a create
    /// beyond it is answered 429 `QUOTA_EXCEEDED`. QoS assignments have a
    /// bound of their own of the same size.
    pub max_sessions: usize,
    /// Who may call.
    pub auth: SandboxAuth,
    /// How long issued tokens live.
    pub token_lifetime: Duration,
    /// Injected faults.
    pub faults: Faults,
    /// The clock sessions follow.
    pub clock: Arc<dyn SandboxClock>,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's head, counted from
    /// the accept or from the end of the previous answer (so it also closes
    /// keep-alive connections left idle that long), and then its body.
    pub header_read_timeout: Duration,
    /// How long a connection may stay with no byte moving either way in
    /// the middle of an exchange (a body that stops coming, an answer the
    /// client stops reading) before it is closed.
    pub idle_timeout: Duration,
    /// Profiles whose `maxDuration` is overridden, in seconds: what the QoS
    /// Profiles API (and 0.10.1's `/qos-profiles`) then answers, what a
    /// create may ask for at most (beyond it: 400 `OUT_OF_RANGE` under
    /// `/qod/v0`, 400 `QUALITY_ON_DEMAND.DURATION_OUT_OF_RANGE` under 1.x),
    /// and, under 1.x, what an extend caps the overall duration at, so that
    /// tests can reach the limit in seconds. (An extend under `/qod/v0`
    /// follows 0.10.1's own rule, which knows no profile maximum: the
    /// remaining duration is capped at 86 400 s.) Empty by default. A name no profile has,
    /// or seconds below the profile's `minDuration`, is refused by
    /// [`Sandbox::start`](crate::Sandbox::start); the last entry for a
    /// profile wins.
    ///
    /// ```
    /// let sandbox = qod_sandbox::Sandbox::start(qod_sandbox::SandboxConfig {
    ///     max_durations: vec![("QOS_E".to_owned(), 5)],
    ///     ..qod_sandbox::SandboxConfig::default()
    /// })
    /// .unwrap();
    /// # drop(sandbox);
    /// ```
    pub max_durations: Vec<(String, u32)>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            address: "127.0.0.1:0".to_owned(),
            available_after: Duration::from_millis(500),
            v0_requested_phase: false,
            async_revoke_after: None,
            retain_ended_for: Duration::from_secs(360),
            max_sessions: 100_000,
            auth: SandboxAuth::None,
            token_lifetime: Duration::from_secs(3600),
            faults: Faults::default(),
            clock: Arc::new(SystemClock),
            max_body_bytes: 64 * 1024,
            header_read_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            max_durations: Vec::new(),
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("address", &self.address)
            .field("available_after", &self.available_after)
            .field("v0_requested_phase", &self.v0_requested_phase)
            .field("async_revoke_after", &self.async_revoke_after)
            .field("retain_ended_for", &self.retain_ended_for)
            .field("max_sessions", &self.max_sessions)
            .field("auth", &self.auth)
            .field("token_lifetime", &self.token_lifetime)
            .field("faults", &self.faults)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_durations", &self.max_durations)
            .finish_non_exhaustive()
    }
}
