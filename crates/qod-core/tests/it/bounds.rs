//! Durations at their limits end a call with an answer, never a panic.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use qod_core::{Client, ClientCore, Clock, Endpoint, ErrorKind, TransportError};

/// A clock a second later at each reading.
#[derive(Default)]
struct TickingClock(AtomicU64);

impl Clock for TickingClock {
    fn now(&self) -> SystemTime {
        let tick = self.0.fetch_add(1, Ordering::SeqCst);
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + tick)
    }
    fn sleep(&self, _: Duration) {}
}

#[test]
fn waiting_with_the_longest_interval_times_out_instead_of_overflowing() {
    let transport = |_: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> {
        Ok(http::Response::builder()
            .status(200)
            .body(
                br#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_E","duration":60,"qosStatus":"REQUESTED"}"#
                    .to_vec(),
            )
            .unwrap())
    };
    let client = Client::new(
        transport,
        ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0").unwrap()),
        Arc::new(TickingClock::default()),
    );
    let id = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
    let result = client.wait_for_session(id, Duration::MAX, Duration::from_secs(5), |_| {});
    assert!(
        matches!(
            result.as_ref().map_err(|e| e.kind()),
            Err(ErrorKind::WaitTimedOut { .. })
        ),
        "{result:?}"
    );
}
