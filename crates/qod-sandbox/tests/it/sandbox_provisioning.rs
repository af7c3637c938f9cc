//! The sandbox's QoS Provisioning through the client, over real HTTP: both
//! ways to reach it (a 1.x sessions URL and an API root), the lifecycle on a
//! manual clock, waiting, conflicts, and a 0.10 endpoint that has none.
//! CAMARA's own scenarios are in `conformance_qos_provisioning.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use qod::models::{
    AssignmentStatusInfo, CreateAssignment, Device, ErrorCode, PhoneNumber, QosProfileName,
    QosStatus,
};
use qod::{ErrorKind, Revocation};
use qod_sandbox::test_assets::NETWORK_TERMINATED_PHONE_NUMBER;
use qod_sandbox::{ManualClock, Sandbox, SandboxConfig};

const AVAILABLE_AFTER: Duration = Duration::from_secs(5);
const RETAIN: Duration = Duration::from_secs(360);

fn device(number: &str) -> Device {
    Device::with_phone_number(PhoneNumber::parse(number).unwrap())
}

fn request(number: &str) -> CreateAssignment {
    CreateAssignment::new(device(number), QosProfileName::parse("QOS_L").unwrap())
}

fn manual() -> (Sandbox, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: AVAILABLE_AFTER,
        retain_ended_for: RETAIN,
        clock: clock.clone(),
        ..SandboxConfig::default()
    })
    .unwrap();
    (sandbox, clock)
}

#[test]
fn a_sessions_url_and_an_api_root_both_reach_it() {
    let (sandbox, _clock) = manual();
    let by_v1 = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .build()
        .unwrap();
    let by_root = qod::ClientBuilder::from_api_root(&sandbox.base_url())
        .unwrap()
        .build()
        .unwrap();
    let created = by_v1.create_assignment(&request("+14255550600")).unwrap();
    let read = by_root.get_assignment(created.assignment_id).unwrap();
    assert_eq!(read.assignment_id, created.assignment_id);
    assert_eq!(read.status, QosStatus::Requested);
    assert_eq!(sandbox.assignment_count(), 1);
    assert!(
        sandbox
            .provisioning_url()
            .ends_with("/qos-provisioning/v0.3")
    );
}

#[test]
fn lifecycle_on_the_sandbox_clock() {
    let (sandbox, clock) = manual();
    let client = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .build()
        .unwrap();
    let created = client.create_assignment(&request("+14255550601")).unwrap();
    let id = created.assignment_id;
    assert_eq!(created.status, QosStatus::Requested);
    assert!(created.started_at.is_none());
    clock.advance(AVAILABLE_AFTER);
    let available = client.get_assignment(id).unwrap();
    assert_eq!(available.status, QosStatus::Available);
    assert!(available.started_at.is_some());
    // No duration: a year later it still holds.
    clock.advance(Duration::from_secs(365 * 86_400));
    let found = client
        .retrieve_assignment(Some(device("+14255550601")))
        .unwrap();
    assert_eq!(found.assignment_id, id);
    assert_eq!(found.status, QosStatus::Available);

    let conflict = client
        .create_assignment(&request("+14255550601"))
        .unwrap_err();
    assert_eq!(conflict.code(), Some(&ErrorCode::Conflict));

    assert!(matches!(
        client.revoke_assignment(id).unwrap(),
        Revocation::Revoked
    ));
    let revoked = client.get_assignment(id).unwrap();
    assert_eq!(revoked.status, QosStatus::Unavailable);
    assert_eq!(
        revoked.status_info,
        Some(AssignmentStatusInfo::DeleteRequested)
    );
    // The device is free again, and is found with its new assignment while
    // the revoked one lingers; that one goes after the retention.
    let again = client.create_assignment(&request("+14255550601")).unwrap();
    clock.advance(Duration::from_secs(1));
    let found = client
        .retrieve_assignment(Some(device("+14255550601")))
        .unwrap();
    assert_eq!(found.assignment_id, again.assignment_id);
    clock.advance(RETAIN);
    let gone = client.get_assignment(id).unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(sandbox.assignment_count(), 1);
}

#[test]
fn waiting_ends_at_the_outcome() {
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(200),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .build()
        .unwrap();
    for (number, status) in [
        ("+14255550602", QosStatus::Available),
        (NETWORK_TERMINATED_PHONE_NUMBER, QosStatus::Unavailable),
    ] {
        let created = client.create_assignment(&request(number)).unwrap();
        let mut polls = 0;
        let decided = client
            .wait_for_assignment(
                created.assignment_id,
                Duration::from_millis(50),
                // A bound that only proves no hang.
                Duration::from_secs(30),
                |_| polls += 1,
            )
            .unwrap();
        assert_eq!(decided.status, status, "{number}");
        assert!(polls >= 1);
    }
}

#[test]
fn a_0_10_endpoint_has_no_provisioning() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = qod::ClientBuilder::new(&sandbox.v0_url())
        .unwrap()
        .build()
        .unwrap();
    let error = client
        .create_assignment(&request("+14255550603"))
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Unsupported { .. }),
        "{error:?}"
    );
    assert_eq!(sandbox.assignment_count(), 0);
}
