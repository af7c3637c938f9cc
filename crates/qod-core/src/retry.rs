//! When to try a call again: a policy that only decides, never sleeps.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::Delivery;

/// What came of one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The server answered with this status and, maybe, a `Retry-After`.
    Status {
        /// The HTTP status.
        status: StatusCode,
        /// The delay the server asked for.
        retry_after: Option<Duration>,
    },
    /// The transport failed.
    Transport(Delivery),
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Return what the attempt produced.
    Stop,
    /// Wait this long, then try again.
    RetryAfter(Duration),
}

/// Bounds and backoff for retries.
///
/// The rules: a request that provably was not sent may always be replayed.
/// Idempotent operations (GET, DELETE, the read-only retrieve calls) are also
/// replayed after an ambiguous transport failure and on 429, 502, 503 and
/// 504. Creating or extending a session is replayed only when it was not
/// sent or the server refused it with 429, never after it may have reached
/// the server. Delays grow exponentially with jitter, or follow
/// `Retry-After` up to [`RetryPolicy::max_retry_after`].
///
/// ```
/// use std::time::Duration;
/// use http::StatusCode;
/// use qod_core::{Delivery, RetryPolicy};
/// use qod_core::retry::{AttemptOutcome, RetryDecision};
/// let policy = RetryPolicy::default();
/// let unavailable = AttemptOutcome::Status { status: StatusCode::SERVICE_UNAVAILABLE, retry_after: None };
/// assert!(matches!(policy.decide(true, 1, Duration::ZERO, unavailable, 0), RetryDecision::RetryAfter(_)));
/// assert_eq!(policy.decide(false, 1, Duration::ZERO, unavailable, 0), RetryDecision::Stop);
/// let maybe_sent = AttemptOutcome::Transport(Delivery::MaybeSent);
/// assert_eq!(policy.decide(false, 1, Duration::ZERO, maybe_sent, 0), RetryDecision::Stop);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 200 ms to 5 s, `Retry-After` up to 30 s, 60 s in all.
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy {
    /// The default policy, usable in `const` items: 4 attempts, backoff from
    /// 200 ms to 5 s, `Retry-After` honoured up to 30 s, 60 s in all.
    pub const fn new() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
        }
    }

    /// A policy that never retries.
    pub const fn none() -> Self {
        RetryPolicy::new().with_max_attempts(1)
    }

    /// Sets the attempts per call, the first included (1 disables retries).
    #[must_use]
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the first backoff delay.
    #[must_use]
    pub const fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the longest backoff delay.
    #[must_use]
    pub const fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the longest `Retry-After` honoured; a longer one ends the call.
    #[must_use]
    pub const fn with_max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Sets the most time a call may spend, waits included, before giving up.
    #[must_use]
    pub const fn with_max_elapsed(mut self, limit: Duration) -> Self {
        self.max_elapsed = limit;
        self
    }

    /// Attempts per call, the first included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first backoff delay.
    pub const fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest backoff delay.
    pub const fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest `Retry-After` honoured.
    pub const fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The most time a call may spend, waits included.
    pub const fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Decides after attempt number `attempt` (1-based) of a call that has
    /// taken `elapsed` so far. `jitter` is any random number.
    pub fn decide(
        &self,
        idempotent: bool,
        attempt: u32,
        elapsed: Duration,
        outcome: AttemptOutcome,
        jitter: u64,
    ) -> RetryDecision {
        if attempt >= self.max_attempts {
            return RetryDecision::Stop;
        }
        let (retryable, retry_after) = match outcome {
            AttemptOutcome::Transport(Delivery::NotSent) => (true, None),
            AttemptOutcome::Transport(Delivery::MaybeSent) => (idempotent, None),
            AttemptOutcome::Transport(_) => (false, None),
            AttemptOutcome::Status {
                status,
                retry_after,
            } => match status.as_u16() {
                // A 429 means the server refused the request: even a create may go again.
                429 => (true, retry_after),
                502..=504 => (idempotent, retry_after),
                _ => (false, None),
            },
        };
        if !retryable {
            return RetryDecision::Stop;
        }
        let delay = match retry_after {
            Some(asked) if asked > self.max_retry_after => return RetryDecision::Stop,
            Some(asked) => asked,
            None => self.backoff(attempt, jitter),
        };
        if elapsed.saturating_add(delay) > self.max_elapsed {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(delay)
    }

    /// Exponential backoff with "equal jitter": half fixed, half random.
    fn backoff(&self, attempt: u32, jitter: u64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let full = self
            .initial_backoff
            .saturating_mul(1_u32 << exponent)
            .min(self.max_backoff);
        let half = full / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let random = if half_nanos == 0 {
            0
        } else {
            jitter % half_nanos
        };
        half + Duration::from_nanos(random)
    }
}

