//! OAuth 2.0 client credentials, as CAMARA operators offer them: the client
//! asks the token endpoint for an access token with its id and secret,
//! caches it, shares it between calls and threads, and fetches a new one
//! ahead of its expiry or after a 401.
//!
//! Run with `cargo run --example oauth2_client_credentials`. The embedded
//! sandbox plays the operator, token endpoint included.

use std::sync::Arc;
use std::thread;

use qod::auth::ClientCredentials;
use qod::models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileFilter, QosProfileName,
    QosProfileStatus,
};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

const CLIENT_ID: &str = "example-client";
/// From a secret store in a real program: it never prints (try `{:?}`).
const CLIENT_SECRET: &str = "example-secret";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    // The sandbox knows this one client, as an operator's token endpoint would.
    let client_id = CLIENT_ID.to_owned();
    let client_secret = CLIENT_SECRET.to_owned();
    let auth = SandboxAuth::ClientCredentials {
        client_id,
        client_secret,
    };
    let sandbox = Sandbox::start(SandboxConfig {
        auth,
        ..SandboxConfig::default()
    })?;

    // Against a real operator: its token URL and API base URL instead.
    let credentials = ClientCredentials::new(&sandbox.oauth_token_url(), CLIENT_ID, CLIENT_SECRET)?;
    println!("credentials: {credentials:?}");
    let client = Arc::new(
        qod::ClientBuilder::new(&sandbox.v1_url())?
            .credentials(qod::Credentials::ClientCredentials(credentials))
            .build()?,
    );

    let active = QosProfileFilter {
        status: Some(QosProfileStatus::Active),
        ..QosProfileFilter::default()
    };
    let names: Vec<String> = client
        .list_qos_profiles(&active)?
        .into_iter()
        .map(|profile| profile.name.to_string())
        .collect();
    println!("active profiles: {}", names.join(", "));

    // Four threads, one client: they share its token.
    let workers: Vec<_> = (0..4)
        .map(|n| {
            let client = Arc::clone(&client);
            thread::spawn(move || -> Result<String, BoxError> {
                let phone = PhoneNumber::parse(format!("+1425555020{n}"))?;
                let body = CreateSession::new(
                    Device::with_phone_number(phone),
                    QosProfileName::parse("QOS_M")?,
                )
                .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
                .with_duration(120);
                let session = client.create_session(&body)?;
                client.delete_session(session.session_id)?;
                Ok(format!(
                    "thread {n}: created and deleted {}",
                    session.session_id
                ))
            })
        })
        .collect();
    for worker in workers {
        let outcome = worker.join().map_err(|_| "a worker panicked")??;
        println!("{outcome}");
    }

    let stats = sandbox.stats();
    println!(
        "{} calls reached the sandbox; {} of them asked for a token",
        stats.requests, stats.token_requests
    );
    sandbox.stop();
    Ok(())
}
