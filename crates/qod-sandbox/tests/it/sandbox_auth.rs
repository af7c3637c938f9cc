//! Every authentication mode of the sandbox, driven by the qod client over
//! real HTTP: static bearer tokens, OAuth 2.0 client credentials (Basic and
//! Post) and T-Mobile TAAP with proof-of-possession tokens signed by RSA keys
//! generated here with openssl.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::phone_session;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use qod::auth::{
    AccessToken, AuthError, ClientAuthMethod, ClientCredentials, OAuthErrorCode, PopSigner,
    TaapCredentials, X_AUTHORIZATION,
};
use qod::core::Transport;
use qod::models::uuid::Uuid;
use qod::models::{
    CreateSession, Device, ErrorCode, PhoneNumber, QosProfileFilter, QosProfileName, QosStatus,
};
use qod::ureq_transport::UreqTransport;
use qod::{Credentials, Endpoint, Error, ErrorKind, Flavor};
use qod_sandbox::{ClientPublicKey, ManualClock, Sandbox, SandboxAuth, SandboxConfig};
use serde_json::Value;

const CLIENT_ID: &str = "qod-test-client";
const CLIENT_SECRET: &str = "s3cret:with+odd&chars=/ %";

fn start(auth: SandboxAuth) -> Sandbox {
    Sandbox::start(SandboxConfig {
        auth,
        available_after: Duration::ZERO,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> qod::ApiError {
    match result.map_err(Error::into_kind) {
        Err(ErrorKind::Api(error)) => error,
        other => panic!("expected a CAMARA error, got {other:?}"),
    }
}

fn assert_unauthenticated<T: std::fmt::Debug>(result: Result<T, Error>) {
    let error = api_error(result);
    assert_eq!(error.status.as_u16(), 401, "{error}");
    assert_eq!(error.code, ErrorCode::Unauthenticated, "{error}");
}

/// Create, read, delete and read again; returns how many calls it made.
fn lifecycle(client: &qod::Client, number: &str, seconds: u32) -> u64 {
    let created = client
        .create_session(&phone_session(number, seconds))
        .unwrap();
    let read = client.get_session(created.session_id).unwrap();
    assert_eq!(read.qos_status, QosStatus::Available);
    client.delete_session(created.session_id).unwrap();
    let after = client.get_session(created.session_id).unwrap();
    assert_eq!(after.qos_status, QosStatus::Unavailable);
    4
}

// ---------------------------------------------------------------- bearer

#[test]
fn bearer_tokens() {
    let good = "good-token-0123456789";
    let sandbox = start(SandboxAuth::Bearer(vec![
        "another-token-0123456789".to_owned(),
        good.to_owned(),
    ]));
    let client_with = |credentials| {
        qod::ClientBuilder::new(&sandbox.v1_url())
            .unwrap()
            .credentials(credentials)
            .build()
            .unwrap()
    };

    let client = client_with(Credentials::bearer(good).unwrap());
    lifecycle(&client, "+14255550300", 600);
    client
        .get_qos_profile(&QosProfileName::parse("QOS_L").unwrap())
        .unwrap();

    let requests_before = sandbox.stats().requests;
    let wrong = client_with(Credentials::bearer("wrong-token-0123456789").unwrap());
    assert_unauthenticated(wrong.get_session(qod::models::SessionId::new(Uuid::new_v4())));
    assert_unauthenticated(wrong.create_session(&phone_session("+14255550301", 600)));
    assert_unauthenticated(client_with(Credentials::None).retrieve_sessions(Some(
        Device::with_phone_number(PhoneNumber::parse("+14255550300").unwrap()),
    )));
    // A static token cannot be refreshed: each refused call was sent once.
    assert_eq!(sandbox.stats().requests - requests_before, 3);
    assert_eq!(sandbox.stats().sessions_created, 1);
    assert_eq!(sandbox.stats().token_requests, 0);

    // A prefix of the right token, or the right token under another scheme, is refused.
    for authorization in [
        "Bearer good-token-012345678".to_owned(),
        format!("Basic {good}"),
        good.to_owned(),
    ] {
        let request = http::Request::get(format!("{}/qos-profiles/QOS_E", sandbox.v0_url()))
            .header("authorization", authorization)
            .body(Vec::new())
            .unwrap();
        let response = UreqTransport::new().unwrap().send(request).unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let json: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(json["code"], "UNAUTHENTICATED");
    }
}

// ---------------------------------------------------------------- client credentials

fn client_credentials_sandbox(clock: Option<Arc<ManualClock>>) -> Sandbox {
    let mut config = SandboxConfig {
        auth: SandboxAuth::ClientCredentials {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
        },
        available_after: Duration::ZERO,
        ..SandboxConfig::default()
    };
    if let Some(clock) = clock {
        config.clock = clock;
    }
    Sandbox::start(config).unwrap()
}

fn oauth_client(sandbox: &Sandbox, secret: &str, method: ClientAuthMethod) -> qod::Client {
    let oauth = ClientCredentials::new(&sandbox.oauth_token_url(), CLIENT_ID, secret)
        .unwrap()
        .with_auth_method(method);
    qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .credentials(Credentials::ClientCredentials(oauth))
        .build()
        .unwrap()
}

#[test]
fn client_credentials_with_basic_and_post() {
    for method in [ClientAuthMethod::Basic, ClientAuthMethod::Post] {
        let sandbox = client_credentials_sandbox(None);
        let client = oauth_client(&sandbox, CLIENT_SECRET, method);
        let mut calls = lifecycle(&client, "+14255550310", 600);
        calls += lifecycle(&client, "+14255550311", 600);
        assert_eq!(
            client
                .list_qos_profiles(&QosProfileFilter::default())
                .unwrap()
                .len(),
            10
        );
        calls += 1;
        let stats = sandbox.stats();
        // On 1.x client credentials without a scope of their own ask for
        // the scopes of each call's API: one token for the eight session
        // calls, a second (asking for the union) once a call of QoS
        // Profiles needs qos-profiles:read.
        assert_eq!(
            stats.token_requests, 2,
            "{method:?}: one token per API for {calls} calls"
        );
        assert_eq!(stats.requests, calls + 2, "{method:?}: no call was refused");
        assert_eq!(stats.sessions_created, 2);

        // A token the sandbox never issued is refused.
        let forged = qod::ClientBuilder::new(&sandbox.v1_url())
            .unwrap()
            .credentials(Credentials::bearer("sandbox-0000000000000000").unwrap())
            .build()
            .unwrap();
        assert_unauthenticated(forged.get_qos_profile(&QosProfileName::parse("QOS_E").unwrap()));
    }
}

#[test]
fn client_credentials_with_a_wrong_secret() {
    for method in [ClientAuthMethod::Basic, ClientAuthMethod::Post] {
        let sandbox = client_credentials_sandbox(None);
        let client = oauth_client(&sandbox, "not-the-secret", method);
        let error = client
            .create_session(&phone_session("+14255550320", 600))
            .unwrap_err();
        let ErrorKind::Auth(AuthError::OAuth(oauth)) = error.kind() else {
            panic!("{method:?}: expected an OAuth error, got {error:?}")
        };
        assert_eq!(oauth.status.as_u16(), 401);
        assert_eq!(oauth.code, OAuthErrorCode::InvalidClient);
        assert_eq!(oauth.code.to_string(), "invalid_client");
        let stats = sandbox.stats();
        assert_eq!(stats.requests, 1, "only the token request was sent");
        assert_eq!(stats.token_requests, 1);
        assert_eq!(stats.sessions_created, 0);
        assert!(sandbox.create_receipts().is_empty());

        // The failure is not cached: the next call asks again.
        let error = client
            .get_qos_profile(&QosProfileName::parse("QOS_E").unwrap())
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Auth(AuthError::OAuth(_))));
        assert_eq!(sandbox.stats().token_requests, 2);
    }
}

#[test]
fn an_expired_token_is_refreshed_after_a_401() {
    let clock = Arc::new(ManualClock::starting_now());
    let sandbox = client_credentials_sandbox(Some(clock.clone()));
    let client = oauth_client(&sandbox, CLIENT_SECRET, ClientAuthMethod::Basic);
    let profile = QosProfileName::parse("QOS_S").unwrap();
    client.get_qos_profile(&profile).unwrap();
    assert_eq!(sandbox.stats().token_requests, 1);

    // The sandbox's clock passes the token's lifetime; the client's does not.
    clock.advance(Duration::from_secs(3601));
    client.get_qos_profile(&profile).unwrap();
    let stats = sandbox.stats();
    assert_eq!(stats.token_requests, 2, "refetched once after the 401");
    assert_eq!(stats.requests, 5, "token, call, refused call, token, call");
    client.get_qos_profile(&profile).unwrap();
    assert_eq!(sandbox.stats().token_requests, 2);
}

// ---------------------------------------------------------------- TAAP

/// A fresh RSA 2048 key in PKCS#8 PEM, made by openssl.
fn generate_key() -> Vec<u8> {
    let output = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .output()
        .expect("openssl must be installed to run the TAAP tests");
    assert!(
        output.status.success(),
        "openssl genpkey failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.starts_with(b"-----BEGIN PRIVATE KEY-----"));
    output.stdout
}

/// Two keys, generated once per test run (in parallel).
fn keys() -> &'static (Vec<u8>, Vec<u8>) {
    static KEYS: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let other = std::thread::spawn(generate_key);
        (generate_key(), other.join().unwrap())
    })
}