/// Reads `Retry-After` as delay seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> AttemptOutcome {
        AttemptOutcome::Status {
            status: StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT),
            retry_after: None,
        }
    }

    #[test]
    fn idempotent_calls_retry_on_gateway_errors_and_ambiguity() {
        let policy = RetryPolicy::default();
        for code in [429, 502, 503, 504] {
            assert!(
                matches!(
                    policy.decide(true, 1, Duration::ZERO, status(code), 7),
                    RetryDecision::RetryAfter(_)
                ),
                "{code}"
            );
        }
        for code in [400, 401, 404, 409, 500, 501] {
            assert_eq!(
                policy.decide(true, 1, Duration::ZERO, status(code), 7),
                RetryDecision::Stop,
                "{code}"
            );
        }
        assert!(matches!(
            policy.decide(
                true,
                1,
                Duration::ZERO,
                AttemptOutcome::Transport(Delivery::MaybeSent),
                0
            ),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            policy.decide(
                true,
                1,
                Duration::ZERO,
                AttemptOutcome::Transport(Delivery::Fatal),
                0
            ),
            RetryDecision::Stop
        );
    }

    #[test]
    fn non_idempotent_calls_retry_only_when_refused_or_unsent() {
        let policy = RetryPolicy::default();
        for code in [502, 503, 504, 500] {
            assert_eq!(
                policy.decide(false, 1, Duration::ZERO, status(code), 0),
                RetryDecision::Stop,
                "{code}"
            );
        }
        assert!(matches!(
            policy.decide(false, 1, Duration::ZERO, status(429), 0),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            policy.decide(
                false,
                1,
                Duration::ZERO,
                AttemptOutcome::Transport(Delivery::NotSent),
                0
            ),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            policy.decide(
                false,
                1,
                Duration::ZERO,
                AttemptOutcome::Transport(Delivery::MaybeSent),
                0
            ),
            RetryDecision::Stop
        );
    }

    #[test]
    fn bounds_and_retry_after() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(true, 4, Duration::ZERO, status(503), 0),
            RetryDecision::Stop
        );
        assert_eq!(
            policy.decide(true, 1, Duration::from_secs(60), status(503), 0),
            RetryDecision::Stop
        );
        let asked = AttemptOutcome::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(
            policy.decide(true, 1, Duration::ZERO, asked, 0),
            RetryDecision::RetryAfter(Duration::from_secs(3))
        );
        let too_long = AttemptOutcome::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(Duration::from_secs(31)),
        };
        assert_eq!(
            policy.decide(true, 1, Duration::ZERO, too_long, 0),
            RetryDecision::Stop
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for attempt in 1..=30 {
            let delay = policy.backoff(attempt, u64::MAX);
            assert!(delay <= policy.max_backoff);
            let floor = policy
                .initial_backoff
                .saturating_mul(1 << (attempt - 1).min(20))
                .min(policy.max_backoff)
                / 2;
            assert!(delay >= floor);
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(7))
        );
        headers.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:49:47 GMT".parse().unwrap(),
        );
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(10))
        );
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(parse_retry_after(&headers, now), None);
    }
}
