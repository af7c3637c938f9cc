//! Three-legged tokens over real loopback HTTP on both drivers: every flow
//! and client authentication method against the sandbox's OpenID mode,
//! CIBA's scripted answers, and per-subject single flight (64 tasks, 8
//! threads, two users at once, a task cancelled mid-flow) against a
//! scripted authorization server that counts what it is asked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use qod::auth::{
    AssertionKey, AuthorizationServer, ClientAuth, ClientCredentials, Discovery, FlowEnd, Subject,
    UserCredentials,
};
use qod::models::{ApplicationServer, CreateSession, QosProfileName, SessionId};
use qod::operations::{CreateSessionOp, DeleteSessionOp, GetSessionOp};
use qod::{CallOptions, Credentials, Error, ErrorKind};
use qod_sandbox::test_assets::{
    CIBA_APPROVED_PHONE_NUMBER, CIBA_DENIED_PHONE_NUMBER, CIBA_NEVER_APPROVED_PHONE_NUMBER,
    CIBA_SLOW_DOWN_PHONE_NUMBER, UNKNOWN_PHONE_NUMBER,
};
use qod_sandbox::{ClientPublicKey, OpenIdConfig, Sandbox, SandboxAuth, SandboxConfig};
use qod_testkit::{Reply, TestServer};

const RSA_PRIVATE: &[u8] = include_bytes!("../../crates/qod-core/tests/fixtures/test-rsa-2048.pem");
const EC_PRIVATE: &[u8] = include_bytes!("../../crates/qod-core/tests/fixtures/test-ec-p256.pem");
const RSA_PUBLIC: &[u8] =
    include_bytes!("../../crates/qod-sandbox/tests/fixtures/test-rsa-2048.spki.pem");
const EC_PUBLIC: &[u8] =
    include_bytes!("../../crates/qod-sandbox/tests/fixtures/test-ec-p256.spki.der");
const CLIENT_ID: &str = "qod-tests";
const SECRET: &str = "s3cret";
/// No call of this suite may take longer: past it, a driver hangs.
const HANG_BOUND: Duration = Duration::from_secs(30);

