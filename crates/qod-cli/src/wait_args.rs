//! How `session wait` and `assignment wait` poll: `--interval` and
//! `--max-wait`, each bounded.

use std::time::Duration;

use clap::Args;

/// The shortest `--interval` between polls, in seconds.
pub const MIN_INTERVAL_SECS: f64 = 0.1;
/// The longest `--interval` between polls, in seconds: an hour.
pub const MAX_INTERVAL_SECS: f64 = 3600.0;
/// The longest `--max-wait`, in seconds: a day, the longest 0.10 session.
pub const MAX_WAIT_SECS: f64 = 86_400.0;

/// A number of seconds from `min` to `max`, fractions allowed; NaN and
/// infinities are outside every range.
fn seconds_within(text: &str, min: f64, max: f64) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (min..=max).contains(&seconds) => Ok(Duration::from_secs_f64(seconds)),
        _ => Err(format!("must be a number of seconds from {min} to {max}")),
    }
}

/// `--interval`: bounded so that a typo can neither poll the server in a
/// tight loop nor overflow a clock.
fn interval(text: &str) -> Result<Duration, String> {
    seconds_within(text, MIN_INTERVAL_SECS, MAX_INTERVAL_SECS)
}

/// `--max-wait`: 0 (one reading, no waiting) to a day, bounded so that a
/// deadline cannot overflow a clock.
fn max_wait(text: &str) -> Result<Duration, String> {
    seconds_within(text, 0.0, MAX_WAIT_SECS)
}

/// How `wait` polls.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Seconds between polls (0.1 to 3600)
    #[arg(
        long,
        value_name = "SECS",
        default_value = "1",
        value_parser = interval,
        allow_negative_numbers = true
    )]
    pub interval: Duration,
    /// Give up after this many seconds (0 to 86400)
    #[arg(
        long,
        value_name = "SECS",
        default_value = "120",
        value_parser = max_wait,
        allow_negative_numbers = true
    )]
    pub max_wait: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_bounded() {
        assert_eq!(interval("0.1"), Ok(Duration::from_millis(100)));
        assert_eq!(interval("3600"), Ok(Duration::from_secs(3600)));
        for bad in [
            "1e30", "1e-300", "0", "-1", "NaN", "inf", "0.09", "3601", "x", "",
        ] {
            assert!(interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn max_waits_take_fractions_and_are_bounded() {
        assert_eq!(max_wait("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(max_wait("0"), Ok(Duration::ZERO));
        assert_eq!(max_wait("-0"), Ok(Duration::ZERO));
        assert_eq!(max_wait("86400"), Ok(Duration::from_secs(86_400)));
        for bad in ["1e30", "-1", "-0.5", "NaN", "inf", "-inf", "86401", "x", ""] {
            let error = max_wait(bad).unwrap_err();
            assert!(error.contains("0 to 86400"), "{bad}: {error}");
        }
    }
}
