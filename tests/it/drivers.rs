//! One suite, two drivers: every rule of a call is checked against the
//! blocking `qod::Client` (ureq) and the async `qod::AsyncClient` (reqwest)
//! over real loopback HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use std::pin::Pin;
use std::time::SystemTime;

use qod::auth::{ClientCredentials, TaapCredentials};
use qod::core::ClientCore;
use qod::models::{
    AssignmentInfo, CreateAssignment, CreateSession, Device, PhoneNumber, QosProfileName,
    SessionId, SessionInfo, XCorrelator,
};
use qod::reqwest_transport::ReqwestTransport;
use qod::ureq_transport::UreqTransport;
use qod::{CallOptions, Credentials, Delivery, Endpoint, Error, ErrorKind, RetryPolicy};
use qod_testkit::{Reply, Seen, TestServer, closed_port};

use crate::support;

const ID: &str = "123e4567-e89b-12d3-a456-426614174000";
const KEY_PEM: &[u8] = include_bytes!("../../crates/qod-core/tests/fixtures/test-rsa-2048.pem");
/// No call of this suite may take longer: past it, a driver hangs.
const HANG_BOUND: Duration = Duration::from_secs(30);

/// A body that reads as a session and as a QoS assignment (each ignores the
/// other's fields), so that one scripted server answers both.
fn session_json() -> String {
    format!(
        r#"{{"sessionId":"{ID}","assignmentId":"{ID}","qosProfile":"QOS_E","duration":600,"qosStatus":"AVAILABLE","status":"AVAILABLE"}}"#
    )
}

fn id() -> SessionId {
    ID.parse().unwrap()
}

fn create_body() -> CreateSession {
    support::phone_session("+14255550100", 600)
}

fn assignment_body() -> CreateAssignment {
    CreateAssignment::new(
        support::phone("+14255550100"),
        QosProfileName::parse("QOS_E").unwrap(),
    )
}

fn camara_error(status: u16, code: &str) -> Reply {
    Reply::json(
        status,
        &format!(r#"{{"status":{status},"code":"{code}","message":"scripted"}}"#),
    )
}

fn token_json(token: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":3600}}"#),
    )
}

/// Short backoffs, so that the suite runs in seconds.
fn quick_policy() -> RetryPolicy {
    RetryPolicy::new()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
        .with_max_retry_after(Duration::from_secs(2))
        .with_max_elapsed(Duration::from_secs(10))
}

/// A clock that records sleeps instead of sleeping, for both drivers: the
/// suite checks every backoff exactly, and waits for none of them.
#[derive(Default)]
struct RecordingClock {
    sleeps: Mutex<Vec<Duration>>,
}

impl RecordingClock {
    fn slept(&self) -> Duration {
        self.sleeps.lock().unwrap().iter().sum()
    }
    fn record(&self, duration: Duration) {
        self.sleeps.lock().unwrap().push(duration);
    }
}

impl qod::core::Clock for RecordingClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + self.slept()
    }
    fn sleep(&self, duration: Duration) {
        self.record(duration);
    }
}

impl qod::core::AsyncClock for RecordingClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + self.slept()
    }
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.record(duration);
        Box::pin(std::future::ready(()))
    }
}

/// The calls the suite makes, whichever driver makes them.
trait Driver: Send + Sync {
    fn name(&self) -> &'static str;
    /// The backoffs the call machine asked this driver for, in order.
    fn sleeps(&self) -> Vec<Duration>;
    fn retrieve(&self, device: Device) -> Result<Vec<SessionInfo>, Error>;
    fn create(&self, body: &CreateSession) -> Result<SessionInfo, Error>;
    fn get(&self, id: SessionId) -> Result<SessionInfo, Error>;
    fn get_with(&self, id: SessionId, options: &CallOptions) -> Result<SessionInfo, Error>;
    fn delete(&self, id: SessionId) -> Result<(), Error>;
    fn extend(&self, id: SessionId, seconds: u32) -> Result<SessionInfo, Error>;
    fn create_assignment(&self, body: &CreateAssignment) -> Result<AssignmentInfo, Error>;
    fn retrieve_assignment(&self, device: Option<Device>) -> Result<AssignmentInfo, Error>;
}

