//! How a session keeper holds its session: when it reads, extends, gives
//! up and cleans up.

use std::time::Duration;

use crate::CallOptions;
use crate::auth::Subject;

/// How the keeper learns of status changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Watch {
    /// It reads the session every `interval`.
    Poll {
        /// Time between readings.
        interval: Duration,
    },
    /// The app hands it the status notifications its webhook or sink
    /// receives ([`crate::keeper::SessionKeeper::notify`]); it reads the
    /// session only every `safety_interval`, in case one is lost.
    Notifications {
        /// Time between readings.
        safety_interval: Duration,
    },
}

impl Watch {
    /// Time between readings.
    pub fn interval(&self) -> Duration {
        match self {
            Watch::Poll { interval } => *interval,
            Watch::Notifications { safety_interval } => *safety_interval,
        }
    }
}

/// Where the keeper learns the profile's `maxDuration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaxDuration {
    /// It reads the profile from the QoS Profiles API before creating; if
    /// that fails, it goes on as with [`MaxDuration::Unknown`].
    Learn,
    /// The caller knows it, in seconds.
    Given(u32),
    /// No limit is known: the keeper extends as asked and learns the limit
    /// when the server caps an extension.
    Unknown,
}

/// What a start-up sweep does with sessions it finds for the device
/// (QoD 1.x, retrieve by device): those a process that died left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sweep {
    /// Delete them all, then create.
    Delete,
    /// Keep one that is not `UNAVAILABLE` and has the requested profile
    /// instead of creating; delete the rest.
    Adopt,
}

/// A keeper's settings. The defaults suit a real network; tests shorten them.
///
/// ```
/// use std::time::Duration;
/// use qod_core::keeper::{KeeperSettings, MaxDuration, Sweep, Watch};
/// let settings = KeeperSettings::new()
///     .with_watch(Watch::Poll { interval: Duration::from_secs(2) })
///     .with_max_duration(MaxDuration::Given(3600))
///     .with_max_total(Duration::from_secs(5400))
///     .with_recreate_budget(3)
///     .with_sweep(Sweep::Delete);
/// assert_eq!(settings.max_total(), Some(Duration::from_secs(5400)));
/// ```
#[derive(Debug, Clone)]
pub struct KeeperSettings {
    watch: Watch,
    max_duration: MaxDuration,
    extend_by: Option<u32>,
    margin: Option<Duration>,
    max_total: Option<Duration>,
    recreate_budget: u32,
    backoff: (Duration, Duration),
    sweep: Option<Sweep>,
    options: CallOptions,
}

impl Default for KeeperSettings {
    fn default() -> Self {
        KeeperSettings {
            watch: Watch::Poll {
                interval: Duration::from_secs(10),
            },
            max_duration: MaxDuration::Learn,
            extend_by: None,
            margin: None,
            max_total: None,
            recreate_budget: 5,
            backoff: (Duration::from_secs(1), Duration::from_secs(60)),
            sweep: None,
            options: CallOptions::new(),
        }
    }
}

impl KeeperSettings {
    /// The defaults: polls every 10 s, learns `maxDuration` from the
    /// profile, extends by the created duration, re-creates up to 5 times
    /// with backoff from 1 s to 60 s, no cap on the hold, no sweep.
    pub fn new() -> Self {
        KeeperSettings::default()
    }

    /// How status changes are learnt.
    pub fn with_watch(mut self, watch: Watch) -> Self {
        self.watch = watch;
        self
    }

    /// Where `maxDuration` comes from.
    pub fn with_max_duration(mut self, max: MaxDuration) -> Self {
        self.max_duration = max;
        self
    }

    /// Seconds asked for by each extension (default: the duration the
    /// session was created with); never past `maxDuration` nor the hold's cap.
    pub fn with_extend_by(mut self, seconds: u32) -> Self {
        self.extend_by = Some(seconds.max(1));
        self
    }

    /// How long before `expiresAt` to extend (default: a quarter of the
    /// session's duration, between 1 s and 30 s).
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = Some(margin);
        self
    }

    /// The longest the whole hold may last, from the keeper's start: then
    /// it deletes the session and ends ([`super::KeeperEnd::MaxTotalReached`]).
    pub fn with_max_total(mut self, max_total: Duration) -> Self {
        self.max_total = Some(max_total);
        self
    }

    /// How many times the keeper creates again after an outage before it
    /// gives up.
    pub fn with_recreate_budget(mut self, budget: u32) -> Self {
        self.recreate_budget = budget;
        self
    }

    /// The first and the longest wait before creating again after an outage.
    pub fn with_backoff(mut self, first: Duration, most: Duration) -> Self {
        self.backoff = (first, most.max(first));
        self
    }

    /// A start-up sweep of the device's leftover sessions (QoD 1.x).
    pub fn with_sweep(mut self, sweep: Sweep) -> Self {
        self.sweep = Some(sweep);
        self
    }

    /// The subject whose three-legged token the keeper's calls use.
    pub fn with_subject(mut self, subject: Subject) -> Self {
        self.options = CallOptions::new().with_subject(subject);
        self
    }

    /// How status changes are learnt.
    pub fn watch(&self) -> Watch {
        self.watch
    }

    /// Where `maxDuration` comes from.
    pub fn max_duration(&self) -> MaxDuration {
        self.max_duration
    }

    /// Seconds per extension, when set.
    pub fn extend_by(&self) -> Option<u32> {
        self.extend_by
    }

    /// The margin before expiry, when set.
    pub fn margin(&self) -> Option<Duration> {
        self.margin
    }

    /// The cap on the whole hold.
    pub fn max_total(&self) -> Option<Duration> {
        self.max_total
    }

    /// How many re-creates are allowed.
    pub fn recreate_budget(&self) -> u32 {
        self.recreate_budget
    }

    /// The first and longest backoff.
    pub fn backoff(&self) -> (Duration, Duration) {
        self.backoff
    }

    /// The start-up sweep.
    pub fn sweep(&self) -> Option<Sweep> {
        self.sweep
    }

    /// The options of each call.
    pub(crate) fn call_options(&self) -> &CallOptions {
        &self.options
    }

    /// The backoff before re-create number `attempt` (1-based).
    pub(crate) fn backoff_for(&self, attempt: u32) -> Duration {
        let (first, most) = self.backoff;
        let doublings = attempt.saturating_sub(1).min(16);
        first.saturating_mul(1 << doublings).min(most)
    }

    /// How long before expiry to extend a session of `duration` seconds.
    pub(crate) fn margin_for(&self, duration: u32) -> Duration {
        self.margin.unwrap_or_else(|| {
            Duration::from_secs(u64::from(duration / 4))
                .clamp(Duration::from_secs(1), Duration::from_secs(30))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let settings =
            KeeperSettings::new().with_backoff(Duration::from_secs(1), Duration::from_secs(5));
        let waits: Vec<u64> = (1..=5).map(|n| settings.backoff_for(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        assert_eq!(settings.backoff_for(u32::MAX), Duration::from_secs(5));
    }

    #[test]
    fn the_margin_is_a_quarter_of_the_duration_within_bounds() {
        let settings = KeeperSettings::new();
        assert_eq!(settings.margin_for(2), Duration::from_secs(1));
        assert_eq!(settings.margin_for(60), Duration::from_secs(15));
        assert_eq!(settings.margin_for(86_400), Duration::from_secs(30));
        let fixed = settings.with_margin(Duration::from_secs(7));
        assert_eq!(fixed.margin_for(2), Duration::from_secs(7));
    }
}
