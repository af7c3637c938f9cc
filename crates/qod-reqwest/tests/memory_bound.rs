//! A 100 MiB response is refused at the body limit, and memory stays bounded.
//! One test in its own binary, so that the process's peak memory is ours.

#![allow(clippy::unwrap_used)]

use qod_core::{AsyncTransport, Delivery};
use qod_reqwest::ReqwestTransport;
use qod_testkit::{Reply, TestServer};

/// The process's peak resident memory in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn a_100_mib_response_is_refused_with_bounded_memory() {
    const HUNDRED_MIB: u64 = 100 * 1024 * 1024;
    // Chunked, so that only reading can tell how large it is.
    let server = TestServer::start(|_| Reply::Flood {
        len: HUNDRED_MIB,
        announce: false,
    });
    let transport = ReqwestTransport::new().unwrap();
    let request = http::Request::get(server.url("/qod/v0/sessions/1"))
        .body(Vec::new())
        .unwrap();
    let before = peak_rss_kib();

    let error = transport.send(request).await.unwrap_err();

    assert_eq!(error.delivery(), Delivery::Fatal, "{error}");
    assert!(error.to_string().contains("1048576-byte limit"), "{error}");
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let growth_mib = after.saturating_sub(before) / 1024;
        println!("peak RSS grew by {growth_mib} MiB while refusing a 100 MiB body");
        assert!(growth_mib < 16, "peak memory grew by {growth_mib} MiB");
    }
}
