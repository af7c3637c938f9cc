//! Both keepers over loopback HTTP against the sandbox: a session held,
//! extended, renewed at the limit, created again after the network ends
//! it, and deleted on stop and on drop.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use qod::core::keeper::{KeeperEnd, KeeperSettings, Watch};
use qod::models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, QosStatus,
};
use qod::{AsyncClientBuilder, AsyncKeptSession, ClientBuilder, KeptSession};
use qod_sandbox::{LifecycleCounts, Sandbox, SandboxConfig};

fn sandbox(max: u32) -> Sandbox {
    Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(100),
        max_durations: vec![("QOS_E".to_owned(), max)],
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn request(phone: &str, duration: u32) -> CreateSession {
    CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse(phone).unwrap()),
        QosProfileName::parse("QOS_E").unwrap(),
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.7".parse().unwrap()))
    .with_duration(duration)
}

fn settings() -> KeeperSettings {
    KeeperSettings::new()
        .with_watch(Watch::Poll {
            interval: Duration::from_millis(300),
        })
        .with_backoff(Duration::from_millis(200), Duration::from_secs(1))
}

fn counts(sandbox: &Sandbox) -> LifecycleCounts {
    sandbox
        .lifecycle_counts()
        .remove("anonymous")
        .unwrap_or_default()
}

fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_blocking_keeper_extends_renews_at_the_limit_and_deletes_on_stop() {
    // 2 s sessions, at most 3 s: one extension of 1 s, then a renewal.
    let sandbox = sandbox(3);
    let client = Arc::new(
        ClientBuilder::new(&sandbox.v1_url())
            .unwrap()
            .build()
            .unwrap(),
    );
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let held = KeptSession::start(
        client,
        request("+14255550301", 2),
        settings(),
        move |event| {
            seen.lock().unwrap().push(event.to_string());
        },
    )
    .unwrap();
    until("a renewal", || counts(&sandbox).session_creates >= 2);
    let report = held.stop().unwrap();
    let events = events.lock().unwrap();
    assert_eq!(report.ended, KeeperEnd::Stopped);
    assert!(report.extends >= 1, "{events:#?}");
    assert!(
        events.iter().any(|e| e.contains("maxDuration (3 s)")),
        "{events:#?}"
    );
    let counts = counts(&sandbox);
    assert_eq!(
        counts.session_creates, counts.session_deletes,
        "{events:#?}"
    );
    assert_eq!(u64::from(report.extends), counts.session_extends);
}

#[test]
fn dropping_the_blocking_keeper_deletes_its_session() {
    let sandbox = sandbox(3600);
    let client = Arc::new(
        ClientBuilder::new(&sandbox.v1_url())
            .unwrap()
            .build()
            .unwrap(),
    );
    let held = KeptSession::start(client, request("+14255550302", 60), settings(), |_| {}).unwrap();
    until("AVAILABLE", || {
        held.session()
            .is_some_and(|s| s.qos_status == QosStatus::Available)
    });
    drop(held);
    assert_eq!(counts(&sandbox).session_deletes, 1);
}

#[test]
fn the_blocking_keeper_creates_again_after_the_network_ends_the_session() {
    let sandbox = sandbox(3600);
    let client = Arc::new(
        ClientBuilder::new(&sandbox.v1_url())
            .unwrap()
            .build()
            .unwrap(),
    );
    let held = KeptSession::start(client, request("+14255550303", 60), settings(), |_| {}).unwrap();
    until("AVAILABLE", || {
        held.session()
            .is_some_and(|s| s.qos_status == QosStatus::Available)
    });
    let first = held.session().unwrap().session_id;
    assert!(sandbox.terminate_session(&first.to_string()));
    until("another session", || {
        held.session().is_some_and(|s| s.session_id != first)
    });
    let report = held.stop().unwrap();
    assert_eq!((report.creates, report.recreates), (2, 1));
    assert_eq!(counts(&sandbox).session_deletes, 2);
}

#[test]
fn the_async_keeper_holds_and_deletes_on_stop_and_on_drop() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = sandbox(3);
    let base = sandbox.v1_url();
    runtime.block_on(async {
        let client = Arc::new(AsyncClientBuilder::new(&base).unwrap().build().unwrap());
        let (held, task) = AsyncKeptSession::start(
            Arc::clone(&client),
            request("+14255550304", 2),
            settings(),
            |_| {},
        )
        .unwrap();
        let task = tokio::spawn(task);
        while counts(&sandbox).session_creates < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let report = held.stop().await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
        assert!(report.extends >= 1 && report.creates >= 2, "{report:?}");

        // Dropped without stop: the task still deletes, and ends.
        let (dropped, task) =
            AsyncKeptSession::start(client, request("+14255550305", 2), settings(), |_| {})
                .unwrap();
        let task = tokio::spawn(task);
        while dropped
            .session()
            .is_none_or(|s| s.qos_status != QosStatus::Available)
        {
            assert!(!dropped.is_finished(), "it ended before the QoS came");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drop(dropped);
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap();
    });
    let counts = counts(&sandbox);
    assert_eq!(counts.session_creates, counts.session_deletes);
}
