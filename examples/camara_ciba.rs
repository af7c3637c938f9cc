//! CAMARA's CIBA flow (ICM's Security and Interoperability Profile), as
//! Telefónica and Vodafone ask for QoD: the client finds the operator's
//! endpoints by OpenID discovery, authenticates with `private_key_jwt`
//! (an ES256 assertion signed with its key), names the user by
//! `login_hint`, and the operator asks that user; once the user approves,
//! the token names the device, so the session's request names none.
//!
//! Run with `cargo run --example camara_ciba`. The embedded sandbox plays
//! the operator, in its OpenID mode: its users approve after a second,
//! and `+99999991403` denies (`qod_sandbox::test_assets`). No account, no
//! network.

use std::time::{Duration, Instant};

use qod::auth::{
    AssertionKey, AuthError, AuthorizationServer, ClientAuth, Discovery, FlowEnd, Subject,
    UserCredentials,
};
use qod::models::{ApplicationServer, CreateSession, QosProfileName};
use qod::operations::RetrieveSessionsOp;
use qod::{Api, CallOptions, Credentials, ErrorKind, RetryPolicy};
use qod_sandbox::{
    ClientPublicKey, OpenIdConfig, Sandbox, SandboxAuth, SandboxConfig, test_assets,
};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

const CLIENT_ID: &str = "example-app";

/// How a P-256 public key starts in SPKI (DER), before its 65-byte point:
/// the algorithm (id-ecPublicKey) and the curve (prime256v1).
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// A fresh P-256 key pair: the PKCS#8 private key (what `openssl genpkey
/// -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes, as DER) and the
/// public key in SPKI, which the client registers with the operator.
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

    // The operator knows the client by its id and its registered public key.
    let sandbox = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::OpenId(
            OpenIdConfig::new(CLIENT_ID)
                .client_public_key(ClientPublicKey::from_pem_or_der(&public_key)?),
        ),
        ..SandboxConfig::default()
    })?;
    let discovery_url = sandbox
        .openid_configuration_url()
        .ok_or("the OpenID mode serves discovery")?;
    println!("operator's discovery document: {discovery_url}");

    // Against a real operator: its openIdConnectUrl, your client id and key
    // (AssertionKey::from_pkcs8_pem(&qod::read_key_file("client.key.pem")?)).
    let key = AssertionKey::from_pkcs8_der(&private_key)?;
    let server = AuthorizationServer::discover(Discovery::new(&discovery_url)?);
    let credentials = UserCredentials::ciba(ClientAuth::private_key_jwt(CLIENT_ID, key)?, server)
        .with_default_subject(Subject::phone_number("+14255550100")?);
    let client = qod::ClientBuilder::new(&sandbox.v1_url())?
        .credentials(credentials)
        // A call waits for the user's answer: give it longer than the 60 s default.
        .retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_secs(300)))
        .build()?;

    // Ask for the user's consent before the first call (a call would too).
    let asked = Instant::now();
    let token = client.fetch_token(Api::QualityOnDemand, &CallOptions::new())?;
    println!(
        "1. tel:+14255550100 approved after {:.1} s",
        asked.elapsed().as_secs_f64()
    );
    if let Some(scope) = token.asked_scope() {
        println!("   scope asked: {scope}");
    }
    if let Credentials::User(user) = client.authenticator().credentials() {
        let server = user.server();
        if let (Some(backchannel), Some(token_url)) = (server.backchannel_url(), server.token_url())
        {
            println!("   discovered: bc-authorize {backchannel}, token {token_url}");
        }
    }

    // No device in the request: the token names it.
    let request = CreateSession::for_token_device(QosProfileName::parse("QOS_E")?)
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
        .with_duration(600);
    let session = client.create_session(&request)?;
    println!(
        "2. created {} status={} device={}",
        session.session_id,
        session.qos_status,
        match session.device {
            Some(_) => "echoed",
            None => "the token's",
        }
    );
    let sessions = client.retrieve_sessions(None)?;
    println!("3. the user's device has {} session(s)", sessions.len());
    client.delete_session(session.session_id)?;
    println!("4. deleted {}", session.session_id);

    // One client, many users: each call may name its own subject.
    let someone_else = CallOptions::new().with_subject(Subject::phone_number(
        test_assets::CIBA_DENIED_PHONE_NUMBER,
    )?);
    match client.execute(&RetrieveSessionsOp::new(None), &someone_else) {
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::Auth(AuthError::Flow(flow)) if flow.end == FlowEnd::Denied
            ) =>
        {
            println!(
                "5. tel:{} denied: {error}",
                test_assets::CIBA_DENIED_PHONE_NUMBER
            );
        }
        other => return Err(format!("a denied user should end the flow: {other:?}").into()),
    }

    let stats = sandbox.stats();
    println!(
        "{} requests reached the operator, {} of them for tokens",
        stats.requests, stats.token_requests
    );
    sandbox.stop();
    Ok(())
}