fn sandbox(key: &[u8], expires_in: Duration) -> Sandbox {
    let config = OpenIdConfig::new(CLIENT_ID)
        .client_secret(SECRET)
        .client_public_key(ClientPublicKey::from_pem_or_der(key).unwrap())
        .ciba_approval_delay(Duration::from_millis(300))
        .ciba_interval(Duration::ZERO)
        .ciba_expires_in(expires_in);
    Sandbox::start(SandboxConfig {
        auth: SandboxAuth::OpenId(config),
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn discovered(sandbox: &Sandbox) -> AuthorizationServer {
    AuthorizationServer::discover(
        Discovery::new(&sandbox.openid_configuration_url().unwrap()).unwrap(),
    )
}

fn subject(phone: &str) -> Subject {
    Subject::phone_number(phone).unwrap()
}

fn create_op() -> CreateSessionOp {
    let body = CreateSession::for_token_device(QosProfileName::parse("QOS_E").unwrap())
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse().unwrap()))
        .with_duration(600);
    CreateSessionOp::new(body)
}

/// Create, read and delete a session on the token's device.
fn lifecycle(sandbox: &Sandbox, credentials: Credentials, options: &CallOptions) {
    let client = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .credentials(credentials)
        .build()
        .unwrap();
    let made = client.execute(&create_op(), options).unwrap();
    let id = made.session_id;
    let read = client.execute(&GetSessionOp::new(id), options).unwrap();
    assert_eq!(read.session_id, id);
    client.execute(&DeleteSessionOp::new(id), options).unwrap();
}

#[test]
fn every_flow_and_client_authentication_method_against_the_sandbox() {
    type Setup = Box<dyn Fn(&Sandbox) -> Credentials>;
    let cases: Vec<(&str, &[u8], Setup)> = vec![
        (
            "CIBA, client_secret_basic, discovered",
            RSA_PUBLIC,
            Box::new(|sandbox| {
                let client = ClientAuth::secret_basic(CLIENT_ID, SECRET).unwrap();
                UserCredentials::ciba(client, discovered(sandbox)).into()
            }),
        ),
        (
            "CIBA, client_secret_post, endpoints given",
            RSA_PUBLIC,
            Box::new(|sandbox| {
                let base = sandbox.base_url();
                let server = AuthorizationServer::new(&format!("{base}/oauth2/token"))
                    .unwrap()
                    .with_backchannel_url(&format!("{base}/oauth2/bc-authorize"))
                    .unwrap();
                let client = ClientAuth::secret_post(CLIENT_ID, SECRET).unwrap();
                UserCredentials::ciba(client, server).into()
            }),
        ),
        (
            "CIBA, private_key_jwt RS256",
            RSA_PUBLIC,
            Box::new(|sandbox| {
                let key = AssertionKey::from_pkcs8_pem(RSA_PRIVATE).unwrap();
                let client = ClientAuth::private_key_jwt(CLIENT_ID, key).unwrap();
                UserCredentials::ciba(client, discovered(sandbox)).into()
            }),
        ),
        (
            "CIBA, private_key_jwt ES256",
            EC_PUBLIC,
            Box::new(|sandbox| {
                let key = AssertionKey::from_pkcs8_pem(EC_PRIVATE).unwrap();
                let client = ClientAuth::private_key_jwt(CLIENT_ID, key).unwrap();
                UserCredentials::ciba(client, discovered(sandbox)).into()
            }),
        ),
        (
            "JWT Bearer, RS256",
            RSA_PUBLIC,
            Box::new(|sandbox| {
                let key = AssertionKey::from_pkcs8_pem(RSA_PRIVATE).unwrap();
                let client = ClientAuth::private_key_jwt(CLIENT_ID, key).unwrap();
                UserCredentials::jwt_bearer(client, discovered(sandbox))
                    .unwrap()
                    .into()
            }),
        ),
    ];
    for (name, public_key, credentials) in cases {
        let sandbox = sandbox(public_key, Duration::from_secs(10));
        let options = CallOptions::new().with_subject(subject(CIBA_APPROVED_PHONE_NUMBER));
        lifecycle(&sandbox, credentials(&sandbox), &options);
        eprintln!("{name}: ok");
    }
}

#[test]
fn client_credentials_with_private_key_jwt_ask_for_their_calls_scopes() {
    let sandbox = sandbox(EC_PUBLIC, Duration::from_secs(10));
    let key = AssertionKey::from_pkcs8_pem(EC_PRIVATE).unwrap();
    let client = ClientAuth::private_key_jwt(CLIENT_ID, key).unwrap();
    let credentials =
        ClientCredentials::from_client_auth(&sandbox.token_url().unwrap(), client).unwrap();
    let client = qod::ClientBuilder::new(&sandbox.v1_url())
        .unwrap()
        .credentials(credentials)
        .build()
        .unwrap();
    // Two-legged: the device is named; the sandbox refuses a token without the call's scope.
    let device = qod::models::Device::with_phone_number(
        qod::models::PhoneNumber::parse(CIBA_APPROVED_PHONE_NUMBER).unwrap(),
    );
    let body = CreateSession::new(device, QosProfileName::parse("QOS_E").unwrap())
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse().unwrap()))
        .with_duration(600);
    let made = client.create_session(&body).unwrap();
    client.delete_session(made.session_id).unwrap();
}

fn flow_end(error: &Error) -> Option<FlowEnd> {
    match error.kind() {
        ErrorKind::Auth(auth) => auth.flow_end(),
        _ => None,
    }
}

