//! The async front door on tokio over real loopback HTTP: the whole session
//! lifecycle and a QoS assignment's with OAuth against the sandbox, tasks
//! sharing one client, and the builder's settings reaching the reqwest
//! transport.

#![cfg(feature = "reqwest")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use qod::auth::ClientCredentials;
use qod::models::{QosProfileName, QosStatus, SessionId};
use qod::{AsyncClient, AsyncClientBuilder, Credentials, Delivery, ErrorKind, RetryPolicy};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};
use qod_testkit::{Reply, TestServer};

use crate::support::phone_session;

const CLIENT_ID: &str = "qod-async-client";
const CLIENT_SECRET: &str = "async-s3cret";

fn oauth_sandbox(available_after: Duration) -> Sandbox {
    Sandbox::start(SandboxConfig {
        auth: SandboxAuth::ClientCredentials {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
        },
        available_after,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn oauth_client(sandbox: &Sandbox) -> AsyncClient {
    let oauth =
        ClientCredentials::new(&sandbox.oauth_token_url(), CLIENT_ID, CLIENT_SECRET).unwrap();
    AsyncClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .credentials(Credentials::ClientCredentials(oauth))
        .build()
        .unwrap()
}

fn session_id() -> SessionId {
    "123e4567-e89b-12d3-a456-426614174000".parse().unwrap()
}

#[test]
fn the_client_and_its_futures_are_send() {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync::<AsyncClient>();
    let client = AsyncClientBuilder::new("http://127.0.0.1:9/qod/v0")
        .unwrap()
        .build()
        .unwrap();
    // Built but never polled: nothing is sent.
    assert_send(&client.get_session(session_id()));
    assert_send(&client.create_session(&phone_session("+14255550100", 60)));
    let assignment = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap();
    assert_send(&client.get_assignment(assignment));
    assert_send(&client.wait_for_assignment(
        assignment,
        Duration::from_secs(1),
        Duration::from_secs(5),
        |_| {},
    ));
}

#[tokio::test]
async fn the_whole_lifecycle_with_oauth_against_the_sandbox() {
    let sandbox = oauth_sandbox(Duration::from_millis(300));
    let client = oauth_client(&sandbox);

    let created = client
        .create_session(&phone_session("+14255550700", 600))
        .await
        .unwrap();
    assert_eq!(created.qos_status, QosStatus::Requested);
    let read = client.get_session(created.session_id).await.unwrap();
    assert_eq!(read.session_id, created.session_id);

    let mut readings = 0;
    let available = client
        .wait_for_session(
            created.session_id,
            Duration::from_millis(50),
            Duration::from_secs(10),
            |_| readings += 1,
        )
        .await
        .unwrap();
    assert_eq!(available.qos_status, QosStatus::Available);
    assert!(readings >= 1, "on_poll saw the readings");

    let extended = client
        .extend_session(created.session_id, 300)
        .await
        .unwrap();
    assert_eq!(extended.duration, 900);
    client.delete_session(created.session_id).await.unwrap();
    let after = client.get_session(created.session_id).await.unwrap();
    assert_eq!(after.qos_status, QosStatus::Unavailable);

    let stats = sandbox.stats();
    assert_eq!(stats.token_requests, 1, "one token for the whole lifecycle");
    assert_eq!(stats.sessions_created, 1);
}

#[tokio::test]
async fn an_assignment_lifecycle_with_oauth_against_the_sandbox() {
    let sandbox = oauth_sandbox(Duration::from_millis(200));
    let client = oauth_client(&sandbox);
    let device = qod::models::Device::with_phone_number(
        qod::models::PhoneNumber::parse("+14255550701").unwrap(),
    );
    let created = client
        .create_assignment(&qod::models::CreateAssignment::new(
            device.clone(),
            QosProfileName::parse("QOS_L").unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(created.status, QosStatus::Requested);
    let available = client
        .wait_for_assignment(
            created.assignment_id,
            Duration::from_millis(50),
            Duration::from_secs(10),
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(available.status, QosStatus::Available);
    let found = client.retrieve_assignment(Some(device)).await.unwrap();
    assert_eq!(found.assignment_id, created.assignment_id);
    assert!(matches!(
        client
            .revoke_assignment(created.assignment_id)
            .await
            .unwrap(),
        qod::Revocation::Revoked
    ));
    let after = client.get_assignment(created.assignment_id).await.unwrap();
    assert_eq!(after.status, QosStatus::Unavailable);
    assert_eq!(sandbox.stats().token_requests, 1);
    assert_eq!(
        sandbox.assignment_count(),
        1,
        "kept readable after the revoke"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_sharing_one_client_make_one_token_request() {
    let sandbox = oauth_sandbox(Duration::ZERO);
    let client = Arc::new(oauth_client(&sandbox));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get_qos_profile(&QosProfileName::parse("QOS_E").unwrap())
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(sandbox.stats().token_requests, 1, "16 tasks, one token");
}

#[tokio::test]
async fn the_builder_settings_reach_the_transport() {
    let server = TestServer::start(|seen| match seen.path.as_str() {
        path if path.ends_with("/sessions/123e4567-e89b-12d3-a456-426614174000") => Reply::Stall,
        _ => Reply::json(200, &"x".repeat(64)),
    });

    let client = AsyncClientBuilder::new(&server.url("/qod/v0"))
        .unwrap()
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.get_session(session_id()).await.unwrap_err();
    let elapsed = started.elapsed();
    let ErrorKind::Transport(source) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(source.delivery(), Delivery::MaybeSent);
    assert!(
        error.correlator().is_some(),
        "the error carries the call's correlator"
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "a 300 ms timeout took {elapsed:?}"
    );
    assert_eq!(server.seen().len(), 1, "RetryPolicy::none() sends once");

    let limited = AsyncClientBuilder::new(&server.url("/qod/v0"))
        .unwrap()
        .transport(|transport| transport.body_limit(16))
        .build()
        .unwrap();
    let error = limited
        .get_qos_profile(&QosProfileName::parse("QOS_E").unwrap())
        .await
        .unwrap_err();
    let ErrorKind::Transport(source) = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(source.delivery(), Delivery::Fatal);
    assert!(source.to_string().contains("16-byte limit"), "{source}");
}

#[cfg(feature = "tmobile")]
#[test]
fn both_front_doors_report_an_unreadable_key_file_alike() {
    let missing = std::env::temp_dir().join("qod-no-such-key-file.pem");
    let error = AsyncClientBuilder::tmobile_key_file(
        qod::TMobileEnvironment::Sandbox,
        "id",
        "secret",
        &missing,
    )
    .unwrap_err();
    let qod::SetupError::KeyFile { path, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(path, &missing);
    #[cfg(feature = "ureq")]
    {
        let blocking = qod::ClientBuilder::tmobile_key_file(
            qod::TMobileEnvironment::Sandbox,
            "id",
            "secret",
            &missing,
        )
        .unwrap_err();
        assert_eq!(blocking.to_string(), error.to_string());
    }
}
