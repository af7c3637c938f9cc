//! Text a server chooses, printed through qod's errors, cannot drive a
//! terminal; and each cause of a failure is told once.

#![allow(clippy::unwrap_used)]

use std::time::SystemTime;

use qod_core::auth::ClientCredentials;
use qod_core::operations::GetSessionOp;
use qod_core::{Delivery, ErrorKind, Operation, TransportError};

const FORGED: &str = "\u{1b}[2J\u{1b}[H\rerror: forged\nline\u{7}\u{202e}";

fn response(status: u16, body: String) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.into_bytes())
        .unwrap()
}

fn assert_printable(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{text:?}"
    );
    assert!(
        text.contains("forged"),
        "the text is kept, escaped: {text:?}"
    );
}

#[test]
fn camara_codes_and_messages_are_escaped() {
    let quoted = serde_json::to_string(FORGED).unwrap();
    let op = GetSessionOp::new("123e4567-e89b-12d3-a456-426614174000".parse().unwrap());
    let error = op
        .parse(response(
            409,
            format!(r#"{{"status":409,"code":{quoted},"message":{quoted}}}"#),
        ))
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Api(_)), "{error:?}");
    assert_printable(&error.to_string());
    let ErrorKind::Api(api) = error.kind() else {
        return;
    };
    assert_eq!(api.message, FORGED, "the message itself is kept as sent");
}

#[test]
fn oauth_error_descriptions_are_escaped() {
    let quoted = serde_json::to_string(FORGED).unwrap();
    let credentials =
        ClientCredentials::new("https://auth.example.com/token", "id", "secret").unwrap();
    let error = credentials
        .parse_token_response(
            response(
                400,
                format!(r#"{{"error":{quoted},"error_description":{quoted}}}"#),
            ),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap_err();
    assert_printable(&error.to_string());
}

#[test]
fn a_transport_failure_tells_each_part_once() {
    // A call that cannot connect, with a correlator of the caller's.
    let core =
        qod_core::ClientCore::new(qod_core::Endpoint::new("http://127.0.0.1:9/qod/v0").unwrap())
            .with_retry_policy(qod_core::RetryPolicy::none());
    let transport = |_: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> {
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        Err(TransportError::with_source(
            Delivery::NotSent,
            "cannot connect",
            io,
        ))
    };
    let options = qod_core::CallOptions::new()
        .with_correlator(qod_models::XCorrelator::parse("corr-1").unwrap());
    let read = qod_core::operations::GetSessionOp::new(
        "123e4567-e89b-12d3-a456-426614174000".parse().unwrap(),
    );
    let mut call = core.start(&read, &options, SystemTime::UNIX_EPOCH);
    let error = loop {
        match qod_core::Machine::next_step(&mut call, SystemTime::UNIX_EPOCH) {
            qod_core::Step::Send(request) => {
                qod_core::Machine::receive(&mut call, transport(request), SystemTime::UNIX_EPOCH)
            }
            qod_core::Step::Done(result) => break result.unwrap_err(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(error.to_string(), "request not sent (x-correlator corr-1)");
    let mut chain = vec![error.to_string()];
    let mut cause = std::error::Error::source(&error);
    while let Some(next) = cause {
        chain.push(next.to_string());
        cause = next.source();
    }
    assert_eq!(
        chain,
        [
            "request not sent (x-correlator corr-1)",
            "cannot connect",
            "connection refused"
        ]
    );
}
