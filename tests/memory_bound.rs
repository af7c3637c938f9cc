//! A 100 MiB response is refused at the body limit, and memory stays bounded.
//! One test in its own binary, so that the process's peak memory is ours.

#![allow(clippy::unwrap_used)]

use qod::Delivery;
use qod::models::SessionId;
use qod_testkit::{Reply, TestServer};

/// The process's peak resident memory in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_100_mib_response_is_refused_with_bounded_memory() {
    const HUNDRED_MIB: u64 = 100 * 1024 * 1024;
    let server = TestServer::start(|_| Reply::Flood {
        len: HUNDRED_MIB,
        announce: true,
    });
    let client = qod::ClientBuilder::new(&server.url("/qod/v0"))
        .unwrap()
        .build()
        .unwrap();
    let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
    let before = peak_rss_kib();

    let error = client.get_session(id).unwrap_err();

    let qod::ErrorKind::Transport(source) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(
        source.delivery(),
        Delivery::Fatal,
        "a body over the limit is not retried"
    );
    assert!(
        source.to_string().contains("1048576-byte limit"),
        "{source}"
    );
    assert_eq!(server.seen().len(), 1);
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let growth_mib = after.saturating_sub(before) / 1024;
        println!("peak RSS grew by {growth_mib} MiB while refusing a 100 MiB body");
        assert!(growth_mib < 16, "peak memory grew by {growth_mib} MiB");
    }
}
