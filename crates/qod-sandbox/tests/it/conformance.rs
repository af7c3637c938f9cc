//! What CAMARA's test definitions (r3.2) take as given, for the sandbox:
//! an environment at "apiRoot" with OAuth 2.0 client credentials, a valid
//! access token, an x-correlator on every request, and the checks every
//! scenario repeats (status, `Content-Type`, the echoed x-correlator, the
//! error body, the response schemas).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use qod::core::Transport;
use qod::models::time::OffsetDateTime;
use qod::models::time::format_description::well_known::Rfc3339;
use qod::ureq_transport::UreqTransport;
use qod_sandbox::{ManualClock, Sandbox, SandboxAuth, SandboxConfig};
use serde_json::{Value, json};

use qod_testkit::{Reply, TestServer};

pub const CLIENT_ID: &str = "conformance-client";
pub const CLIENT_SECRET: &str = "conformance-secret";
/// How long issued access tokens live.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(600);
/// How long a session stays REQUESTED.
pub const AVAILABLE_AFTER: Duration = Duration::from_secs(5);
/// How long an asynchronous revoke takes, in [`Operator::revoking_asynchronously`].
pub const REVOKE_AFTER: Duration = Duration::from_secs(2);
/// The two bearer tokens of [`Operator::two_clients`].
pub const CLIENT_A: &str = "client-a-token-0123456789";
pub const CLIENT_B: &str = "client-b-token-0123456789";
/// The access token of the sink credential the scenarios send.
pub const SINK_TOKEN: &str = "sink-access-token-0123456789";
/// How long a test waits for something the sandbox does in the background.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Which `Authorization` a request carries.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    /// The environment's valid access token.
    Valid,
    /// No `Authorization` header.
    Absent,
    /// `Bearer` and this token.
    Token(&'a str),
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    Raw(&'static str),
}

/// The environment at "apiRoot".
pub struct Operator {
    pub sandbox: Sandbox,
    pub clock: Arc<ManualClock>,
    token: Option<String>,
}

impl Operator {
    /// A sandbox with OAuth 2.0 client credentials, on a manual clock.
    pub fn start() -> Operator {
        Operator::client_credentials(None)
    }

    /// As [`start`](Self::start), with QoS Provisioning revokes done
    /// asynchronously, [`REVOKE_AFTER`] after they are answered 202.
    pub fn revoking_asynchronously() -> Operator {
        Operator::client_credentials(Some(REVOKE_AFTER))
    }

    fn client_credentials(async_revoke_after: Option<Duration>) -> Operator {
        let mut operator = Operator::with_config(SandboxConfig {
            auth: SandboxAuth::ClientCredentials {
                client_id: CLIENT_ID.to_owned(),
                client_secret: CLIENT_SECRET.to_owned(),
            },
            async_revoke_after,
            ..SandboxConfig::default()
        });
        operator.token = Some(operator.token_with_scope(None));
        operator
    }

    /// A client of the SDK for this environment, with its OAuth 2.0 client
    /// credentials.
    pub fn client(&self) -> qod::Client {
        let credentials = qod::auth::ClientCredentials::new(
            &self.sandbox.oauth_token_url(),
            CLIENT_ID,
            CLIENT_SECRET,
        )
        .unwrap();
        qod::ClientBuilder::new(&self.sandbox.v1_url())
            .unwrap()
            .credentials(qod::Credentials::ClientCredentials(credentials))
            .build()
            .unwrap()
    }

    /// A sandbox where the bearer tokens [`CLIENT_A`] (the environment's
    /// valid token) and [`CLIENT_B`] are two API clients.
    pub fn two_clients() -> Operator {
        let mut operator = Operator::with_config(SandboxConfig {
            auth: SandboxAuth::Bearer(vec![CLIENT_A.to_owned(), CLIENT_B.to_owned()]),
            ..SandboxConfig::default()
        });
        operator.token = Some(CLIENT_A.to_owned());
        operator
    }

    /// `config`'s auth and revokes, on a manual clock.
    fn with_config(config: SandboxConfig) -> Operator {
        let clock = Arc::new(ManualClock::starting_now());
        let sandbox = Sandbox::start(SandboxConfig {
            clock: clock.clone(),
            available_after: AVAILABLE_AFTER,
            token_lifetime: TOKEN_LIFETIME,
            ..config
        })
        .unwrap();
        Operator {
            sandbox,
            clock,
            token: None,
        }
    }

    /// An access token for every scope (`None`) or for `scope` only.
    pub fn token_with_scope(&self, scope: Option<&str>) -> String {
        let mut form = format!(
            "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        );
        if let Some(scope) = scope {
            form.push_str("&scope=");
            form.push_str(&scope.replace(' ', "+").replace(':', "%3A"));
        }
        let request = http::Request::post(self.sandbox.oauth_token_url())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.into_bytes())
            .unwrap();
        let response = UreqTransport::new().unwrap().send(request).unwrap();
        assert_eq!(response.status(), 200, "{:?}", response.body());
        let json: Value = serde_json::from_slice(response.body()).unwrap();
        json["access_token"].as_str().unwrap().to_owned()
    }

    /// A token that was valid and has expired (the clock moves past its life).
    pub fn expired_token(&self) -> String {
        let token = self.token_with_scope(None);
        self.advance(TOKEN_LIFETIME + Duration::from_secs(1));
        token
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Checks that an RFC 3339 time is in the past of the sandbox's clock.
    pub fn assert_in_the_past(&self, value: &Value) {
        let at = rfc3339(value, "a time");
        let now: OffsetDateTime = qod_sandbox::SandboxClock::now(&*self.clock).into();
        assert!(at <= now, "{at} is not before {now}");
    }

    /// Sends `method path` with `body` and `auth`, and a fresh x-correlator.
    pub fn send(&self, method: &str, path: &str, body: Body, auth: Auth<'_>) -> Exchange {
        let correlator = qod::models::uuid::Uuid::new_v4().to_string();
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.sandbox.base_url()))
            .header("x-correlator", &correlator);
        let bytes = match body {
            Body::None => Vec::new(),
            Body::Json(value) => value.to_string().into_bytes(),
            Body::Raw(text) => text.as_bytes().to_vec(),
        };
        if !bytes.is_empty() {
            request = request.header("content-type", "application/json");
        }
        let token = match auth {
            Auth::Valid => self.token.clone(),
            Auth::Absent => None,
            Auth::Token(token) => Some(token.to_owned()),
        };
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = UreqTransport::new()
            .unwrap()
            .send(request.body(bytes).unwrap())
            .unwrap();
        let json = if response.body().is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(response.body()).unwrap_or_else(|e| {
                panic!(
                    "not JSON ({e}): {}",
                    String::from_utf8_lossy(response.body())
                )
            })
        };
        Exchange {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            json,
            correlator,
        }
    }

    /// Creates a 1.x session; panics unless 201.
    pub fn create(&self, body: Value) -> Value {
        let exchange = self.send(
            "POST",
            "/quality-on-demand/v1/sessions",
            Body::Json(body),
            Auth::Valid,
        );
        exchange.assert_success(201).clone()
    }
}

