//! Bearer-token authentication: the client sends a token you already have
//! (issued by your operator's portal, or by a login of your own) on every
//! call. A static token cannot be refreshed, so a refused one is an error
//! the caller sees at once.
//!
//! Run with `cargo run --example bearer_token`. The embedded sandbox plays
//! the operator and accepts one token.

use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
use qod::{Credentials, Error, ErrorKind};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

/// The token the operator gave you; from a secret store, never the source.
const TOKEN: &str = "example-bearer-token-0123456789";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::Bearer(vec![TOKEN.to_owned()]),
        ..SandboxConfig::default()
    })?;

    // Against a real operator: its base URL instead of the sandbox's.
    let client = qod::ClientBuilder::new(&sandbox.v1_url())?
        .credentials(Credentials::bearer(TOKEN)?)
        .build()?;

    let device = Device::with_phone_number(PhoneNumber::parse("+14255550100")?);
    let request = CreateSession::new(device, QosProfileName::parse("QOS_L")?)
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
        .with_duration(300);
    let session = client.create_session(&request)?;
    println!("created {} ({})", session.session_id, session.qos_status);
    client.delete_session(session.session_id)?;
    println!("deleted {}", session.session_id);

    // A wrong token is refused with the API's own error, status 401.
    let stranger = qod::ClientBuilder::new(&sandbox.v1_url())?
        .credentials(Credentials::bearer("not-the-token-0123456789")?)
        .build()?;
    match stranger
        .get_session(session.session_id)
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Api(refused)) => {
            println!("wrong token: {} {}", refused.status.as_u16(), refused.code)
        }
        other => return Err(format!("expected a 401, got {other:?}").into()),
    }

    sandbox.stop();
    Ok(())
}