struct Taap {
    sandbox: Sandbox,
    endpoint: Endpoint,
}

impl Taap {
    /// A sandbox that trusts the first key.
    fn start() -> Taap {
        let signer = PopSigner::from_pkcs8_pem(&keys().0).unwrap();
        assert_eq!(
            format!("{signer:?}"),
            "PopSigner { key: [redacted], modulus_bits: 2048 }"
        );
        let sandbox = start(SandboxAuth::Taap {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            public_key_der: signer.public_key_der().to_vec(),
        });
        let endpoint = Endpoint::builder(&sandbox.v0_url())
            .flavor(Flavor::TMobile)
            .build()
            .unwrap();
        Taap { sandbox, endpoint }
    }

    fn credentials(&self, secret: &str, pem: &[u8]) -> TaapCredentials {
        TaapCredentials::from_pem(CLIENT_ID, secret, pem)
            .unwrap()
            .with_token_url(&self.sandbox.taap_token_url())
            .unwrap()
    }

    fn client(&self, secret: &str, pem: &[u8]) -> qod::Client {
        qod::ClientBuilder::with_endpoint(self.endpoint.clone())
            .credentials(Credentials::TMobile(self.credentials(secret, pem)))
            .build()
            .unwrap()
    }

    /// An access token fetched by hand with the right key and secret.
    fn token(&self) -> AccessToken {
        let credentials = self.credentials(CLIENT_SECRET, &keys().0);
        let request = credentials
            .token_request(&self.endpoint, SystemTime::now(), Uuid::new_v4())
            .unwrap();
        let response = UreqTransport::new().unwrap().send(request).unwrap();
        assert_eq!(response.status().as_u16(), 200);
        credentials
            .parse_token_response(response, SystemTime::now())
            .unwrap()
    }