/// A response, with the x-correlator that was sent.
pub struct Exchange {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub json: Value,
    correlator: String,
}

impl Exchange {
    /// What every scenario checks: `Content-Type` is `application/json` and
    /// the x-correlator comes back.
    pub fn assert_headers(&self) {
        assert_eq!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{}: {}",
            self.status,
            self.json
        );
        assert_eq!(
            self.headers
                .get("x-correlator")
                .and_then(|v| v.to_str().ok()),
            Some(self.correlator.as_str()),
            "the x-correlator comes back"
        );
    }

    /// A success with `status`; returns the body.
    pub fn assert_success(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "{}", self.json);
        self.assert_headers();
        &self.json
    }

    /// An error `status` whose `code` is one of `codes`, with a message.
    pub fn assert_error(&self, status: u16, codes: &[&str]) {
        assert_eq!(self.status, status, "{}", self.json);
        self.assert_headers();
        assert_eq!(self.json["status"], json!(status), "{}", self.json);
        let code = self.json["code"].as_str().unwrap_or_default();
        assert!(
            codes.contains(&code),
            "code {code}, expected {codes:?}: {}",
            self.json
        );
        let message = self.json["message"].as_str().unwrap_or_default();
        assert!(
            !message.trim().is_empty(),
            "a user friendly text: {}",
            self.json
        );
    }
}

/// A request body compliant with `CreateSession`, for the phone `number`.
pub fn create_body(number: &str) -> Value {
    json!({
        "device": {"phoneNumber": number},
        "applicationServer": {"ipv4Address": "198.51.100.0/24"},
        "qosProfile": "QOS_E",
        "duration": 600,
    })
}

/// `body` with `pointer` (`/a/b`) set to `value`, or removed for `null`.
pub fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        &mut body
    } else {
        body.pointer_mut(parent).unwrap()
    };
    let map = target.as_object_mut().unwrap();
    if value.is_null() {
        map.remove(key);
    } else {
        map.insert(key.to_owned(), value);
    }
    body
}

fn rfc3339(value: &Value, what: &str) -> OffsetDateTime {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is a string"));
    OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{what} {text}: {e}"))
}

fn is_profile_name(value: &Value) -> bool {
    value.as_str().is_some_and(|name| {
        (3..=256).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    })
}