struct Blocking {
    client: qod::Client,
    clock: Arc<RecordingClock>,
}

impl Driver for Blocking {
    fn name(&self) -> &'static str {
        "blocking"
    }
    fn sleeps(&self) -> Vec<Duration> {
        self.clock.sleeps.lock().unwrap().clone()
    }
    fn retrieve(&self, device: Device) -> Result<Vec<SessionInfo>, Error> {
        self.client.retrieve_sessions(Some(device))
    }
    fn create(&self, body: &CreateSession) -> Result<SessionInfo, Error> {
        self.client.create_session(body)
    }
    fn get(&self, id: SessionId) -> Result<SessionInfo, Error> {
        self.client.get_session(id)
    }
    fn get_with(&self, id: SessionId, options: &CallOptions) -> Result<SessionInfo, Error> {
        self.client
            .execute(&qod::operations::GetSessionOp::new(id), options)
    }
    fn delete(&self, id: SessionId) -> Result<(), Error> {
        self.client.delete_session(id)
    }
    fn extend(&self, id: SessionId, seconds: u32) -> Result<SessionInfo, Error> {
        self.client.extend_session(id, seconds)
    }
    fn create_assignment(&self, body: &CreateAssignment) -> Result<AssignmentInfo, Error> {
        self.client.create_assignment(body)
    }
    fn retrieve_assignment(&self, device: Option<Device>) -> Result<AssignmentInfo, Error> {
        self.client.retrieve_assignment(device)
    }
}

struct Async {
    client: qod::AsyncClient,
    clock: Arc<RecordingClock>,
    runtime: tokio::runtime::Runtime,
}

impl Async {
    fn run<T>(&self, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        self.runtime.block_on(async {
            tokio::time::timeout(HANG_BOUND, call)
                .await
                .expect("the async call hung")
        })
    }
}

impl Driver for Async {
    fn name(&self) -> &'static str {
        "async"
    }
    fn sleeps(&self) -> Vec<Duration> {
        self.clock.sleeps.lock().unwrap().clone()
    }
    fn retrieve(&self, device: Device) -> Result<Vec<SessionInfo>, Error> {
        self.run(self.client.retrieve_sessions(Some(device)))
    }
    fn create(&self, body: &CreateSession) -> Result<SessionInfo, Error> {
        self.run(self.client.create_session(body))
    }
    fn get(&self, id: SessionId) -> Result<SessionInfo, Error> {
        self.run(self.client.get_session(id))
    }
    fn get_with(&self, id: SessionId, options: &CallOptions) -> Result<SessionInfo, Error> {
        self.run(
            self.client
                .execute(&qod::operations::GetSessionOp::new(id), options),
        )
    }
    fn delete(&self, id: SessionId) -> Result<(), Error> {
        self.run(self.client.delete_session(id))
    }
    fn extend(&self, id: SessionId, seconds: u32) -> Result<SessionInfo, Error> {
        self.run(self.client.extend_session(id, seconds))
    }
    fn create_assignment(&self, body: &CreateAssignment) -> Result<AssignmentInfo, Error> {
        self.run(self.client.create_assignment(body))
    }
    fn retrieve_assignment(&self, device: Option<Device>) -> Result<AssignmentInfo, Error> {
        self.run(self.client.retrieve_assignment(device))
    }
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Both drivers for `endpoint` with `credentials`, a quick retry policy, a
/// short timeout and a recording clock each.
fn drivers(endpoint: &Endpoint, credentials: &Credentials) -> Vec<Box<dyn Driver>> {
    let core = ClientCore::new(endpoint.clone())
        .with_credentials(credentials.clone())
        .with_retry_policy(quick_policy());
    let (blocking_clock, async_clock) = (
        Arc::new(RecordingClock::default()),
        Arc::new(RecordingClock::default()),
    );
    let ureq = UreqTransport::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let reqwest = ReqwestTransport::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    vec![
        Box::new(Blocking {
            client: qod::core::Client::new(ureq, core.clone(), blocking_clock.clone()),
            clock: blocking_clock,
        }),
        Box::new(Async {
            client: qod::core::AsyncClient::new(reqwest, core, async_clock.clone()),
            clock: async_clock,
            runtime: current_thread_runtime(),
        }),
    ]
}