#[test]
fn cibas_scripted_answers_arrive_as_typed_errors_on_both_drivers() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // slow_down adds 5 s to the interval: that request needs the time.
    for (phone, end, expires_in) in [
        (CIBA_SLOW_DOWN_PHONE_NUMBER, None, 10),
        (CIBA_DENIED_PHONE_NUMBER, Some(FlowEnd::Denied), 10),
        (UNKNOWN_PHONE_NUMBER, Some(FlowEnd::UnknownUser), 10),
        (CIBA_NEVER_APPROVED_PHONE_NUMBER, Some(FlowEnd::Expired), 2),
    ] {
        let sandbox = sandbox(RSA_PUBLIC, Duration::from_secs(expires_in));
        let client_auth = || ClientAuth::secret_basic(CLIENT_ID, SECRET).unwrap();
        let blocking = qod::ClientBuilder::new(&sandbox.v1_url())
            .unwrap()
            .credentials(UserCredentials::ciba(client_auth(), discovered(&sandbox)))
            .build()
            .unwrap();
        let asynchronous = runtime.block_on(async {
            qod::AsyncClientBuilder::new(&sandbox.v1_url())
                .unwrap()
                .credentials(UserCredentials::ciba(client_auth(), discovered(&sandbox)))
                .build()
                .unwrap()
        });
        let options = CallOptions::new().with_subject(subject(phone));
        let op = create_op();
        for driver in 0..2 {
            // One after the other: a device has one session at a time.
            let result = match driver {
                0 => blocking.execute(&op, &options),
                _ => runtime.block_on(asynchronous.execute(&op, &options)),
            };
            match (result, end) {
                (Ok(made), None) => blocking
                    .execute(&DeleteSessionOp::new(made.session_id), &options)
                    .unwrap(),
                (Err(error), Some(end)) => {
                    assert_eq!(flow_end(&error), Some(end), "{phone}: {error}");
                    assert!(error.nothing_sent(), "{phone}");
                }
                (other, _) => panic!("{phone}: {other:?}"),
            }
        }
    }
}

/// A scripted authorization server and API: bc-authorize acknowledges with
/// a 1 s interval, the first poll of each request is pending, the next
/// answers a token named after the login hint, and the API wants it.
struct Scripted {
    server: TestServer,
    backchannel: Arc<AtomicUsize>,
}

