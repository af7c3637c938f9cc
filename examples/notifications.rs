//! Status notifications: the operator POSTs a CloudEvent to the sink you
//! named when the session becomes AVAILABLE, and again when it ends. This
//! program runs a small HTTP receiver, creates a session with it as the
//! sink, checks each notification with `qod::notification::verify` (the
//! token you gave, the content type, the event) and prints the events.
//!
//! Run with `cargo run --example notifications`. The embedded sandbox plays
//! the operator and sends the notifications over real HTTP.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::Duration;

use qod::models::time::{self, OffsetDateTime};
use qod::models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, QosStatusChangedEvent,
    SinkCredential, SinkUrl, Timestamp,
};
use qod::notification::verify;
use qod_sandbox::{Sandbox, SandboxConfig};

/// The token the operator must put on each notification; any other is refused.
const SINK_TOKEN: &str = "example-sink-token-0123456789";
/// The largest notification body read: events are small.
const MAX_BODY: usize = 64 * 1024;
/// How long the program waits for a notification before it gives up.
const PATIENCE: Duration = Duration::from_secs(10);

/// Reads one HTTP/1.1 request; `None` when the peer closed the connection.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<http::Request<Vec<u8>>>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let mut request = http::Request::builder()
        .method(words.next().unwrap_or_default())
        .uri(words.next().unwrap_or_default());
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break; // the blank line that ends the head
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().unwrap_or(usize::MAX);
        }
        request = request.header(name.trim(), value.trim());
    }
    if length > MAX_BODY {
        return Err(std::io::Error::other("body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    request.body(body).map(Some).map_err(std::io::Error::other)
}

/// Answers each request on `stream`: 204 and the event to `events` when it
/// verifies, 401 or 400 when it does not.
fn receive(stream: TcpStream, events: &Sender<QosStatusChangedEvent>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(PATIENCE))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader)? {
        let status = match verify(&request, Some(SINK_TOKEN)) {
            Ok(event) => {
                let _ = events.send(event);
                "204 No Content"
            }
            Err(refused) if refused.is_unauthorized() => "401 Unauthorized",
            Err(_) => "400 Bad Request",
        };
        write!(writer, "HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n")?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let receiver = TcpListener::bind("127.0.0.1:0")?;
    let sink = format!("http://{}/qod-events", receiver.local_addr()?);
    let (events, received) = mpsc::channel();
    thread::spawn(move || {
        for stream in receiver.incoming().flatten() {
            let events = events.clone();
            thread::spawn(move || receive(stream, &events));
        }
    });
    println!("receiving notifications at {sink}");

    let sandbox = Sandbox::start(SandboxConfig::default())?;
    let client = qod::ClientBuilder::new(&sandbox.v1_url())?.build()?;

    // The token must outlive the session, or the notifications stop.
    let token_expires =
        Timestamp::from_datetime(OffsetDateTime::now_utc() + time::Duration::hours(2));
    // A real sink is https; plain http is accepted only to loopback.
    let request = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
        QosProfileName::parse("QOS_E")?,
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
    .with_duration(600)
    .with_sink(
        SinkUrl::parse(sink.as_str())?,
        Some(SinkCredential::access_token(SINK_TOKEN, token_expires)),
    );
    let session = client.create_session(&request)?;
    println!("created {} ({})", session.session_id, session.qos_status);

    let print_next = || -> Result<(), Box<dyn std::error::Error>> {
        let event = received
            .recv_timeout(PATIENCE)
            .map_err(|_| format!("no notification within {PATIENCE:?}"))?;
        let reason = event.data.status_info.map(|info| format!(" ({info})"));
        println!(
            "event   {} is {}{} at {}\n        {}",
            event.data.session_id,
            event.data.qos_status,
            reason.unwrap_or_default(),
            event.time,
            event.event_type,
        );
        Ok(())
    };
    print_next()?; // AVAILABLE, once the network provides it
    client.delete_session(session.session_id)?;
    println!("deleted {}", session.session_id);
    print_next()?; // UNAVAILABLE, because it was deleted

    sandbox.stop();
    Ok(())
}