/// Runs `check` once per driver, each against a fresh server from `serve`.
fn for_each_driver(
    serve: impl Fn() -> TestServer,
    credentials: impl Fn(&TestServer) -> Credentials,
    check: impl Fn(&dyn Driver, &TestServer),
) {
    for index in 0..2 {
        let server = serve();
        let endpoint = Endpoint::new(&server.url("/quality-on-demand/v1")).unwrap();
        let driver = drivers(&endpoint, &credentials(&server)).swap_remove(index);
        check(&*driver, &server);
    }
}

fn no_credentials(_: &TestServer) -> Credentials {
    Credentials::None
}

fn oauth(server: &TestServer) -> Credentials {
    Credentials::ClientCredentials(
        ClientCredentials::new(&server.url("/token"), "client", "secret").unwrap(),
    )
}

/// Answers `statuses` in turn, then 200 with a session.
fn scripted(statuses: &[u16], retry_after: Option<&'static str>) -> TestServer {
    let script = Mutex::new(statuses.to_vec());
    TestServer::start(move |_| {
        let mut script = script.lock().unwrap();
        if script.is_empty() {
            return Reply::json(200, &session_json());
        }
        let status = script.remove(0);
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if let Some(value) = retry_after {
            headers.push(("retry-after", value.to_owned()));
        }
        let body = format!(r#"{{"status":{status},"code":"UNAVAILABLE","message":"later"}}"#);
        Reply::Respond {
            status,
            headers,
            body: body.into_bytes(),
        }
    })
}

fn api_requests(server: &TestServer) -> Vec<Seen> {
    server
        .seen()
        .into_iter()
        .filter(|seen| !seen.path.starts_with("/token"))
        .collect()
}

fn token_requests(server: &TestServer) -> usize {
    server
        .seen()
        .iter()
        .filter(|seen| seen.path.starts_with("/token"))
        .count()
}

/// A read through a driver, its output dropped.
type Read = fn(&dyn Driver) -> Result<(), Error>;

/// The by-device POST of QoS Provisioning is a read, and retried like one.
#[test]
fn reads_retry_on_429_502_503_504_and_nothing_else() {
    let reads: [(&str, Read); 2] = [
        ("get", |driver| driver.get(id()).map(drop)),
        ("by device", |driver| {
            driver.retrieve_assignment(None).map(drop)
        }),
    ];
    for (read_name, read) in reads {
        for status in [429, 502, 503, 504] {
            for_each_driver(
                || scripted(&[status, status], None),
                no_credentials,
                |driver, server| {
                    read(driver).unwrap();
                    let what = format!("{} {read_name} {status}", driver.name());
                    assert_eq!(server.seen().len(), 3, "{what}");
                    let sleeps = driver.sleeps();
                    assert_eq!(sleeps.len(), 2, "{what}: a backoff before each retry");
                    assert!(
                        sleeps.iter().all(|d| *d <= Duration::from_millis(20)),
                        "{what}: {sleeps:?}"
                    );
                },
            );
        }
        for status in [400, 401, 403, 404, 409, 500, 501] {
            for_each_driver(
                || scripted(&[status], None),
                no_credentials,
                |driver, server| {
                    let error = read(driver).unwrap_err();
                    let what = format!("{} {read_name} {status}", driver.name());
                    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{what}");
                    assert_eq!(server.seen().len(), 1, "{what}");
                },
            );
        }
    }
}

#[test]
fn deletes_retry_like_reads() {
    for_each_driver(
        || {
            let answered = AtomicUsize::new(0);
            TestServer::start(move |_| {
                if answered.fetch_add(1, Ordering::SeqCst) == 0 {
                    camara_error(503, "UNAVAILABLE")
                } else {
                    Reply::Respond {
                        status: 204,
                        headers: Vec::new(),
                        body: Vec::new(),
                    }
                }
            })
        },
        no_credentials,
        |driver, server| {
            driver.delete(id()).unwrap();
            assert_eq!(server.seen().len(), 2, "{}", driver.name());
        },
    );
}

#[test]
fn creates_and_extend_are_not_replayed_once_they_may_have_reached_the_server() {
    for status in [500, 502, 503, 504] {
        for_each_driver(
            || scripted(&[status, status, status], None),
            no_credentials,
            |driver, server| {
                assert!(driver.create(&create_body()).is_err());
                assert!(driver.extend(id(), 60).is_err());
                assert!(driver.create_assignment(&assignment_body()).is_err());
                assert_eq!(server.seen().len(), 3, "{} {status}", driver.name());
            },
        );
    }
    // A connection closed after the request was read: it may have been acted on.
    for_each_driver(
        || TestServer::start(|_| Reply::Drop),
        no_credentials,
        |driver, server| {
            let error = driver.create(&create_body()).unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Transport(source) if source.delivery() == Delivery::MaybeSent),
                "{}: {error:?}",
                driver.name()
            );
            let error = driver.create_assignment(&assignment_body()).unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Transport(source) if source.delivery() == Delivery::MaybeSent),
                "{}: {error:?}",
                driver.name()
            );
            let posts = server.seen().iter().filter(|s| s.method == "POST").count();
            assert_eq!(posts, 2, "{}: each create sent once", driver.name());
            // A read in the same situation is replayed, the by-device POST too.
            let before = server.seen().len();
            assert!(driver.get(id()).is_err());
            assert!(server.seen().len() - before > 1, "{}", driver.name());
            let before = server.seen().len();
            assert!(driver.retrieve_assignment(None).is_err());
            assert!(server.seen().len() - before > 1, "{}", driver.name());
        },
    );
}

