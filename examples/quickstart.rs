//! The whole QoD job offline: start the embedded sandbox, then create a
//! session, read it, wait until the network provides it, extend it and
//! delete it, over real HTTP through the blocking client.
//!
//! Run with `cargo run --example quickstart`. No account, no network.

use std::time::Duration;

use qod::models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, PortsSpec, QosProfileName,
};
use qod_sandbox::{Sandbox, SandboxConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default())?;
    println!("sandbox listening at {}", sandbox.base_url());

    // Against a real operator: its base URL and credentials instead.
    let client = qod::ClientBuilder::new(&sandbox.v1_url())?.build()?;

    let request = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
        QosProfileName::parse("QOS_E")?,
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
    .with_device_ports("5010-5020".parse::<PortsSpec>()?)
    .with_duration(600);

    let session = client.create_session(&request)?;
    println!(
        "1. created   {} status={} duration={}s",
        session.session_id, session.qos_status, session.duration
    );

    let read = client.get_session(session.session_id)?;
    println!(
        "2. read      status={} profile={}",
        read.qos_status, read.qos_profile
    );

    let available = client.wait_for_session(
        session.session_id,
        Duration::from_millis(200),
        Duration::from_secs(30),
        |info| {
            println!("   waiting   status={}", info.qos_status);
        },
    )?;
    if let (Some(started), Some(expires)) = (available.started_at, available.expires_at) {
        println!("3. available since {started}, expires {expires}");
    }

    let extended = client.extend_session(session.session_id, 300)?;
    println!("4. extended  duration={}s", extended.duration);

    client.delete_session(session.session_id)?;
    let after = client.get_session(session.session_id)?;
    let reason = after.status_info.map(|i| i.to_string()).unwrap_or_default();
    println!("5. deleted   status={} reason={reason}", after.qos_status);

    sandbox.stop();
    Ok(())
}
