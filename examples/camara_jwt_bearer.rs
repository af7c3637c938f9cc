//! CAMARA's JWT Bearer grant (RFC 7523), as Deutsche Telekom and the
//! aggregators use it: the client asserts, signed with its key, whose token
//! it wants (`sub` = `tel:+…` or a TS.43 `operatortoken:…`), with no user
//! interaction; the token names that user's device. One client serves many
//! users, a token each.
//!
//! Run with `cargo run --example camara_jwt_bearer`. The embedded sandbox
//! plays the operator in its OpenID mode, trusting the key made here; its
//! operator tokens `sandbox-<digits>` stand for phone numbers
//! (`qod_sandbox::test_assets`). No account, no network.

use qod::CallOptions;
use qod::auth::{AssertionKey, AuthorizationServer, ClientAuth, Subject, UserCredentials};
use qod::models::{ApplicationServer, CreateSession, QosProfileName};
use qod::operations::CreateSessionOp;
use qod_sandbox::{
    ClientPublicKey, OpenIdConfig, Sandbox, SandboxAuth, SandboxConfig, test_assets,
};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

const CLIENT_ID: &str = "example-aggregator";

/// How a P-256 public key starts in SPKI (DER), before its 65-byte point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// A fresh P-256 key pair: PKCS#8 private key, SPKI public key.
fn make_key_pair() -> Result<(Vec<u8>, Vec<u8>), Box<dyn std::error::Error>> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| "cannot generate a P-256 key")?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|_| "cannot read the key just made")?;
    let spki = [&P256_SPKI_PREFIX[..], pair.public_key().as_ref()].concat();
    Ok((pkcs8.as_ref().to_vec(), spki))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (private_key, public_key) = make_key_pair()?;
    let sandbox = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::OpenId(
            OpenIdConfig::new(CLIENT_ID)
                .client_public_key(ClientPublicKey::from_pem_or_der(&public_key)?),
        ),
        ..SandboxConfig::default()
    })?;
    let token_url = sandbox
        .token_url()
        .ok_or("the OpenID mode has a token URL")?;
    println!("operator's token endpoint: {token_url}");

    // The token URL given as it is (AuthorizationServer::discover reads it
    // from the operator's discovery document instead). The key signs the
    // grant's assertion; no secret is involved.
    let key = AssertionKey::from_pkcs8_der(&private_key)?;
    let server = AuthorizationServer::new(&token_url)?;
    let user = format!(
        "operatortoken:{}",
        test_assets::operator_token("+14255550100")
    );
    let credentials =
        UserCredentials::jwt_bearer(ClientAuth::private_key_jwt(CLIENT_ID, key)?, server)?
            .with_default_subject(Subject::parse(&user)?);
    let client = qod::ClientBuilder::new(&sandbox.v1_url())?
        .credentials(credentials)
        .build()?;

    // No device in the request: the token names it.
    let request = CreateSession::for_token_device(QosProfileName::parse("QOS_E")?)
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
        .with_duration(600);
    let session = client.create_session(&request)?;
    // The operator token prints redacted.
    println!(
        "1. for {}: created {} status={}",
        Subject::parse(&user)?,
        session.session_id,
        session.qos_status
    );

    // Another user of the same client, named per call.
    let other = CallOptions::new().with_subject(Subject::phone_number("+14255550123")?);
    let theirs = client.execute(&CreateSessionOp::new(request.clone()), &other)?;
    println!(
        "2. for tel:+14255550123: created {} status={}",
        theirs.session_id, theirs.qos_status
    );
    println!(
        "3. the client holds {} users' tokens",
        client.authenticator().cached_subjects()
    );

    // Each user sees their own device's sessions.
    let mine = client.retrieve_sessions(None)?;
    let yours = client.execute(&qod::operations::RetrieveSessionsOp::new(None), &other)?;
    println!("4. sessions by device: {} and {}", mine.len(), yours.len());

    client.delete_session(session.session_id)?;
    client.execute(
        &qod::operations::DeleteSessionOp::new(theirs.session_id),
        &other,
    )?;
    println!("5. deleted both");

    let stats = sandbox.stats();
    println!(
        "{} requests reached the operator, {} of them for tokens",
        stats.requests, stats.token_requests
    );
    sandbox.stop();
    Ok(())
}