/// The `SessionInfo` schema of 1.1.0, and the rules the scenarios add for
/// REQUESTED and AVAILABLE sessions.
pub fn assert_session_info(session: &Value) {
    let object = session
        .as_object()
        .unwrap_or_else(|| panic!("an object: {session}"));
    let id = session["sessionId"].as_str().expect("sessionId");
    qod::models::uuid::Uuid::parse_str(id).expect("sessionId is a UUID");
    assert!(
        session["duration"].as_i64().is_some_and(|d| d >= 1),
        "{session}"
    );
    assert!(is_profile_name(&session["qosProfile"]), "{session}");
    let server = session["applicationServer"]
        .as_object()
        .expect("applicationServer");
    assert!(!server.is_empty());
    if let Some(device) = object.get("device") {
        assert_eq!(
            device.as_object().unwrap().len(),
            1,
            "one identifier: {device}"
        );
    }
    let status = session["qosStatus"].as_str().expect("qosStatus");
    assert!(["REQUESTED", "AVAILABLE", "UNAVAILABLE"].contains(&status));
    match status {
        "REQUESTED" => {
            assert!(object.get("startedAt").is_none(), "{session}");
            assert!(object.get("expiresAt").is_none(), "{session}");
        }
        "AVAILABLE" => {
            let started = rfc3339(&session["startedAt"], "startedAt");
            let expires = rfc3339(&session["expiresAt"], "expiresAt");
            assert!(expires > started, "{session}");
        }
        _ => {
            let expires = rfc3339(&session["expiresAt"], "expiresAt");
            if let Some(started) = object.get("startedAt") {
                assert!(expires >= rfc3339(started, "startedAt"), "{session}");
            }
        }
    }
    match object.get("statusInfo") {
        Some(info) => {
            assert_eq!(status, "UNAVAILABLE", "statusInfo only when UNAVAILABLE");
            assert!(
                ["DURATION_EXPIRED", "NETWORK_TERMINATED", "DELETE_REQUESTED"]
                    .contains(&info.as_str().unwrap()),
                "{session}"
            );
        }
        None => assert_ne!(status, "UNAVAILABLE", "{session}"),
    }
    assert!(object.get("sinkCredential").is_none(), "never echoed");
    // The client reads it too.
    serde_json::from_value::<qod::models::SessionInfo>(session.clone()).unwrap();
}

/// The request properties a session echoes "only if provided and with the
/// same value" (device: the one identifier given).
pub fn assert_echoes(session: &Value, request: &Value) {
    for name in [
        "device",
        "applicationServer",
        "devicePorts",
        "applicationServerPorts",
        "sink",
    ] {
        assert_eq!(session.get(name), request.get(name), "{name}: {session}");
    }
    assert_eq!(session["qosProfile"], request["qosProfile"]);
}

fn assert_duration_spec(value: &Value, what: &str) {
    assert!(
        value["value"].as_i64().is_some_and(|v| v >= 1),
        "{what}: {value}"
    );
    assert!(
        [
            "Days",
            "Hours",
            "Minutes",
            "Seconds",
            "Milliseconds",
            "Microseconds",
            "Nanoseconds"
        ]
        .contains(&value["unit"].as_str().unwrap()),
        "{what}: {value}"
    );
}

/// The `QosProfile` schema of QoS Profiles 1.1.0.
pub fn assert_qos_profile(profile: &Value) {
    let object = profile
        .as_object()
        .unwrap_or_else(|| panic!("an object: {profile}"));
    assert!(is_profile_name(&profile["name"]), "{profile}");
    assert!(
        ["ACTIVE", "INACTIVE", "DEPRECATED"].contains(&profile["status"].as_str().unwrap()),
        "{profile}"
    );
    for name in ["minDuration", "maxDuration", "packetDelayBudget", "jitter"] {
        if let Some(value) = object.get(name) {
            assert_duration_spec(value, name);
        }
    }
    for name in [
        "targetMinUpstreamRate",
        "maxUpstreamRate",
        "maxUpstreamBurstRate",
        "targetMinDownstreamRate",
        "maxDownstreamRate",
        "maxDownstreamBurstRate",
    ] {
        if let Some(rate) = object.get(name) {
            assert!(
                rate["value"]
                    .as_i64()
                    .is_some_and(|v| (0..=1024).contains(&v))
            );
            assert!(
                ["bps", "kbps", "Mbps", "Gbps", "Tbps"].contains(&rate["unit"].as_str().unwrap())
            );
        }
    }
    if let Some(priority) = object.get("priority") {
        assert!(priority.as_i64().is_some_and(|p| (1..=100).contains(&p)));
    }
    for country in object
        .get("countryAvailability")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = country["countryName"].as_str().unwrap();
        assert!(name.len() == 2 && name.bytes().all(|b| b.is_ascii_uppercase()));
    }
    serde_json::from_value::<qod::models::QosProfile>(profile.clone()).unwrap();
}

/// Waits until `found` returns something, at most [`PATIENCE`].
pub fn eventually<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An id in the right format that names nothing.
pub fn random_id() -> String {
    qod::models::uuid::Uuid::new_v4().to_string()
}

/// A sink that answers 204 to every event.
pub fn sink() -> TestServer {
    TestServer::start(|_| Reply::Respond {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    })
}

/// The `ACCESSTOKEN` sink credential the scenarios send, with [`SINK_TOKEN`].
pub fn sink_credential() -> Value {
    json!({
        "credentialType": "ACCESSTOKEN",
        "accessToken": SINK_TOKEN,
        "accessTokenExpiresUtc": "2099-01-01T00:00:00Z",
        "accessTokenType": "bearer",
    })
}

/// `body` with `sink` set to `url` and [`sink_credential`].
pub fn with_sink(body: Value, url: &str) -> Value {
    let body = with(body, "/sink", json!(url));
    with(body, "/sinkCredential", sink_credential())
}
