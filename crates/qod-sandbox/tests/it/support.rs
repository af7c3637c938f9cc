//! The client's requests the tests send, built with qod's types.

#![allow(clippy::unwrap_used)]

use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};

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
