//! The client against a sandbox that injects faults (429 with Retry-After,
//! 503, dropped connections, latency), and many threads sharing one client.
//! A create must never reach the server twice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::phone_session;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use qod::core::{Client, ClientCore};
use qod::models::uuid::Uuid;
use qod::models::{ErrorCode, QosStatus, SessionId};
use qod::ureq_transport::UreqTransport;
use qod::{Delivery, Endpoint, Error, ErrorKind, RetryPolicy};
use qod_sandbox::{Faults, Sandbox, SandboxConfig};

/// Waits are recorded, not slept, so that `Retry-After: 1` costs no time.
#[derive(Default)]
struct RecordingClock {
    slept: Mutex<Duration>,
    sleeps: AtomicU32,
}

impl RecordingClock {
    fn slept(&self) -> Duration {
        *self.slept.lock().unwrap()
    }

    fn sleeps(&self) -> u32 {
        self.sleeps.load(Ordering::SeqCst)
    }
}

impl qod::core::Clock for RecordingClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + self.slept()
    }

    fn sleep(&self, duration: Duration) {
        *self.slept.lock().unwrap() += duration;
        self.sleeps.fetch_add(1, Ordering::SeqCst);
    }
}

const POLICY: RetryPolicy = RetryPolicy::new()
    .with_initial_backoff(Duration::from_millis(10))
    .with_max_backoff(Duration::from_millis(50))
    .with_max_retry_after(Duration::from_secs(2))
    .with_max_elapsed(Duration::from_secs(10))
    .with_max_attempts(5);

/// The longest one call may take in wall time: five attempts, each bounded
/// by the transport timeout, and no real sleeping.
const CALL_BOUND: Duration = Duration::from_secs(5);

