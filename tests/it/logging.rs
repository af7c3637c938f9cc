//! README.md's "Logging" section, held to its word: with `RUST_LOG=trace`,
//! a logger set up as the README shows prints no secret, while the same
//! logger without `WithoutRawTraffic` prints ureq's hex dumps of them.
//!
//! A program has one logger, and the other tests of this binary run beside
//! this one: the logger takes the records of this test's thread only.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use log::{Log, Metadata, Record};
use qod::ureq_transport::WithoutRawTraffic;
use qod_testkit::{Reply, TestServer};

use crate::support;

const TOKEN: &str = "canaryBearerToken0123456789abcdefghijklmnop";

/// Bytes written by a logger, shared with the test.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl Write for Written {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Written {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// An env_logger as with `RUST_LOG=trace`, writing to `into`.
fn trace_logger(into: &Written) -> env_logger::Logger {
    env_logger::Builder::new()
        .parse_filters("trace")
        .target(env_logger::Target::Pipe(Box::new(into.clone())))
        .build()
}

/// Hands every record to two loggers.
struct Both<A, B>(A, B);

impl<A: Log, B: Log> Log for Both<A, B> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.0.enabled(metadata) || self.1.enabled(metadata)
    }
    fn log(&self, record: &Record<'_>) {
        self.0.log(record);
        self.1.log(record);
    }
    fn flush(&self) {}
}

/// Hands on the records of one thread only.
struct OnThread<L> {
    thread: ThreadId,
    logger: L,
}

impl<L: Log> Log for OnThread<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        std::thread::current().id() == self.thread && self.logger.enabled(metadata)
    }
    fn log(&self, record: &Record<'_>) {
        if std::thread::current().id() == self.thread {
            self.logger.log(record);
        }
    }
    fn flush(&self) {}
}

/// Whether a 16-character stretch of the token shows: hex dumps print 16
/// bytes a row.
fn leaks(text: &str) -> bool {
    (0..=TOKEN.len() - 16).any(|start| text.contains(&TOKEN[start..start + 16]))
}

#[test]
fn the_readme_logger_keeps_secrets_out_at_trace() {
    let (guarded, unguarded) = (Written::default(), Written::default());
    // As the README says: wrap the logger, then let its filter set the level.
    let logger = WithoutRawTraffic::new(trace_logger(&guarded));
    let max_level = logger.inner().filter();
    log::set_boxed_logger(Box::new(OnThread {
        thread: std::thread::current().id(),
        logger: Both(logger, trace_logger(&unguarded)),
    }))
    .unwrap();
    log::set_max_level(max_level);

    let server = TestServer::start(|seen| {
        let status = if seen.method == "POST" { 201 } else { 200 };
        Reply::json(
            status,
            r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_E","duration":600,"qosStatus":"AVAILABLE"}"#,
        )
    });
    let client = qod::ClientBuilder::new(&server.url("/quality-on-demand/v1"))
        .unwrap()
        .credentials(qod::Credentials::bearer(TOKEN).unwrap())
        .build()
        .unwrap();
    let created = client
        .create_session(&support::phone_session("+14255550100", 600))
        .unwrap();
    client.get_session(created.session_id).unwrap();

    assert!(
        leaks(&unguarded.text()),
        "without the wrapper, RUST_LOG=trace shows the token: the check can fail"
    );
    let text = guarded.text();
    assert!(!leaks(&text), "the token leaked: {text}");
    assert!(
        text.contains("qod_core") && text.contains("TRACE"),
        "everything else still logs: {text}"
    );
}