#[test]
fn a_create_refused_with_429_goes_again_after_retry_after() {
    for_each_driver(
        || scripted(&[429], Some("1")),
        no_credentials,
        |driver, server| {
            driver.create(&create_body()).unwrap();
            assert_eq!(
                driver.sleeps(),
                vec![Duration::from_secs(1)],
                "{}",
                driver.name()
            );
            let seen = server.seen();
            assert_eq!(seen.len(), 2, "{}", driver.name());
            assert_eq!(seen[0].body, seen[1].body);
            assert_eq!(
                seen[0].header("x-correlator"),
                seen[1].header("x-correlator")
            );
        },
    );
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let date: &'static str = Box::leak(date.into_boxed_str());
    for_each_driver(
        || scripted(&[503], Some(date)),
        no_credentials,
        |driver, _| {
            driver.get(id()).unwrap();
            let sleeps = driver.sleeps();
            assert_eq!(sleeps.len(), 1, "{}", driver.name());
            assert!(
                sleeps[0] > Duration::ZERO && sleeps[0] <= Duration::from_secs(2),
                "{sleeps:?}"
            );
        },
    );
}

#[test]
fn read_only_posts_retry_like_gets() {
    for_each_driver(
        || scripted(&[503], None),
        no_credentials,
        |driver, server| {
            let device = Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap());
            // The scripted 200 is one session, not a list: the retry happened, then the decode fails.
            let error = driver.retrieve(device).unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Decode { .. }),
                "{}: {error:?}",
                driver.name()
            );
            let seen = server.seen();
            assert_eq!(seen.len(), 2, "{}", driver.name());
            assert_eq!(seen[1].path, "/quality-on-demand/v1/retrieve-sessions");
        },
    );
}

#[test]
fn a_retry_after_beyond_the_cap_ends_the_call() {
    for_each_driver(
        || scripted(&[503], Some("3600")),
        no_credentials,
        |driver, server| {
            let started = Instant::now();
            assert!(driver.get(id()).is_err());
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{}",
                driver.name()
            );
            assert_eq!(server.seen().len(), 1);
        },
    );
}

/// Starts a server, as a plain function.
type ServeFn = fn() -> TestServer;

/// Starts a server for one case.
type ServerFactory = Box<dyn Fn() -> TestServer>;