    /// `GET /qos-profiles/QOS_VC` with the token, PoP-signed by `pem`.
    fn signed_get(&self, token: &AccessToken, pem: &[u8]) -> http::Request<Vec<u8>> {
        let mut request =
            http::Request::get(format!("{}/qos-profiles/QOS_VC", self.endpoint.base_url()))
                .header("x-correlator", Uuid::new_v4().to_string())
                .body(Vec::new())
                .unwrap();
        authorize(&self.credentials(CLIENT_SECRET, pem), &mut request, token);
        assert!(request.headers().contains_key(X_AUTHORIZATION));
        request
    }
}

/// Sends a request as it is; returns the status and the JSON body.
fn send(request: http::Request<Vec<u8>>) -> (u16, Value) {
    let response = UreqTransport::new().unwrap().send(request).unwrap();
    let json = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    (response.status().as_u16(), json)
}

fn copy(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone())
        .body(request.body().clone())
        .unwrap();
    *copy.headers_mut() = request.headers().clone();
    copy
}

#[test]
fn taap_full_lifecycle_with_one_token() {
    let taap = Taap::start();
    let client = taap.client(CLIENT_SECRET, &keys().0);
    // T-Mobile: no '+' in the number, no applicationServer needed.
    let request = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("14255550330").unwrap()),
        QosProfileName::parse("QOS_VC").unwrap(),
    )
    .with_duration(600);
    let created = client.create_session(&request).unwrap();
    let mut calls = 1;
    for _ in 0..15 {
        let read = client.get_session(created.session_id).unwrap();
        assert_eq!(read.qos_status, QosStatus::Available);
        calls += 1;
    }
    let extended = client.extend_session(created.session_id, 60).unwrap();
    assert_eq!(extended.duration, 660);
    client
        .get_qos_profile(&QosProfileName::parse("QOS_VC").unwrap())
        .unwrap();
    client.delete_session(created.session_id).unwrap();
    let after = client.get_session(created.session_id).unwrap();
    assert_eq!(after.qos_status, QosStatus::Unavailable);
    calls += 4;
    assert_eq!(calls, 20);

    let stats = taap.sandbox.stats();
    assert_eq!(stats.token_requests, 1, "one token for {calls} calls");
    assert_eq!(
        stats.requests,
        calls + 1,
        "no call was refused and replayed"
    );
    assert_eq!(stats.sessions_created, 1);
}