fn scripted() -> Scripted {
    let backchannel = Arc::new(AtomicUsize::new(0));
    let polls = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        u32,
    >::new()));
    let counted = backchannel.clone();
    let server = TestServer::start(move |seen| {
        let form: Vec<(String, String)> = form_urlencoded::parse(&seen.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        match seen.path.as_str() {
            "/bc-authorize" => {
                counted.fetch_add(1, Ordering::SeqCst);
                let hint = field("login_hint");
                let id = hint.trim_start_matches("tel:+");
                Reply::json(
                    200,
                    &format!(r#"{{"auth_req_id":"{id}","expires_in":30,"interval":1}}"#),
                )
            }
            "/token" => {
                let id = field("auth_req_id");
                let mut polls = polls.lock().unwrap();
                let seen_before = polls.entry(id.clone()).or_insert(0);
                *seen_before += 1;
                if *seen_before == 1 {
                    return Reply::json(400, r#"{"error":"authorization_pending"}"#);
                }
                Reply::json(
                    200,
                    &format!(
                        r#"{{"access_token":"user-{id}","token_type":"Bearer","expires_in":3600}}"#
                    ),
                )
            }
            _ => {
                assert!(
                    seen.header("authorization")
                        .is_some_and(|value| value.starts_with("Bearer user-")),
                    "{seen:?}"
                );
                Reply::json(200, &session_json())
            }
        }
    });
    Scripted {
        server,
        backchannel,
    }
}

fn session_json() -> String {
    r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_E","duration":600,
        "startedAt":"2023-11-14T22:13:20Z","expiresAt":"2023-11-14T22:23:20Z","qosStatus":"AVAILABLE",
        "applicationServer":{"ipv4Address":"198.51.100.10"}}"#
        .to_owned()
}

fn scripted_credentials(scripted: &Scripted) -> UserCredentials {
    let server = AuthorizationServer::new(&scripted.server.url("/token"))
        .unwrap()
        .with_backchannel_url(&scripted.server.url("/bc-authorize"))
        .unwrap();
    UserCredentials::ciba(ClientAuth::secret_basic(CLIENT_ID, SECRET).unwrap(), server)
}

fn id() -> SessionId {
    "123e4567-e89b-12d3-a456-426614174000".parse().unwrap()
}

fn sixty_four_tasks_two_users(runtime: tokio::runtime::Runtime) {
    let scripted = scripted();
    let client = Arc::new(runtime.block_on(async {
        qod::AsyncClientBuilder::new(&scripted.server.url("/quality-on-demand/v1"))
            .unwrap()
            .credentials(scripted_credentials(&scripted))
            .build()
            .unwrap()
    }));
    let succeeded = runtime.block_on(async {
        let tasks: Vec<_> = (0..64)
            .map(|task| {
                let client = client.clone();
                let who = if task % 2 == 0 {
                    "+14255550100"
                } else {
                    "+14255550101"
                };
                let options = CallOptions::new().with_subject(subject(who));
                tokio::spawn(
                    async move { client.execute(&GetSessionOp::new(id()), &options).await },
                )
            })
            .collect();
        let mut succeeded = 0;
        for task in tasks {
            let result = tokio::time::timeout(HANG_BOUND, task)
                .await
                .expect("a task hung")
                .unwrap();
            succeeded += usize::from(result.is_ok());
        }
        succeeded
    });
    assert_eq!(succeeded, 64);
    // One flow per user, the two at once.
    assert_eq!(scripted.backchannel.load(Ordering::SeqCst), 2);
    assert_eq!(client.core().authenticator().cached_subjects(), 2);
}

#[test]
fn sixty_four_tasks_for_two_users_make_one_flow_each_on_both_runtimes() {
    sixty_four_tasks_two_users(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
    sixty_four_tasks_two_users(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
}

#[test]
fn eight_threads_for_one_user_make_one_flow_on_the_blocking_client() {
    let scripted = scripted();
    let client = Arc::new(
        qod::ClientBuilder::new(&scripted.server.url("/quality-on-demand/v1"))
            .unwrap()
            .credentials(
                scripted_credentials(&scripted).with_default_subject(subject("+14255550100")),
            )
            .build()
            .unwrap(),
    );
    let (done, results) = std::sync::mpsc::channel();
    for _ in 0..8 {
        let (client, done) = (client.clone(), done.clone());
        std::thread::spawn(move || {
            done.send(client.get_session(id()).is_ok()).unwrap();
        });
    }
    for _ in 0..8 {
        assert!(results.recv_timeout(HANG_BOUND).expect("a thread hung"));
    }
    assert_eq!(scripted.backchannel.load(Ordering::SeqCst), 1);
}

#[test]
fn a_task_cancelled_mid_flow_hands_the_flow_to_the_next_call() {
    let scripted = scripted();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Arc::new(runtime.block_on(async {
        qod::AsyncClientBuilder::new(&scripted.server.url("/quality-on-demand/v1"))
            .unwrap()
            .credentials(
                scripted_credentials(&scripted).with_default_subject(subject("+14255550100")),
            )
            .build()
            .unwrap()
    }));
    runtime.block_on(async {
        let first = {
            let client = client.clone();
            tokio::spawn(async move { client.get_session(id()).await })
        };
        // The backchannel request is answered at once; the flow then waits 1 s.
        tokio::time::sleep(Duration::from_millis(300)).await;
        first.abort();
        assert!(first.await.unwrap_err().is_cancelled());
        let second = tokio::time::timeout(HANG_BOUND, client.get_session(id()))
            .await
            .expect("the next call hung");
        second.unwrap();
    });
    // Dropped while it waited for the user, the flow went to the next call,
    // which polled the same request: the user was asked once.
    assert_eq!(scripted.backchannel.load(Ordering::SeqCst), 1);
}
