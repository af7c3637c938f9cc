//! T-Mobile's TAAP authentication: a client id, a secret and an RSA key.
//! Every call, the token request included, carries a proof-of-possession
//! token signed with the key (RS256) over that very request, so a stolen
//! access token is useless without the key. The key is a PKCS#8 PEM file,
//! whose public half you register with T-Mobile.
//!
//! Run with `cargo run --example tmobile_taap`. It makes a throwaway key
//! file with `openssl genpkey` (as you would), and the embedded sandbox
//! plays T-Mobile, trusting that key.

use std::path::{Path, PathBuf};
use std::process::Command;

use qod::auth::{PopSigner, TaapCredentials};
use qod::models::{CreateSession, Device, PhoneNumber, QosProfileName};
use qod::{Credentials, Endpoint, Flavor};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

const CLIENT_ID: &str = "example-client";
const CLIENT_SECRET: &str = "example-secret";

/// A fresh RSA 2048 key in a PKCS#8 PEM file, which openssl makes readable
/// by its owner only.
fn make_key_file(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let output = Command::new("openssl")
        .args("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out".split(' '))
        .arg(path)
        .output()
        .map_err(|e| format!("this example needs openssl to make a key: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned().into());
    }
    Ok(())
}

/// Deletes the throwaway key file however the example ends.
struct Removed(PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key_file =
        std::env::temp_dir().join(format!("qod-taap-example-{}.pem", std::process::id()));
    make_key_file(&key_file)?;
    let _removed = Removed(key_file.clone());

    // The sandbox trusts the key's public half, as T-Mobile does once it is registered.
    let pem = qod::read_key_file(&key_file)?;
    let sandbox = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::Taap {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            public_key_der: PopSigner::from_pkcs8_pem(&pem)?.public_key_der().to_vec(),
        },
        ..SandboxConfig::default()
    })?;

    // Against T-Mobile, one line does all of this:
    // qod::ClientBuilder::tmobile_key_file(qod::TMobileEnvironment::Production, id, secret, &key_file)?
    let endpoint = Endpoint::builder(&sandbox.v0_url())
        .flavor(Flavor::TMobile)
        .build()?;
    let taap = TaapCredentials::from_pem(CLIENT_ID, CLIENT_SECRET, &pem)?
        .with_token_url(&sandbox.taap_token_url())?;
    let client = qod::ClientBuilder::with_endpoint(endpoint)
        .credentials(Credentials::TMobile(taap))
        .build()?;

    // T-Mobile's rules: the number without '+', no application server needed.
    let request = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("14255550100")?),
        QosProfileName::parse("QOS_VC")?,
    )
    .with_duration(600);
    let session = client.create_session(&request)?;
    println!("created {} ({})", session.session_id, session.qos_status);
    let read = client.get_session(session.session_id)?;
    println!("read    {} for {} s", read.qos_status, read.duration);
    if let Some(expires) = read.expires_at {
        // 0.10 sends times as epoch seconds; they print as RFC 3339 all the same.
        println!("        expires at {expires}");
    }
    client.delete_session(session.session_id)?;
    println!("deleted {}", session.session_id);

    let stats = sandbox.stats();
    println!(
        "{} signed requests reached the sandbox, {} for the token",
        stats.requests, stats.token_requests
    );
    sandbox.stop();
    Ok(())
}