#[test]
fn taap_with_a_wrong_secret_or_key_gets_no_token() {
    let taap = Taap::start();
    for (secret, pem) in [("not-the-secret", &keys().0), (CLIENT_SECRET, &keys().1)] {
        let before = taap.sandbox.stats();
        let client = taap.client(secret, pem);
        let error = client
            .create_session(&phone_session("+14255550340", 600))
            .unwrap_err();
        let ErrorKind::Auth(AuthError::TokenEndpoint { status, body }) = error.kind() else {
            panic!("expected a refused token request, got {error:?}")
        };
        assert_eq!(status.as_u16(), 401);
        // T-Mobile's own error shape, not RFC 6749's.
        let json: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["reasonCode"], "401", "{json}");
        let after = taap.sandbox.stats();
        assert_eq!(
            after.requests - before.requests,
            1,
            "only the token request"
        );
        assert_eq!(after.token_requests - before.token_requests, 1);
    }
    assert_eq!(taap.sandbox.stats().sessions_created, 0);
    assert!(taap.sandbox.create_receipts().is_empty());
}

#[test]
fn taap_pop_signed_by_another_key_is_refused() {
    let taap = Taap::start();
    let token = taap.token();

    let (status, json) = send(taap.signed_get(&token, &keys().0));
    assert_eq!(status, 200, "the right key passes: {json}");
    assert_eq!(json["name"], "QOS_VC");

    let (status, json) = send(taap.signed_get(&token, &keys().1));
    assert_eq!(status, 401, "{json}");
    assert_eq!(json["code"], "UNAUTHENTICATED");
    assert!(
        json["message"].as_str().unwrap().contains("signature"),
        "{json}"
    );

    // Without a PoP token at all, or with a PoP token over another request.
    let mut bare = taap.signed_get(&token, &keys().0);
    bare.headers_mut().remove(X_AUTHORIZATION);
    let (status, json) = send(bare);
    assert_eq!(status, 401, "{json}");
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .contains("X-Authorization")
    );

    let signed = taap.signed_get(&token, &keys().0);
    let mut elsewhere = copy(&signed);
    *elsewhere.uri_mut() = format!("{}/qos-profiles/QOS_XR", taap.endpoint.base_url())
        .parse()
        .unwrap();
    let (status, json) = send(elsewhere);
    assert_eq!(status, 401, "{json}");
    assert!(json["message"].as_str().unwrap().contains("edts"), "{json}");
}