/// The endpoint and credentials for one auth mode against a test server.
type AuthSetup = fn(&TestServer) -> (Endpoint, Credentials);

/// A server with an OAuth2 token endpoint that refuses `refused_tokens`
/// with 401 at the API and accepts any other.
fn oauth_server(refused_tokens: &'static [&'static str]) -> TestServer {
    let issued = AtomicUsize::new(0);
    TestServer::start(move |seen| {
        if seen.path.starts_with("/token") {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            return token_json(&format!("token-{n}"));
        }
        let bearer = seen.header("authorization").unwrap_or_default();
        if refused_tokens
            .iter()
            .any(|refused| bearer == format!("Bearer {refused}"))
        {
            return camara_error(401, "UNAUTHENTICATED");
        }
        Reply::json(200, &session_json())
    })
}

#[test]
fn one_token_per_lifetime_and_a_401_refreshes_and_replays_once() {
    for_each_driver(
        || oauth_server(&["token-1"]),
        oauth,
        |driver, server| {
            driver.get(id()).unwrap();
            assert_eq!(token_requests(server), 2, "{}", driver.name());
            let api = api_requests(server);
            assert_eq!(api.len(), 2);
            assert_eq!(api[1].header("authorization"), Some("Bearer token-2"));
            for _ in 0..20 {
                driver.get(id()).unwrap();
            }
            assert_eq!(token_requests(server), 2, "{}", driver.name());
        },
    );
    // A second 401 is the answer: the replay happens once.
    for_each_driver(
        || oauth_server(&["token-1", "token-2"]),
        oauth,
        |driver, server| {
            let error = driver.get(id()).unwrap_err();
            assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
            assert_eq!(api_requests(server).len(), 2, "{}", driver.name());
        },
    );
}

#[test]
fn a_503_from_the_token_endpoint_is_retried_like_a_read() {
    for_each_driver(
        || {
            let token_calls = AtomicUsize::new(0);
            TestServer::start(move |seen| {
                if seen.path.starts_with("/token") {
                    if token_calls.fetch_add(1, Ordering::SeqCst) == 0 {
                        return camara_error(503, "UNAVAILABLE");
                    }
                    return token_json("good");
                }
                Reply::json(200, &session_json())
            })
        },
        oauth,
        |driver, server| {
            driver.get(id()).unwrap();
            assert_eq!(token_requests(server), 2, "{}", driver.name());
        },
    );
}

#[test]
fn invalid_input_sends_nothing_not_even_a_token_request() {
    for_each_driver(
        || oauth_server(&[]),
        oauth,
        |driver, server| {
            let error = driver
                .create(&support::phone_session("+14255550100", 0))
                .unwrap_err();
            assert!(error.is_invalid_input(), "{}: {error:?}", driver.name());
            assert!(server.seen().is_empty(), "{}", driver.name());
        },
    );
}

#[test]
fn every_error_carries_the_correlator_the_server_saw() {
    let cases: Vec<(&str, ServerFactory)> = vec![
        ("camara", Box::new(|| scripted(&[404], None))),
        (
            "not camara",
            Box::new(|| TestServer::start(|_| Reply::json(418, "<html>teapot</html>"))),
        ),
        (
            "undecodable",
            Box::new(|| TestServer::start(|_| Reply::json(200, "{\"nope\":true}"))),
        ),
    ];
    for (case, serve) in &cases {
        for_each_driver(serve, no_credentials, |driver, server| {
            let error = driver.get(id()).unwrap_err();
            let sent = server.seen()[0].header("x-correlator").unwrap().to_owned();
            assert_eq!(
                error.correlator(),
                Some(sent.as_str()),
                "{} {case}",
                driver.name()
            );
        });
    }
    // A transport failure, and a correlator the caller chose.
    let port = closed_port();
    let endpoint = Endpoint::new(&format!("http://127.0.0.1:{port}/qod/v0")).unwrap();
    for driver in drivers(&endpoint, &Credentials::None) {
        let options = CallOptions::new().with_correlator(XCorrelator::parse("mine-42").unwrap());
        let error = driver.get_with(id(), &options).unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Transport(_)),
            "{}",
            driver.name()
        );
        assert_eq!(error.correlator(), Some("mine-42"), "{}", driver.name());
    }
}

