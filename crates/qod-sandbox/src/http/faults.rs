//! Drawing which API calls get an injected fault.

use crate::config::Faults;

/// What to do to one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    None,
    TooManyRequests,
    Unavailable,
    Drop,
}

/// Draws a fault with the configured shares.
pub(crate) fn draw(faults: &Faults) -> Fault {
    let roll = fastrand::f64();
    if roll < faults.share_dropped {
        Fault::Drop
    } else if roll < faults.share_dropped + faults.share_429 {
        Fault::TooManyRequests
    } else if roll < faults.share_dropped + faults.share_429 + faults.share_503 {
        Fault::Unavailable
    } else {
        Fault::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_respected() {
        assert_eq!(draw(&Faults::default()), Fault::None);
        let always = Faults {
            share_503: 1.0,
            ..Faults::default()
        };
        assert_eq!(draw(&always), Fault::Unavailable);
        let mixed = Faults {
            share_429: 0.25,
            share_503: 0.25,
            share_dropped: 0.25,
            ..Faults::default()
        };
        let faulted = (0..4000).filter(|_| draw(&mixed) != Fault::None).count();
        assert!((2700..=3300).contains(&faulted), "{faulted} of 4000");
    }
}
