//! Three-legged tokens in the call machine, driven by hand with time handed
//! in: discovery, CIBA's backchannel request and polls (every answer the
//! profile names, `slow_down` arithmetic, expiry), JWT Bearer, refresh,
//! one token per subject, a flow handed over when its call runs out of
//! time, and the device rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use http::{Request, Response};
use qod_core::auth::{
    AssertionKey, AuthError, AuthorizationServer, ClientAuth, Credentials, Discovery, FlowEnd,
    Scope, Subject, UserCredentials,
};
use qod_core::operations::{CreateSessionOp, GetSessionOp};
use qod_core::{CallOptions, ClientCore, Endpoint, Error, ErrorKind, Machine, Step};
use qod_core::{RetryPolicy, TransportError};
use qod_models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, SessionInfo,
};

use crate::support::KEY_PEM;

const SESSION: &str = "123e4567-e89b-12d3-a456-426614174000";
const API: &str = "https://api.example.com/quality-on-demand/v1";
const TOKEN_URL: &str = "https://auth.example.com/token";
const BC_URL: &str = "https://auth.example.com/bc-authorize";
const DISCOVERY_URL: &str = "https://auth.example.com/.well-known/openid-configuration";
const ALICE: &str = "tel:+14255550100";
const BOB: &str = "tel:+14255550101";

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn at(seconds: u64) -> SystemTime {
    t0() + Duration::from_secs(seconds)
}

fn json(status: u16, body: &str) -> Result<Response<Vec<u8>>, TransportError> {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap())
}

fn session() -> Result<Response<Vec<u8>>, TransportError> {
    json(
        200,
        &format!(
            r#"{{"sessionId":"{SESSION}","qosProfile":"QOS_E","duration":600,
                "startedAt":"2023-11-14T22:13:20Z","expiresAt":"2023-11-14T22:23:20Z",
                "qosStatus":"AVAILABLE","applicationServer":{{"ipv4Address":"198.51.100.10"}}}}"#
        ),
    )
}