fn faulty(faults: Faults) -> Sandbox {
    Sandbox::start(SandboxConfig {
        available_after: Duration::ZERO,
        faults,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn client(url: &str, clock: Arc<RecordingClock>) -> Client<UreqTransport> {
    let transport = UreqTransport::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let core = ClientCore::new(Endpoint::new(url).unwrap()).with_retry_policy(POLICY);
    Client::new(transport, core, clock)
}

fn assert_created_at_most_once(sandbox: &Sandbox) {
    for (correlator, count) in sandbox.create_receipts() {
        assert!(
            count <= 1,
            "POST /sessions with x-correlator {correlator} reached the server {count} times"
        );
    }
}

#[test]
fn two_hundred_calls_under_faults() {
    let sandbox = faulty(Faults {
        share_429: 0.1,
        share_503: 0.1,
        share_dropped: 0.05,
        latency: Duration::from_millis(2),
        retry_after_seconds: 1,
    });
    let clock = Arc::new(RecordingClock::default());
    let client = client(&sandbox.v1_url(), clock.clone());

    let mut live: Vec<SessionId> = Vec::new();
    let (mut succeeded, mut creates, mut created) = (0_u32, 0_u64, 0_u64);
    let mut failures: Vec<String> = Vec::new();
    for i in 0..200_u32 {
        let started = Instant::now();
        let slept_before = clock.slept();
        // Half creates; a quarter each reads and deletes a live session.
        let (result, target_known) = match i % 4 {
            0 | 1 => {
                creates += 1;
                let result = client
                    .create_session(&phone_session(&format!("+1425{:07}", 5_000_000 + i), 600));
                if let Ok(info) = &result {
                    assert_eq!(info.qos_status, QosStatus::Requested);
                    live.push(info.session_id);
                    created += 1;
                }
                (result.map(|_| ()), true)
            }
            2 => match live.last() {
                Some(id) => (client.get_session(*id).map(|_| ()), true),
                None => (
                    client
                        .get_session(SessionId::new(Uuid::new_v4()))
                        .map(|_| ()),
                    false,
                ),
            },
            _ => match live.pop() {
                Some(id) => (client.delete_session(id), true),
                None => (client.delete_session(SessionId::new(Uuid::new_v4())), false),
            },
        };
        let elapsed = started.elapsed();
        let waited = clock.slept() - slept_before;
        assert!(elapsed < CALL_BOUND, "call {i} took {elapsed:?}");
        assert!(
            waited <= POLICY.max_elapsed(),
            "call {i} waited {waited:?}, more than the policy allows"
        );
        let correlated = result.as_ref().err().map(|e| e.correlator().is_some());
        match result.map_err(Error::into_kind) {
            Ok(()) => succeeded += 1,
            Err(ErrorKind::Api(error)) => {
                let status = error.status.as_u16();
                let expected = match status {
                    429 => error.code == ErrorCode::TooManyRequests,
                    503 => error.code == ErrorCode::Unavailable,
                    404 => !target_known && error.code == ErrorCode::NotFound,
                    _ => false,
                };
                assert!(expected, "call {i}: unexpected {error}");
                assert_eq!(correlated, Some(true));
                failures.push(format!("HTTP {status}"));
            }
            Err(ErrorKind::Transport(source)) => {
                assert_eq!(source.delivery(), Delivery::MaybeSent, "call {i}: {source}");
                assert_eq!(correlated, Some(true));
                failures.push("dropped".to_owned());
            }
            Err(other) => panic!("call {i}: an error of an unexpected kind: {other:?}"),
        }
    }

    let stats = sandbox.stats();
    println!(
        "{succeeded} of 200 calls succeeded ({created} of {creates} creates); \
         {} requests, {} faults injected, {} waits totalling {:?}; failures: {failures:?}",
        stats.requests,
        stats.faults_injected,
        clock.sleeps(),
        clock.slept()
    );
    assert_created_at_most_once(&sandbox);
    let receipts = sandbox.create_receipts();
    assert!(receipts.len() as u64 <= creates);
    assert!(receipts.len() as u64 >= created);
    assert_eq!(
        stats.sessions_created, created,
        "every create the client saw fail created nothing"
    );
    assert_eq!(stats.server_errors, 0);
    assert!(stats.faults_injected >= 10, "{stats:?}");
    assert!(clock.sleeps() > 0, "some calls were retried");
    assert!(
        succeeded >= 140,
        "only {succeeded} of 200 calls succeeded: {failures:?}"
    );
    assert_eq!(succeeded as usize + failures.len(), 200);
}

#[test]
fn a_503_or_a_dropped_connection_ends_a_create_but_not_a_read() {
    for faults in [
        Faults {
            share_503: 1.0,
            ..Faults::default()
        },
        Faults {
            share_dropped: 1.0,
            ..Faults::default()
        },
    ] {
        let sandbox = faulty(faults);
        let clock = Arc::new(RecordingClock::default());
        let client = client(&sandbox.v0_url(), clock.clone());

        let error = client
            .create_session(&phone_session("+14255550500", 600))
            .unwrap_err();
        match error.kind() {
            ErrorKind::Api(api) => {
                assert_eq!(api.status.as_u16(), 503);
                assert_eq!(api.code, ErrorCode::Unavailable);
            }
            ErrorKind::Transport(source) => {
                assert!(faults.share_dropped > 0.0);
                assert_eq!(source.delivery(), Delivery::MaybeSent);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(sandbox.stats().requests, 1, "{faults:?}: not replayed");
        assert_eq!(clock.sleeps(), 0);
        let receipts = sandbox.create_receipts();
        assert_eq!(receipts.len(), 1);
        assert_eq!(receipts.get(error.correlator().unwrap()), Some(&1));

        // A read is retried up to max_attempts, with short backoffs.
        let error = client
            .get_session(SessionId::new(Uuid::new_v4()))
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Api(_) | ErrorKind::Transport(_)),
            "{error:?}"
        );
        assert_eq!(
            sandbox.stats().requests,
            1 + u64::from(POLICY.max_attempts())
        );
        assert_eq!(clock.sleeps(), POLICY.max_attempts() - 1);
        assert!(clock.slept() <= POLICY.max_backoff() * (POLICY.max_attempts() - 1));
        assert_eq!(sandbox.stats().sessions_created, 0);
        assert_eq!(sandbox.stats().server_errors, 0);
    }
}

#[test]
fn a_429_is_retried_even_for_a_create_within_bounds() {
    let sandbox = faulty(Faults {
        share_429: 1.0,
        retry_after_seconds: 1,
        ..Faults::default()
    });
    let clock = Arc::new(RecordingClock::default());
    let client = client(&sandbox.v1_url(), clock.clone());
    let error = client
        .create_session(&phone_session("+14255550510", 600))
        .unwrap_err();
    let ErrorKind::Api(api) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.code, ErrorCode::TooManyRequests);
    assert_eq!(
        sandbox.stats().requests,
        u64::from(POLICY.max_attempts()),
        "refused, so safe to send again"
    );
    assert_eq!(clock.sleeps(), POLICY.max_attempts() - 1);
    assert_eq!(
        clock.slept(),
        Duration::from_secs(1) * (POLICY.max_attempts() - 1),
        "Retry-After honoured"
    );
    assert!(
        sandbox.create_receipts().is_empty(),
        "no 429 counts as a receipt"
    );

    // A Retry-After beyond max_retry_after ends the call at once.
    let sandbox = faulty(Faults {
        share_429: 1.0,
        retry_after_seconds: 3,
        ..Faults::default()
    });
    let clock = Arc::new(RecordingClock::default());
    let client = self::client(&sandbox.v1_url(), clock.clone());
    let error = client
        .get_session(SessionId::new(Uuid::new_v4()))
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(sandbox.stats().requests, 1);
    assert_eq!(clock.sleeps(), 0);
}

/// Create, read, delete.
fn lifecycle(client: &qod::Client, number: &str) -> Result<SessionId, Error> {
    let created = client.create_session(&phone_session(number, 600))?;
    let read = client.get_session(created.session_id)?;
    assert_eq!(read.session_id, created.session_id);
    assert_eq!(read.qos_status, QosStatus::Available);
    assert_eq!(
        read.device
            .and_then(|d| d.into_parsed())
            .and_then(|d| d.phone_number)
            .unwrap()
            .as_str(),
        number
    );
    client.delete_session(created.session_id)?;
    Ok(created.session_id)
}

/// The load run: 8 threads x 500 lifecycles on one client and one sandbox.
#[test]
fn eight_threads_share_one_client() {
    const THREADS: u32 = 8;
    const LIFECYCLES: u32 = 500;
    const TOTAL: usize = (THREADS * LIFECYCLES) as usize;
    let sandbox = faulty(Faults::default());
    let client = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .build()
        .unwrap();
    let started = Instant::now();
    let (ids, errors): (Vec<Vec<SessionId>>, Vec<Vec<String>>) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|thread| {
                let client = &client;
                scope.spawn(move || {
                    let mut ids = Vec::new();
                    let mut errors = Vec::new();
                    for round in 0..LIFECYCLES {
                        let number = format!("+1425{thread:03}{round:04}");
                        let outcome = lifecycle(client, &number);
                        match outcome {
                            Ok(id) => ids.push(id),
                            Err(e) => errors.push(format!("{number}: {e}")),
                        }
                    }
                    (ids, errors)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).unzip()
    });
    let elapsed = started.elapsed();
    let errors: Vec<String> = errors.into_iter().flatten().collect();
    assert!(errors.is_empty(), "{} errors: {errors:?}", errors.len());
    let ids: Vec<SessionId> = ids.into_iter().flatten().collect();
    let distinct: HashSet<SessionId> = ids.iter().copied().collect();
    assert_eq!(ids.len(), TOTAL, "no lost session");
    assert_eq!(distinct.len(), TOTAL, "no duplicated session id");

    let stats = sandbox.stats();
    println!(
        "{THREADS} threads x {LIFECYCLES} lifecycles in {elapsed:?}: {} requests over {} connections",
        stats.requests, stats.connections
    );
    assert_eq!(stats.sessions_created, u64::from(THREADS * LIFECYCLES));
    assert_eq!(stats.server_errors, 0);
    assert_eq!(stats.requests, u64::from(THREADS * LIFECYCLES * 3));
    assert_eq!(stats.faults_injected, 0);
    let receipts = sandbox.create_receipts();
    assert_eq!(receipts.len(), TOTAL);
    assert_created_at_most_once(&sandbox);
    assert_eq!(
        sandbox.session_count(),
        TOTAL,
        "ended sessions are retained, none lost"
    );
}