/// A server whose token endpoint answers after 200 ms, counting token requests.
fn slow_token_server(token_path: &'static str) -> (TestServer, Arc<AtomicUsize>) {
    let tokens = Arc::new(AtomicUsize::new(0));
    let counted = tokens.clone();
    let server = TestServer::start(move |seen| {
        if seen.path.starts_with(token_path) {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(200));
            return token_json("shared");
        }
        assert_eq!(seen.header("authorization"), Some("Bearer shared"));
        Reply::json(200, &session_json())
    });
    (server, tokens)
}

fn oauth_endpoint_and_credentials(server: &TestServer) -> (Endpoint, Credentials) {
    (
        Endpoint::new(&server.url("/quality-on-demand/v1")).unwrap(),
        oauth(server),
    )
}

fn taap_endpoint_and_credentials(server: &TestServer) -> (Endpoint, Credentials) {
    let endpoint = Endpoint::builder(&server.url("/qod/v0"))
        .flavor(qod::Flavor::TMobile)
        .build()
        .unwrap();
    let taap = TaapCredentials::from_pem("client", "secret", KEY_PEM).unwrap();
    (endpoint, Credentials::TMobile(taap))
}

/// 64 tasks share one async client with a cold cache: one token request, no hang.
fn sixty_four_tasks(runtime: tokio::runtime::Runtime, token_path: &'static str, setup: AuthSetup) {
    let (server, tokens) = slow_token_server(token_path);
    let (endpoint, credentials) = setup(&server);
    let client = Arc::new(
        qod::AsyncClientBuilder::with_endpoint(endpoint)
            .credentials(credentials)
            .build()
            .unwrap(),
    );
    let succeeded = runtime.block_on(async {
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_session(id()).await })
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
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    let api_calls = server
        .seen()
        .iter()
        .filter(|s| !s.path.starts_with(token_path))
        .count();
    assert_eq!(api_calls, 64);
}

#[test]
fn sixty_four_tasks_on_a_current_thread_runtime_share_one_oauth_token() {
    sixty_four_tasks(
        current_thread_runtime(),
        "/token",
        oauth_endpoint_and_credentials,
    );
}

#[test]
fn sixty_four_tasks_on_a_multi_thread_runtime_share_one_oauth_token() {
    sixty_four_tasks(
        multi_thread_runtime(),
        "/token",
        oauth_endpoint_and_credentials,
    );
}

#[test]
fn sixty_four_tasks_share_one_taap_token_on_both_runtimes() {
    sixty_four_tasks(
        current_thread_runtime(),
        "/oauth2",
        taap_endpoint_and_credentials,
    );
    sixty_four_tasks(
        multi_thread_runtime(),
        "/oauth2",
        taap_endpoint_and_credentials,
    );
}