fn ack(interval: Option<u64>, expires_in: &str) -> Result<Response<Vec<u8>>, TransportError> {
    let interval = interval.map_or(String::new(), |i| format!(r#","interval":{i}"#));
    json(
        200,
        &format!(r#"{{"auth_req_id":"req-1","expires_in":{expires_in}{interval}}}"#),
    )
}

fn oauth_error(code: &str) -> Result<Response<Vec<u8>>, TransportError> {
    json(400, &format!(r#"{{"error":"{code}"}}"#))
}

fn token(value: &str, refresh: Option<&str>) -> Result<Response<Vec<u8>>, TransportError> {
    let refresh = refresh.map_or(String::new(), |r| format!(r#","refresh_token":"{r}""#));
    json(
        200,
        &format!(
            r#"{{"access_token":"{value}","token_type":"Bearer","expires_in":3600{refresh}}}"#
        ),
    )
}

fn form(request: &Request<Vec<u8>>) -> Vec<(String, String)> {
    form_urlencoded::parse(request.body())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field(request: &Request<Vec<u8>>, name: &str) -> Option<String> {
    form(request)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn server() -> AuthorizationServer {
    AuthorizationServer::new(TOKEN_URL)
        .unwrap()
        .with_backchannel_url(BC_URL)
        .unwrap()
}

fn ciba_core(server: AuthorizationServer) -> ClientCore {
    let client = ClientAuth::secret_basic("my-app", "s3cret").unwrap();
    let credentials =
        UserCredentials::ciba(client, server).with_default_subject(Subject::parse(ALICE).unwrap());
    ClientCore::new(Endpoint::new(API).unwrap()).with_credentials(credentials)
}

fn get_op() -> GetSessionOp {
    GetSessionOp::new(SESSION.parse().unwrap())
}

fn send(step: Step<SessionInfo>) -> Request<Vec<u8>> {
    match step {
        Step::Send(request) => request,
        other => panic!("expected Send, got {other:?}"),
    }
}

fn sleep(step: Step<SessionInfo>) -> Duration {
    match step {
        Step::Sleep(delay) => delay,
        other => panic!("expected Sleep, got {other:?}"),
    }
}

fn done(step: Step<SessionInfo>) -> Result<SessionInfo, Error> {
    match step {
        Step::Done(result) => result,
        other => panic!("expected Done, got {other:?}"),
    }
}

fn flow_end(error: &Error) -> Option<FlowEnd> {
    match error.kind() {
        ErrorKind::Auth(auth) => auth.flow_end(),
        _ => None,
    }
}

#[test]
fn ciba_asks_the_user_polls_at_the_interval_and_slows_down_for_good() {
    let core = ciba_core(server());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());

    let bc = send(call.next_step(t0()));
    assert_eq!(bc.uri(), BC_URL);
    assert_eq!(field(&bc, "login_hint").as_deref(), Some(ALICE));
    let scope = Scope::parse(&field(&bc, "scope").unwrap()).unwrap();
    for needed in [
        "openid",
        "dpv:RequestedServiceProvision",
        "quality-on-demand:sessions:read",
        "quality-on-demand:sessions:create",
    ] {
        assert!(scope.contains(needed), "{scope}");
    }
    assert!(
        bc.headers()["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    call.receive(ack(Some(2), "60"), t0());

    assert_eq!(sleep(call.next_step(t0())), Duration::from_secs(2));
    let poll = send(call.next_step(at(2)));
    assert_eq!(poll.uri(), TOKEN_URL);
    assert_eq!(
        field(&poll, "grant_type").as_deref(),
        Some("urn:openid:params:grant-type:ciba")
    );
    assert_eq!(field(&poll, "auth_req_id").as_deref(), Some("req-1"));
    call.receive(oauth_error("authorization_pending"), at(2));
    assert_eq!(sleep(call.next_step(at(2))), Duration::from_secs(2));

    // slow_down: 5 s more, for this poll and every later one.
    let _ = send(call.next_step(at(4)));
    call.receive(oauth_error("slow_down"), at(4));
    assert_eq!(sleep(call.next_step(at(4))), Duration::from_secs(7));
    let _ = send(call.next_step(at(11)));
    call.receive(oauth_error("authorization_pending"), at(11));
    assert_eq!(sleep(call.next_step(at(11))), Duration::from_secs(7));

    let _ = send(call.next_step(at(18)));
    call.receive(token("alice-token", None), at(18));
    let attempt = send(call.next_step(at(18)));
    assert_eq!(attempt.headers()["authorization"], "Bearer alice-token");
    call.receive(session(), at(18));
    done(call.next_step(at(18))).unwrap();
}

#[test]
fn a_missing_interval_is_five_seconds_and_zero_is_raised_to_one() {
    for (interval, expected) in [(None, 5), (Some(0), 1)] {
        let core = ciba_core(server());
        let op = get_op();
        let options = CallOptions::new().with_time_limit(Duration::from_secs(30));
        let mut call = core.start(&op, &options, t0());
        let _ = send(call.next_step(t0()));
        // Vodafone answers "interval": 0 and an expires_in as a string.
        call.receive(ack(interval, r#""60""#), t0());
        assert_eq!(
            sleep(call.next_step(t0())),
            Duration::from_secs(expected),
            "{interval:?}"
        );
    }
}

#[test]
fn each_ending_answer_is_a_typed_error_that_names_it() {
    for (code, end) in [
        ("access_denied", FlowEnd::Denied),
        ("expired_token", FlowEnd::Expired),
        ("invalid_grant", FlowEnd::InvalidGrant),
    ] {
        let core = ciba_core(server());
        let op = get_op();
        let mut call = core.start(&op, &CallOptions::new(), t0());
        let _ = send(call.next_step(t0()));
        call.receive(ack(Some(1), "60"), t0());
        let _ = sleep(call.next_step(t0()));
        let _ = send(call.next_step(at(1)));
        call.receive(oauth_error(code), at(1));
        let error = done(call.next_step(at(1))).unwrap_err();
        assert_eq!(flow_end(&error), Some(end), "{code}: {error}");
        assert!(error.nothing_sent(), "{code}");
    }
    // Refusals at the backchannel endpoint end the flow at once.
    for (code, end) in [
        ("unknown_user_id", Some(FlowEnd::UnknownUser)),
        ("access_denied", Some(FlowEnd::Denied)),
        ("invalid_scope", None),
        ("invalid_request", None),
    ] {
        let core = ciba_core(server());
        let op = get_op();
        let mut call = core.start(&op, &CallOptions::new(), t0());
        let _ = send(call.next_step(t0()));
        call.receive(oauth_error(code), t0());
        let error = done(call.next_step(t0())).unwrap_err();
        assert_eq!(flow_end(&error), end, "{code}: {error}");
        assert!(error.to_string().contains(code), "{code}: {error}");
    }
    // 401 invalid_client at the token endpoint.
    let core = ciba_core(server());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let _ = send(call.next_step(t0()));
    call.receive(ack(Some(1), "60"), t0());
    let _ = sleep(call.next_step(t0()));
    let _ = send(call.next_step(at(1)));
    call.receive(json(401, r#"{"error":"invalid_client"}"#), at(1));
    let error = done(call.next_step(at(1))).unwrap_err();
    assert!(error.to_string().contains("invalid_client"), "{error}");
}

#[test]
fn the_flow_never_polls_past_its_expiry() {
    let core = ciba_core(server());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let _ = send(call.next_step(t0()));
    call.receive(ack(Some(2), "3"), t0());
    assert_eq!(sleep(call.next_step(t0())), Duration::from_secs(2));
    let _ = send(call.next_step(at(2)));
    call.receive(oauth_error("authorization_pending"), at(2));
    // The next poll would come at 4 s, after the request expired at 3 s.
    let error = done(call.next_step(at(2))).unwrap_err();
    assert_eq!(flow_end(&error), Some(FlowEnd::Expired), "{error}");
}

#[test]
fn a_backchannel_request_that_may_have_arrived_is_never_replayed() {
    let core = ciba_core(server());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let _ = send(call.next_step(t0()));
    call.receive(
        Err(TransportError::new(
            qod_core::Delivery::MaybeSent,
            "reset after the request was written",
        )),
        t0(),
    );
    let error = done(call.next_step(t0())).unwrap_err();
    assert!(error.nothing_sent(), "the call's own request never left");
}

#[test]
fn discovery_is_read_once_per_client_for_every_subject() {
    let discovery = Discovery::new(DISCOVERY_URL).unwrap();
    let core = ciba_core(AuthorizationServer::discover(discovery));
    let metadata = r#"{"issuer":"https://auth.example.com",
        "token_endpoint":"https://auth.example.com/oauth2/token",
        "backchannel_authentication_endpoint":"https://auth.example.com/oauth2/bc-authorize",
        "backchannel_token_delivery_modes_supported":["poll"],
        "grant_types_supported":["urn:openid:params:grant-type:ciba"],
        "token_endpoint_auth_methods_supported":["client_secret_basic"],
        "some_vendor_field":{"ignored":true}}"#;
    let op = get_op();
    for (who, discovers) in [(ALICE, true), (BOB, false)] {
        let options = CallOptions::new().with_subject(Subject::parse(who).unwrap());
        let mut call = core.start(&op, &options, t0());
        if discovers {
            let get = send(call.next_step(t0()));
            assert_eq!(get.method(), http::Method::GET);
            assert_eq!(get.uri(), DISCOVERY_URL);
            call.receive(json(200, metadata), t0());
        }
        let bc = send(call.next_step(t0()));
        assert_eq!(bc.uri(), "https://auth.example.com/oauth2/bc-authorize");
        assert_eq!(field(&bc, "login_hint").as_deref(), Some(who));
        call.receive(ack(Some(1), "60"), t0());
        let _ = sleep(call.next_step(t0()));
        let poll = send(call.next_step(at(1)));
        assert_eq!(poll.uri(), "https://auth.example.com/oauth2/token");
        call.receive(token(who, None), at(1));
        let attempt = send(call.next_step(at(1)));
        assert_eq!(attempt.headers()["authorization"], format!("Bearer {who}"));
        call.receive(session(), at(1));
        done(call.next_step(at(1))).unwrap();
    }
    assert_eq!(core.authenticator().cached_subjects(), 2);
}

#[test]
fn discovery_without_what_the_flow_needs_is_refused_by_name() {
    let core = ciba_core(AuthorizationServer::discover(
        Discovery::new(DISCOVERY_URL).unwrap(),
    ));
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let _ = send(call.next_step(t0()));
    call.receive(
        json(
            200,
            r#"{"issuer":"https://auth.example.com","token_endpoint":"https://auth.example.com/token"}"#,
        ),
        t0(),
    );
    let error = done(call.next_step(t0())).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("backchannel_authentication_endpoint")
            || format!("{error:?}").contains("backchannel_authentication_endpoint"),
        "{error:?}"
    );
}

#[test]
fn each_subject_has_its_own_token_and_a_second_call_reuses_it() {
    let core = ciba_core(server());
    let op = get_op();
    let alice = CallOptions::new();
    let mut call = core.start(&op, &alice, t0());
    let _ = send(call.next_step(t0()));
    // While alice's flow waits for her, bob's starts on its own.
    let bob = CallOptions::new().with_subject(Subject::parse(BOB).unwrap());
    let mut bobs = core.start(&op, &bob, t0());
    let bc = send(bobs.next_step(t0()));
    assert_eq!(field(&bc, "login_hint").as_deref(), Some(BOB));
    // A second call for alice waits for her flow instead of starting another.
    let mut again = core.start(&op, &alice, t0());
    assert!(matches!(again.next_step(t0()), Step::WaitForToken { .. }));

    call.receive(ack(Some(1), "60"), t0());
    let _ = sleep(call.next_step(t0()));
    let _ = send(call.next_step(at(1)));
    call.receive(token("alice-token", None), at(1));
    let _ = send(call.next_step(at(1)));
    call.receive(session(), at(1));
    done(call.next_step(at(1))).unwrap();

    let attempt = send(again.next_step(at(1)));
    assert_eq!(attempt.headers()["authorization"], "Bearer alice-token");
}

#[test]
fn a_flow_that_outlives_its_call_is_handed_to_the_next_call() {
    let core = ciba_core(server());
    let op = get_op();
    let short = CallOptions::new().with_time_limit(Duration::from_secs(3));
    let mut call = core.start(&op, &short, t0());
    let _ = send(call.next_step(t0()));
    call.receive(ack(Some(5), "60"), t0());
    // Waiting 5 s would pass the call's 3 s: it ends, and the flow waits on.
    let error = done(call.next_step(t0())).unwrap_err();
    assert!(error.nothing_sent(), "{error}");
    assert!(matches!(
        error.kind(),
        ErrorKind::Auth(AuthError::TokenWaitTimedOut { .. })
    ));

    // The next call polls the same request: the user is not asked again.
    let mut next = core.start(&op, &CallOptions::new(), at(5));
    let poll = send(next.next_step(at(5)));
    assert_eq!(poll.uri(), TOKEN_URL);
    assert_eq!(field(&poll, "auth_req_id").as_deref(), Some("req-1"));
    next.receive(token("alice-token", None), at(5));
    let _ = send(next.next_step(at(5)));
}

#[test]
fn a_refresh_token_renews_the_users_token_and_a_dead_one_asks_again() {
    let core = ciba_core(server());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let _ = send(call.next_step(t0()));
    call.receive(ack(Some(1), "60"), t0());
    let _ = sleep(call.next_step(t0()));
    let _ = send(call.next_step(at(1)));
    call.receive(token("first", Some("refresh-1")), at(1));
    let _ = send(call.next_step(at(1)));
    call.receive(session(), at(1));
    done(call.next_step(at(1))).unwrap();

    // Within the refresh margin of its hour: renewed, not asked again.
    let later = at(3600 - 30);
    let mut call = core.start(&op, &CallOptions::new(), later);
    let refresh = send(call.next_step(later));
    assert_eq!(refresh.uri(), TOKEN_URL);
    assert_eq!(
        field(&refresh, "grant_type").as_deref(),
        Some("refresh_token")
    );
    assert_eq!(
        field(&refresh, "refresh_token").as_deref(),
        Some("refresh-1")
    );
    // The refresh token is dead: a new backchannel request asks the user.
    call.receive(oauth_error("invalid_grant"), later);
    let bc = send(call.next_step(later));
    assert_eq!(bc.uri(), BC_URL);
}

#[test]
fn jwt_bearer_asserts_the_subject_with_the_scope_claim_and_no_scope_parameter() {
    let key = AssertionKey::from_pkcs8_pem(KEY_PEM).unwrap();
    let client = ClientAuth::private_key_jwt("my-app", key).unwrap();
    let credentials = UserCredentials::jwt_bearer(client, server())
        .unwrap()
        .with_default_subject(Subject::parse(ALICE).unwrap());
    let core = ClientCore::new(Endpoint::new(API).unwrap()).with_credentials(credentials);
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let request = send(call.next_step(t0()));
    assert_eq!(request.uri(), TOKEN_URL);
    assert_eq!(
        field(&request, "grant_type").as_deref(),
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    );
    assert!(field(&request, "scope").is_none());
    assert!(field(&request, "client_assertion").is_none());
    let assertion = field(&request, "assertion").unwrap();
    let claims = assertion.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap(),
    )
    .unwrap();
    assert_eq!(claims["iss"], "my-app");
    assert_eq!(claims["sub"], ALICE);
    assert_eq!(claims["aud"], TOKEN_URL);
    assert!(
        claims["scope"]
            .as_str()
            .unwrap()
            .contains("quality-on-demand:sessions:read")
    );
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert!(lifetime <= 300, "{lifetime}");
    call.receive(token("alice-token", None), t0());
    let attempt = send(call.next_step(t0()));
    assert_eq!(attempt.headers()["authorization"], "Bearer alice-token");
}

fn create_op(device: Option<Device>) -> CreateSessionOp {
    let profile = QosProfileName::parse("QOS_E").unwrap();
    let body = match device {
        Some(device) => CreateSession::new(device, profile),
        None => CreateSession::for_token_device(profile),
    };
    CreateSessionOp::new(
        body.with_application_server(ApplicationServer::ipv4("198.51.100.10".parse().unwrap()))
            .with_duration(600),
    )
}

#[test]
fn with_a_three_legged_token_a_device_is_refused_before_anything_is_sent() {
    let core = ciba_core(server());
    let phone = Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap());
    let op = create_op(Some(phone));
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let Step::Done(Err(error)) = call.next_step(t0()) else {
        panic!("refused before the backchannel request");
    };
    let ErrorKind::Invalid(broken) = error.kind() else {
        panic!("{error:?}");
    };
    assert_eq!(broken.field(), "device");
    assert!(broken.rule().contains("UNNECESSARY_IDENTIFIER"), "{broken}");

    let op = create_op(None);
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let bc = send_any(call.next_step(t0()));
    assert!(
        Scope::parse(&field(&bc, "scope").unwrap())
            .unwrap()
            .contains("quality-on-demand:sessions:create")
    );
}

fn send_any<T: std::fmt::Debug>(step: Step<T>) -> Request<Vec<u8>> {
    match step {
        Step::Send(request) => request,
        other => panic!("expected Send, got {other:?}"),
    }
}

#[test]
fn a_three_legged_call_without_a_subject_is_refused_by_name() {
    let client = ClientAuth::secret_basic("my-app", "s3cret").unwrap();
    let credentials = Credentials::User(UserCredentials::ciba(client, server()));
    let core = ClientCore::new(Endpoint::new(API).unwrap())
        .with_credentials(credentials)
        .with_retry_policy(RetryPolicy::default());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let error = done(call.next_step(t0())).unwrap_err();
    let ErrorKind::Invalid(broken) = error.kind() else {
        panic!("{error:?}");
    };
    assert_eq!(broken.field(), "subject");
    assert!(broken.rule().contains("with_subject"), "{broken}");
}

#[test]
fn client_credentials_on_1x_ask_for_the_scopes_of_the_calls_api() {
    let credentials =
        qod_core::auth::ClientCredentials::new(TOKEN_URL, "my-app", "s3cret").unwrap();
    let core = ClientCore::new(Endpoint::new(API).unwrap()).with_credentials(credentials);
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let request = send(call.next_step(t0()));
    let scope = Scope::parse(&field(&request, "scope").unwrap()).unwrap();
    assert!(scope.contains("quality-on-demand:sessions:read"));
    assert!(!scope.contains("openid"), "two-legged: no openid");
}
