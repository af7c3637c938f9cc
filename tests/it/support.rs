//! The client's requests the tests send, built with qod's types, and a
//! server (qod-testkit's) that drops its connections.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
use qod_testkit::{Reply, TestServer, json};

/// A device known by its phone number.
pub fn phone(number: &str) -> Device {
    Device::with_phone_number(PhoneNumber::parse(number).unwrap())
}

/// A create request for `device` with `profile` and `seconds`, to the test application server.
pub fn session_request(device: Device, profile: &str, seconds: u32) -> CreateSession {
    CreateSession::new(device, QosProfileName::parse(profile).unwrap())
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse().unwrap()))
        .with_duration(seconds)
}

/// A QOS_E request for the device with phone `number`.
pub fn phone_session(number: &str, seconds: u32) -> CreateSession {
    session_request(phone(number), "QOS_E", seconds)
}

/// Answers every request (a token for a path ending in `/token`, 201 with
/// `session` to a POST, 200 with it otherwise), then drops the connection
/// 3 ms later without reading what arrived meanwhile, as proxies that close
/// idle keep-alive connections do.
pub fn dropping_server(session: String) -> TestServer {
    TestServer::start(move |seen| {
        let (status, body) = if seen.path.ends_with("/token") {
            (
                200,
                r#"{"access_token":"tok-1234567890","token_type":"Bearer","expires_in":3600}"#
                    .to_owned(),
            )
        } else if seen.method == "POST" {
            (201, session.clone())
        } else {
            (200, session.clone())
        };
        Reply::RawThenClose {
            bytes: json(status, &body),
            linger: Duration::from_millis(3),
        }
    })
}