#[test]
fn taap_replayed_pop_token_is_refused() {
    let taap = Taap::start();
    let token = taap.token();
    let first = taap.signed_get(&token, &keys().0);
    let replay = copy(&first);
    assert_eq!(
        first.headers()[X_AUTHORIZATION],
        replay.headers()[X_AUTHORIZATION]
    );

    let (status, json) = send(first);
    assert_eq!(status, 200, "{json}");
    let (status, json) = send(replay);
    assert_eq!(status, 401, "the same PoP token twice: {json}");
    assert_eq!(json["code"], "UNAUTHENTICATED");
    assert!(
        json["message"].as_str().unwrap().contains("replay"),
        "{json}"
    );

    // The access token itself is still good with a fresh PoP token.
    let (status, _) = send(taap.signed_get(&token, &keys().0));
    assert_eq!(status, 200);
}

#[test]
fn taap_accepts_a_delete_with_a_body_signed_as_without_one() {
    // T-Mobile's own SDK sends `{}` with a DELETE but signs it as a request
    // without a body: T-Mobile's gateway accepts it, so the sandbox must.
    let taap = Taap::start();
    let client = taap.client(CLIENT_SECRET, &keys().0);
    let created = client
        .create_session(&phone_session("+14255550350", 600))
        .unwrap();
    let token = taap.token();
    let mut request = http::Request::delete(format!(
        "{}/sessions/{}",
        taap.endpoint.base_url(),
        created.session_id
    ))
    .header("content-type", "application/json")
    .body(Vec::new())
    .unwrap();
    authorize(
        &taap.credentials(CLIENT_SECRET, &keys().0),
        &mut request,
        &token,
    );
    *request.body_mut() = b"{}".to_vec();
    let (status, json) = send(request);
    assert_eq!(status, 204, "{json}");
    assert_eq!(
        client.get_session(created.session_id).unwrap().qos_status,
        QosStatus::Unavailable
    );

    // A body that means something (a POST's) still counts.
    let mut extend = http::Request::post(format!(
        "{}/sessions/{}/extend",
        taap.endpoint.base_url(),
        created.session_id
    ))
    .header("content-type", "application/json")
    .body(br#"{"requestedAdditionalDuration":60}"#.to_vec())
    .unwrap();
    authorize(
        &taap.credentials(CLIENT_SECRET, &keys().0),
        &mut extend,
        &token,
    );
    *extend.body_mut() = br#"{"requestedAdditionalDuration":600}"#.to_vec();
    let (status, json) = send(extend);
    assert_eq!(status, 401, "{json}");
    assert!(json["message"].as_str().unwrap().contains("edts"), "{json}");
}

#[test]
fn taap_with_a_public_key_read_from_pem() {
    // The public half as `openssl pkey -pubout` writes it.
    let output = Command::new("openssl")
        .args(["pkey", "-pubout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&keys().0)?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(output.stdout.starts_with(b"-----BEGIN PUBLIC KEY-----"));
    let key = ClientPublicKey::from_pem_or_der(&output.stdout).unwrap();
    let sandbox = start(SandboxAuth::taap(CLIENT_ID, CLIENT_SECRET, &key));
    let endpoint = Endpoint::builder(&sandbox.v0_url())
        .flavor(Flavor::TMobile)
        .build()
        .unwrap();
    let credentials = TaapCredentials::from_pem(CLIENT_ID, CLIENT_SECRET, &keys().0)
        .unwrap()
        .with_token_url(&sandbox.token_url().unwrap())
        .unwrap();
    let client = qod::ClientBuilder::with_endpoint(endpoint)
        .credentials(Credentials::TMobile(credentials))
        .build()
        .unwrap();
    lifecycle(&client, "+14255550360", 600);

    // A key that is no RSA public key is refused at the start.
    let error = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::Taap {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            public_key_der: keys().0.clone(),
        },
        ..SandboxConfig::default()
    })
    .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("private key"), "{error}");
}

/// `Authorization: Bearer` with `token`, then a PoP token over the request
/// as it stands, signed with `credentials`' key: what a TAAP client sends.
fn authorize(
    credentials: &TaapCredentials,
    request: &mut http::Request<Vec<u8>>,
    token: &AccessToken,
) {
    let bearer = format!("Bearer {}", token.secret());
    request
        .headers_mut()
        .insert("authorization", bearer.parse().unwrap());
    credentials
        .add_pop(request, SystemTime::now(), Uuid::new_v4())
        .unwrap();
}
