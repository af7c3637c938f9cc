//! `wait_for_assignment` polls the assignment until the network decides,
//! sleeping the interval in between, and gives up with the last reading.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::TestClock;
use http::{Request, Response};
use qod_core::{Client, ClientCore, Endpoint, ErrorKind, Reading, TransportError};
use qod_models::{AssignmentId, QosStatus};

const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// A client whose server answers the statuses of `script` in turn, then
/// repeats the last; it records the paths asked for.
fn scripted(
    script: &[&'static str],
) -> (
    Client<impl qod_core::Transport>,
    Arc<TestClock>,
    Arc<Mutex<Vec<String>>>,
) {
    let script = Mutex::new(script.to_vec());
    let paths = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&paths);
    let transport = move |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        seen.lock()
            .unwrap()
            .push(format!("{} {}", request.method(), request.uri().path()));
        let mut script = script.lock().unwrap();
        let status = if script.len() > 1 {
            script.remove(0)
        } else {
            script[0]
        };
        let body = format!(r#"{{"assignmentId":"{ID}","qosProfile":"QOS_L","status":"{status}"}}"#);
        Ok(Response::builder()
            .status(200)
            .body(body.into_bytes())
            .unwrap())
    };
    let clock = Arc::new(TestClock::new());
    let core = ClientCore::new(Endpoint::from_api_root("http://127.0.0.1:9").unwrap());
    (Client::new(transport, core, clock.clone()), clock, paths)
}

fn id() -> AssignmentId {
    ID.parse().unwrap()
}

#[test]
fn polls_until_the_assignment_is_no_longer_requested() {
    let (client, clock, paths) = scripted(&["REQUESTED", "REQUESTED", "AVAILABLE"]);
    let mut readings = Vec::new();
    let info = client
        .wait_for_assignment(
            id(),
            Duration::from_secs(2),
            Duration::from_secs(60),
            |info| {
                readings.push(info.status.clone());
            },
        )
        .unwrap();
    assert_eq!(info.status, QosStatus::Available);
    assert_eq!(
        readings,
        [
            QosStatus::Requested,
            QosStatus::Requested,
            QosStatus::Available
        ]
    );
    assert_eq!(*clock.sleeps.lock().unwrap(), [Duration::from_secs(2); 2]);
    let expected = format!("GET /qos-provisioning/v0.3/qos-assignments/{ID}");
    assert_eq!(*paths.lock().unwrap(), [expected.as_str(); 3]);
}

#[test]
fn unavailable_also_ends_the_wait() {
    let (client, _, _) = scripted(&["UNAVAILABLE"]);
    let info = client
        .wait_for_assignment(id(), Duration::from_secs(1), Duration::from_secs(5), |_| {})
        .unwrap();
    assert_eq!(info.status, QosStatus::Unavailable);
}

#[test]
fn gives_up_with_the_last_reading() {
    let (client, clock, _) = scripted(&["REQUESTED"]);
    let error = client
        .wait_for_assignment(id(), Duration::from_secs(2), Duration::from_secs(5), |_| {})
        .unwrap_err();
    let ErrorKind::WaitTimedOut { waited, last } = error.kind() else {
        panic!("{error:?}")
    };
    assert_eq!(*waited, Duration::from_secs(4));
    let Reading::Assignment(last) = &**last else {
        panic!("{last:?}")
    };
    assert_eq!(last.assignment_id, id());
    assert_eq!(clock.sleeps.lock().unwrap().len(), 2);
    assert_eq!(
        error.to_string(),
        format!("QoS assignment {ID} still REQUESTED after 4s")
    );
}
