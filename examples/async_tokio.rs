//! The whole QoD job on tokio: start the embedded sandbox with OAuth 2.0
//! client credentials, then create a session, read it, wait until the network
//! provides it, extend it and delete it, through the async client over real
//! HTTP. No thread of the runtime ever blocks on the network or a backoff.
//!
//! Run with `cargo run --example async_tokio --features reqwest`. No
//! account, no network.

use std::time::Duration;

use qod::auth::ClientCredentials;
use qod::models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, PortsSpec, QosProfileName,
};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

const CLIENT_ID: &str = "example-client";
const CLIENT_SECRET: &str = "example-secret";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::ClientCredentials {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
        },
        ..SandboxConfig::default()
    })?;
    println!("sandbox listening at {}", sandbox.base_url());

    // Against a real operator: its base URL, token URL and credentials instead.
    let oauth = ClientCredentials::new(&sandbox.oauth_token_url(), CLIENT_ID, CLIENT_SECRET)?;
    let client = qod::AsyncClientBuilder::new(&sandbox.v1_url())?
        .credentials(qod::Credentials::ClientCredentials(oauth))
        .build()?;

    let request = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
        QosProfileName::parse("QOS_E")?,
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
    .with_device_ports("5010-5020".parse::<PortsSpec>()?)
    .with_duration(600);

    let session = client.create_session(&request).await?;
    println!(
        "1. created   {} status={} duration={}s",
        session.session_id, session.qos_status, session.duration
    );

    let read = client.get_session(session.session_id).await?;
    println!(
        "2. read      status={} profile={}",
        read.qos_status, read.qos_profile
    );

    let available = client
        .wait_for_session(
            session.session_id,
            Duration::from_millis(200),
            Duration::from_secs(30),
            |info| println!("   waiting   status={}", info.qos_status),
        )
        .await?;
    println!("3. available status={}", available.qos_status);
    if let (Some(started), Some(expires)) = (available.started_at, available.expires_at) {
        println!("   since {started}, expires {expires}");
    }

    let extended = client.extend_session(session.session_id, 300).await?;
    println!("4. extended  duration={}s", extended.duration);

    client.delete_session(session.session_id).await?;
    let after = client.get_session(session.session_id).await?;
    let reason = after.status_info.map(|i| i.to_string()).unwrap_or_default();
    println!("5. deleted   status={} reason={reason}", after.qos_status);

    let stats = sandbox.stats();
    println!(
        "   {} requests reached the sandbox, {} of them for a token",
        stats.requests, stats.token_requests
    );

    // Stopping joins the sandbox's own thread: do it off the runtime's threads.
    tokio::task::spawn_blocking(move || sandbox.stop()).await?;
    Ok(())
}