#[test]
fn eight_threads_share_one_token_on_the_blocking_client() {
    let setups: [(&'static str, AuthSetup); 2] = [
        ("/token", oauth_endpoint_and_credentials),
        ("/oauth2", taap_endpoint_and_credentials),
    ];
    for (token_path, setup) in setups {
        let (server, tokens) = slow_token_server(token_path);
        let (endpoint, credentials) = setup(&server);
        let client = Arc::new(
            qod::ClientBuilder::with_endpoint(endpoint)
                .credentials(credentials)
                .build()
                .unwrap(),
        );
        let (done, results) = mpsc::channel();
        for _ in 0..8 {
            let (client, done) = (client.clone(), done.clone());
            std::thread::spawn(move || {
                done.send(client.get_session(id()).is_ok()).unwrap();
            });
        }
        for _ in 0..8 {
            assert!(results.recv_timeout(HANG_BOUND).expect("a thread hung"));
        }
        assert_eq!(tokens.load(Ordering::SeqCst), 1);
    }
}

#[test]
fn creates_never_ride_a_connection_the_server_is_dropping() {
    for_each_driver(
        || support::dropping_server(session_json()),
        oauth,
        |driver, server| {
            let mut failures = Vec::new();
            for _ in 0..20 {
                // A read leaves a pooled connection idle, which the server then drops.
                let _ = driver.get(id());
                std::thread::sleep(Duration::from_millis(5));
                if let Err(error) = driver.create(&create_body()) {
                    failures.push(error.to_string());
                }
            }
            assert!(failures.is_empty(), "{}: {failures:?}", driver.name());
            let posts = server
                .seen()
                .iter()
                .filter(|s| s.method == "POST" && s.path.ends_with("/sessions"))
                .count();
            assert_eq!(posts, 20, "{}: each create arrived once", driver.name());
        },
    );
}

#[test]
fn reads_keep_one_pooled_connection_while_creates_get_their_own() {
    for_each_driver(
        || {
            TestServer::start(|seen| {
                Reply::json(
                    if seen.method == "POST" { 201 } else { 200 },
                    &session_json(),
                )
            })
        },
        no_credentials,
        |driver, server| {
            for _ in 0..3 {
                for _ in 0..10 {
                    driver.get(id()).unwrap();
                }
                driver.retrieve_assignment(None).unwrap();
                driver.create(&create_body()).unwrap();
                driver.create_assignment(&assignment_body()).unwrap();
            }
            assert_eq!(
                server.connections(),
                7,
                "{}: one pooled connection for 33 reads, one of its own for each of 6 creates",
                driver.name()
            );
        },
    );
}

#[test]
fn a_create_whose_answer_cannot_be_read_whole_still_names_what_it_made() {
    let over_limit = || {
        TestServer::start(|_| {
            let padding = "x".repeat(2 * 1024 * 1024);
            Reply::json(
                201,
                &format!(r#"{{"sessionId":"{ID}","assignmentId":"{ID}","padding":"{padding}"}}"#),
            )
        })
    };
    let cut_short = || {
        TestServer::start(|_| {
            Reply::cut_short(
                201,
                format!(r#"{{"sessionId":"{ID}","assignmentId":"{ID}","qosProfile":"QOS_E","#)
                    .as_bytes(),
                4096,
            )
        })
    };
    let servers: [(&str, ServeFn); 2] = [("over the limit", over_limit), ("cut short", cut_short)];
    for (case, serve) in servers {
        for_each_driver(serve, no_credentials, |driver, server| {
            let error = driver.create(&create_body()).unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Transport(_)),
                "{} {case}: {error:?}",
                driver.name()
            );
            assert_eq!(
                error.created().and_then(|made| made.session_id()),
                Some(id()),
                "{} {case}",
                driver.name()
            );
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("session {ID} was created")),
                "{error}"
            );
            let error = driver.create_assignment(&assignment_body()).unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Transport(_)),
                "{} {case}: {error:?}",
                driver.name()
            );
            assert_eq!(
                error.created().and_then(|made| made.assignment_id()),
                Some(ID.parse().unwrap())
            );
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("QoS assignment {ID} was created")),
                "{error}"
            );
            assert_eq!(
                server.seen().len(),
                2,
                "{} {case}: each sent once",
                driver.name()
            );
        });
    }
    // A read in the same state names nothing: it made nothing.
    for_each_driver(
        || TestServer::start(|_| Reply::cut_short(200, session_json().as_bytes(), 4096)),
        no_credentials,
        |driver, _| {
            let error = driver.get(id()).unwrap_err();
            assert_eq!(
                error.created().and_then(|made| made.session_id()),
                None,
                "{}",
                driver.name()
            );
        },
    );
}

/// A token endpoint that never answers, and an API that would.
fn dead_token_server() -> TestServer {
    TestServer::start(|seen| {
        if seen.path.starts_with("/token") {
            Reply::Stall
        } else {
            Reply::json(200, &session_json())
        }
    })
}

