//! Socket timeouts in steps of 100 ms.
//!
//! ureq keeps an overall deadline per call and, before each read or write,
//! sets the socket's timeout to what is left of it. What is left differs by
//! microseconds every call, so every call cost two `setsockopt` system calls
//! (5% of a GET over loopback keep-alive). Rounded up to the next 100 ms,
//! what is left is the same from one call to the next and the socket keeps
//! its timeout; a deadline is then met at most 100 ms late, never early.

use std::time::Duration as StdDuration;

use ureq::Error;
use ureq::unversioned::transport::time::Duration;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// The step timeouts are rounded up to.
const STEP: StdDuration = StdDuration::from_millis(100);

/// A connector whose transports see their timeouts rounded up to [`STEP`].
#[derive(Debug)]
pub(crate) struct CoarseTimeoutsConnector<C>(pub(crate) C);

impl<C: Connector> Connector for CoarseTimeoutsConnector<C> {
    type Out = CoarseTimeouts<C::Out>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, Error> {
        Ok(self.0.connect(details, chained)?.map(CoarseTimeouts))
    }
}

/// A transport whose timeouts reach the one it wraps rounded up to [`STEP`].
#[derive(Debug)]
pub(crate) struct CoarseTimeouts<T>(pub(crate) T);

impl<T: Transport> Transport for CoarseTimeouts<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.0.transmit_output(amount, coarse(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.0.await_input(coarse(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// `timeout` with what is left of it rounded up to a whole step; an expired
/// one stays expired.
fn coarse(mut timeout: NextTimeout) -> NextTimeout {
    if let Duration::Exact(left) = timeout.after
        && !left.is_zero()
    {
        timeout.after = Duration::Exact(round_up(left));
    }
    timeout
}

fn round_up(left: StdDuration) -> StdDuration {
    let step = STEP.as_nanos();
    let steps = left.as_nanos().div_ceil(step);
    u64::try_from(steps * step)
        .map(StdDuration::from_nanos)
        .unwrap_or(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_up_to_the_step_and_never_down() {
        let ms = StdDuration::from_millis;
        assert_eq!(round_up(ms(1)), ms(100));
        assert_eq!(round_up(ms(100)), ms(100));
        assert_eq!(
            round_up(ms(29_999) + StdDuration::from_nanos(1)),
            ms(30_000)
        );
        assert_eq!(
            round_up(StdDuration::from_nanos(29_999_999_999)),
            ms(30_000)
        );
        // What does not fit in u64 nanoseconds is left as it is.
        assert_eq!(round_up(StdDuration::MAX), StdDuration::MAX);
    }
}