/// Before: 100 tasks with a 1 s timeout ran up to 148 s and made 136 token
/// requests, 30 at once. Now the failed fetch is every waiter's error.
#[test]
fn a_hundred_tasks_against_a_dead_token_endpoint_make_one_fetch_and_end_together() {
    let server = dead_token_server();
    let (endpoint, credentials) = oauth_endpoint_and_credentials(&server);
    let client = Arc::new(
        qod::AsyncClientBuilder::with_endpoint(endpoint)
            .credentials(credentials)
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let errors = multi_thread_runtime().block_on(async {
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get_session(id()).await })
            })
            .collect();
        let mut errors = Vec::new();
        for task in tasks {
            let result = tokio::time::timeout(HANG_BOUND, task)
                .await
                .expect("a task hung")
                .unwrap();
            errors.push(result.unwrap_err());
        }
        errors
    });
    let slowest = started.elapsed();
    for error in &errors {
        assert!(
            matches!(
                error.kind(),
                ErrorKind::Auth(qod::auth::AuthError::TokenRequest { .. })
            ),
            "{error:?}"
        );
        assert!(error.nothing_sent());
    }
    // One fetch, retried under the default policy: at most its attempts.
    let tokens = token_requests(&server);
    assert!(
        (1..=RetryPolicy::default().max_attempts() as usize).contains(&tokens),
        "{tokens} token requests"
    );
    assert!(api_requests(&server).is_empty());
    println!(
        "100 tasks against a dead token endpoint: {tokens} token requests, slowest call {slowest:?}"
    );
    // Four 1 s attempts and their backoff; the bound only catches a hang.
    assert!(slowest < Duration::from_secs(20), "took {slowest:?}");
}

#[test]
fn a_call_waiting_for_another_call_s_fetch_gives_up_at_its_own_time_limit() {
    let server = dead_token_server();
    let (endpoint, credentials) = oauth_endpoint_and_credentials(&server);
    let limit = Duration::from_millis(600);
    // The blocking client: one thread fetches, 15 wait with a short limit.
    let client = Arc::new(
        qod::ClientBuilder::with_endpoint(endpoint.clone())
            .credentials(credentials.clone())
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap(),
    );
    let fetcher = {
        let client = client.clone();
        std::thread::spawn(move || client.get_session(id()))
    };
    while token_requests(&server) == 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let (done, results) = mpsc::channel();
    for _ in 0..15 {
        let (client, done) = (client.clone(), done.clone());
        std::thread::spawn(move || {
            let options = CallOptions::new().with_time_limit(limit);
            let started = Instant::now();
            let result = client.execute(&qod::operations::GetSessionOp::new(id()), &options);
            done.send((result, started.elapsed())).unwrap();
        });
    }
    for _ in 0..15 {
        let (result, took) = results.recv_timeout(HANG_BOUND).expect("a thread hung");
        let error = result.unwrap_err();
        assert!(
            matches!(
                error.kind(),
                ErrorKind::Auth(qod::auth::AuthError::TokenWaitTimedOut { .. })
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("waiting for the token"),
            "{error}"
        );
        // Before, a waiter waited for the whole fetch (here 3 s and more).
        assert!(took < Duration::from_secs(2), "waited {took:?}");
    }
    drop(fetcher);
    // The async client: the same, on one runtime.
    let async_client = Arc::new(
        qod::AsyncClientBuilder::with_endpoint(endpoint)
            .credentials(credentials)
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap(),
    );
    current_thread_runtime().block_on(async {
        let fetcher = {
            let client = async_client.clone();
            tokio::spawn(async move { client.get_session(id()).await })
        };
        tokio::task::yield_now().await;
        let started = Instant::now();
        let waiters: Vec<_> = (0..15)
            .map(|_| {
                let client = async_client.clone();
                tokio::spawn(async move {
                    let options = CallOptions::new().with_time_limit(limit);
                    let op = qod::operations::GetSessionOp::new(id());
                    client.execute(&op, &options).await
                })
            })
            .collect();
        for waiter in waiters {
            let error = waiter.await.unwrap().unwrap_err();
            assert!(
                matches!(
                    error.kind(),
                    ErrorKind::Auth(qod::auth::AuthError::TokenWaitTimedOut { .. })
                ),
                "{error:?}"
            );
        }
        assert!(started.elapsed() < Duration::from_secs(2));
        fetcher.abort();
    });
}
