//! The call state machine driven by hand: every decision checked without a
//! transport, a clock or a runtime.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use crate::support::KEY_PEM;
use http::{Method, Request, Response};
use qod_core::auth::{AuthError, ClientCredentials, Credentials, TaapCredentials};
use qod_core::operations::{CreateSessionOp, ExtendSessionOp, GetSessionOp};
use qod_core::{
    CallOptions, ClientCore, CreatedResource, Delivery, Endpoint, Error, ErrorKind, Machine,
    Operation, RequestTimeout, RetryPolicy, Step, TransportError,
};
use qod_models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, SessionInfo, XCorrelator,
};

const SESSION: &str = "123e4567-e89b-12d3-a456-426614174000";

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn session_body() -> Vec<u8> {
    format!(
        r#"{{"sessionId":"{SESSION}","qosProfile":"QOS_VC","duration":600,
            "startedAt":1700000000,"expiresAt":1700000600,"qosStatus":"AVAILABLE"}}"#
    )
    .into_bytes()
}

fn response(status: u16, body: &[u8]) -> Result<Response<Vec<u8>>, TransportError> {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .unwrap())
}

fn with_retry_after(status: u16, seconds: u32) -> Result<Response<Vec<u8>>, TransportError> {
    Ok(Response::builder()
        .status(status)
        .header("retry-after", seconds.to_string())
        .body(Vec::new())
        .unwrap())
}

fn token_response(token: &str) -> Result<Response<Vec<u8>>, TransportError> {
    response(
        200,
        format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":3600}}"#)
            .as_bytes(),
    )
}

fn get_op() -> GetSessionOp {
    GetSessionOp::new(SESSION.parse().unwrap())
}

fn create_op(duration: u32) -> CreateSessionOp {
    CreateSessionOp::new(
        CreateSession::new(
            Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap()),
            QosProfileName::parse("QOS_VC").unwrap(),
        )
        .with_application_server(ApplicationServer::ipv4("198.51.100.0/24".parse().unwrap()))
        .with_duration(duration),
    )
}

fn oauth_core() -> ClientCore {
    let credentials =
        ClientCredentials::new("https://auth.example.com/token", "client", "secret").unwrap();
    ClientCore::new(Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap())
        .with_credentials(Credentials::ClientCredentials(credentials))
}

fn taap_core() -> ClientCore {
    let taap = TaapCredentials::from_pem("client", "secret", KEY_PEM).unwrap();
    ClientCore::new(Endpoint::tmobile_sandbox()).with_credentials(Credentials::TMobile(taap))
}

/// Expects a `Send` step and returns its request.
fn expect_send<T: std::fmt::Debug>(step: Step<T>) -> Request<Vec<u8>> {
    match step {
        Step::Send(request) => request,
        other => panic!("expected Send, got {other:?}"),
    }
}

fn expect_done<T: std::fmt::Debug>(step: Step<T>) -> Result<T, Error> {
    match step {
        Step::Done(result) => result,
        other => panic!("expected Done, got {other:?}"),
    }
}

fn is_token_request(request: &Request<Vec<u8>>) -> bool {
    request.uri().path().contains("token")
}

#[test]
fn invalid_input_ends_the_call_before_any_token_request() {
    // 0.10.1 at T-Mobile needs a duration of at least 60 s.
    let core = taap_core();
    let op = create_op(30);
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
}

#[test]
fn the_token_comes_first_then_the_signed_attempt() {
    let core = taap_core();
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let token_request = expect_send(call.next_step(t0()));
    assert!(is_token_request(&token_request));
    call.receive(token_response("tok-1"), t0());
    let attempt = expect_send(call.next_step(t0()));
    assert_eq!(attempt.method(), Method::GET);
    assert_eq!(attempt.headers()["authorization"], "Bearer tok-1");
    assert!(attempt.headers().contains_key("x-authorization"));
    assert_eq!(
        attempt.headers()["x-correlator"],
        call.correlator().as_str()
    );
    call.receive(response(200, &session_body()), t0());
    let info: SessionInfo = expect_done(call.next_step(t0())).unwrap();
    assert_eq!(info.session_id.to_string(), SESSION);
    assert_eq!(call.attempts(), 1);
}

#[test]
fn a_503_from_the_token_endpoint_is_retried_like_a_read() {
    let core = oauth_core();
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(call.next_step(t0()))));
    call.receive(with_retry_after(503, 2), t0());
    match call.next_step(t0()) {
        Step::Sleep(delay) => assert_eq!(delay, Duration::from_secs(2)),
        other => panic!("expected a backoff, got {other:?}"),
    }
    let later = t0() + Duration::from_secs(2);
    assert!(is_token_request(&expect_send(call.next_step(later))));
    call.receive(token_response("tok-2"), later);
    let attempt = expect_send(call.next_step(later));
    assert_eq!(attempt.headers()["authorization"], "Bearer tok-2");
}

#[test]
fn a_400_from_the_token_endpoint_is_an_auth_error_with_the_correlator() {
    let core = oauth_core();
    let op = get_op();
    let options = CallOptions::new().with_correlator(XCorrelator::parse("mine-1").unwrap());
    let mut call = core.start(&op, &options, t0());
    expect_send(call.next_step(t0()));
    call.receive(response(400, br#"{"error":"invalid_client"}"#), t0());
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error:?}");
}

#[test]
fn a_401_invalidates_the_token_and_replays_once() {
    let core = oauth_core();
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    expect_send(call.next_step(t0()));
    call.receive(token_response("old"), t0());
    expect_send(call.next_step(t0()));
    call.receive(response(401, b""), t0());
    // A fresh token, then the replay.
    assert!(is_token_request(&expect_send(call.next_step(t0()))));
    call.receive(token_response("new"), t0());
    let replay = expect_send(call.next_step(t0()));
    assert_eq!(replay.headers()["authorization"], "Bearer new");
    call.receive(response(401, b""), t0());
    // Only once: the second 401 is the answer.
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(call.attempts(), 1);
}

#[test]
fn a_create_that_may_have_been_sent_is_never_replayed() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap());
    let op = create_op(600);
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let first = expect_send(call.next_step(t0()));
    assert_eq!(first.method(), Method::POST);
    call.receive(Err(TransportError::new(Delivery::MaybeSent, "reset")), t0());
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");
    assert!(error.correlator().is_some());
}

#[test]
fn a_create_not_sent_or_refused_with_429_goes_again_with_the_same_body_and_correlator() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap());
    let op = create_op(600);
    let mut call = core.start(&op, &CallOptions::new(), t0());
    let first = expect_send(call.next_step(t0()));
    call.receive(Err(TransportError::new(Delivery::NotSent, "refused")), t0());
    assert!(matches!(call.next_step(t0()), Step::Sleep(_)));
    let second = expect_send(call.next_step(t0()));
    assert_eq!(first.body(), second.body());
    assert_eq!(
        first.headers()["x-correlator"],
        second.headers()["x-correlator"]
    );
    call.receive(with_retry_after(429, 1), t0());
    assert_eq!(
        match call.next_step(t0()) {
            Step::Sleep(delay) => delay,
            other => panic!("{other:?}"),
        },
        Duration::from_secs(1)
    );
    expect_send(call.next_step(t0()));
    call.receive(response(201, &session_body()), t0());
    assert!(expect_done(call.next_step(t0())).is_ok());
    assert_eq!(call.attempts(), 3);
}

#[test]
fn extend_is_not_replayed_on_a_503_but_a_read_is_until_the_attempts_run_out() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap())
        .with_retry_policy(RetryPolicy::new().with_max_attempts(3));
    let extend = ExtendSessionOp::new(SESSION.parse().unwrap(), 60);
    let mut call = core.start(&extend, &CallOptions::new(), t0());
    expect_send(call.next_step(t0()));
    call.receive(response(503, b""), t0());
    assert!(expect_done(call.next_step(t0())).is_err());

    let read = get_op();
    let mut call = core.start(&read, &CallOptions::new(), t0());
    let mut sends = 0;
    let result = loop {
        match call.next_step(t0()) {
            Step::Send(_) => {
                sends += 1;
                call.receive(response(503, b""), t0());
            }
            Step::Sleep(delay) => assert!(delay <= Duration::from_secs(5)),
            Step::WaitForToken { .. } => panic!("no token to wait for"),
            Step::Done(result) => break result,
        }
    };
    assert_eq!(sends, 3);
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
}

#[test]
fn a_second_call_waits_for_the_first_ones_token_fetch() {
    let core = oauth_core();
    let op = get_op();
    let mut first = core.start(&op, &CallOptions::new(), t0());
    let mut second = core.start(&op, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(first.next_step(t0()))));
    let Step::WaitForToken { wait, at_most } = second.next_step(t0()) else {
        panic!("the second call must wait, not fetch");
    };
    assert_eq!(at_most, RetryPolicy::default().max_elapsed());
    first.receive(token_response("shared"), t0());
    // The fetch has ended: the wait is over at once.
    let mut wait = std::pin::pin!(wait);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(std::future::Future::poll(wait.as_mut(), &mut cx).is_ready());
    let attempt = expect_send(second.next_step(t0()));
    assert_eq!(attempt.headers()["authorization"], "Bearer shared");
}

/// A driver that breaks the protocol has a bug: the call panics, as
/// documented, instead of handing every application a driver's error.
fn misuse(run: fn(&mut qod_core::Call<'_, GetSessionOp>)) {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0").unwrap());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    run(&mut call);
}

#[test]
#[should_panic(expected = "while a request is out")]
fn asking_for_the_next_step_while_a_request_is_out_panics() {
    misuse(|call| {
        expect_send(call.next_step(t0()));
        let _ = call.next_step(t0());
    });
}

#[test]
#[should_panic(expected = "after Step::Done")]
fn asking_after_the_end_panics() {
    misuse(|call| {
        expect_send(call.next_step(t0()));
        call.receive(response(200, &session_body()), t0());
        assert!(expect_done(call.next_step(t0())).is_ok());
        let _ = call.next_step(t0());
    });
}

#[test]
#[should_panic(expected = "without a request out")]
fn receiving_without_a_request_out_panics() {
    misuse(|call| call.receive(response(200, &session_body()), t0()));
}

#[test]
fn every_operation_knows_its_name_for_logs() {
    assert_eq!(GetSessionOp::NAME, "getSession");
}

/// Counts the ids it gives out.
#[derive(Default)]
struct CountingIds(std::sync::atomic::AtomicU64);

impl qod_core::IdSource for CountingIds {
    fn next_uuid(&self) -> uuid::Uuid {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        uuid::Uuid::from_u64_pair(n, n + 1)
    }
}

#[test]
fn a_call_with_a_fresh_token_draws_only_its_correlator_and_its_pop_id() {
    let ids = std::sync::Arc::new(CountingIds::default());
    let core = taap_core().with_ids(ids.clone());
    let op = get_op();
    let drawn = || ids.0.load(std::sync::atomic::Ordering::SeqCst);

    let mut first = core.start(&op, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(first.next_step(t0()))));
    first.receive(token_response("tok"), t0());
    expect_send(first.next_step(t0()));
    first.receive(response(200, &session_body()), t0());
    assert!(expect_done(first.next_step(t0())).is_ok());
    // Correlator, the token request's PoP id, the API request's PoP id.
    assert_eq!(drawn(), 3);

    let mut second = core.start(&op, &CallOptions::new(), t0());
    expect_send(second.next_step(t0()));
    second.receive(response(200, &session_body()), t0());
    assert!(expect_done(second.next_step(t0())).is_ok());
    assert_eq!(drawn(), 5, "no PoP id for a token request that is not made");
}

fn expect_wait(step: Step<SessionInfo>) -> Duration {
    match step {
        Step::WaitForToken { at_most, .. } => at_most,
        other => panic!("expected a wait for the token, got {other:?}"),
    }
}

#[test]
fn a_waiting_call_gives_up_when_its_own_time_is_spent() {
    let core = oauth_core();
    let op = get_op();
    let mut fetcher = core.start(&op, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(fetcher.next_step(t0()))));

    let limit = Duration::from_secs(2);
    let options = CallOptions::new().with_time_limit(limit);
    let mut waiter = core.start(&op, &options, t0());
    assert_eq!(expect_wait(waiter.next_step(t0())), limit);
    // Woken early (a spurious wake-up): it waits only for what is left.
    let later = t0() + Duration::from_millis(1500);
    assert_eq!(
        expect_wait(waiter.next_step(later)),
        Duration::from_millis(500)
    );
    // The fetch is still out when the waiter's time is up.
    let error = expect_done(waiter.next_step(t0() + limit)).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Auth(AuthError::TokenWaitTimedOut { waited }) if *waited == limit),
        "{error:?}"
    );
    assert!(error.nothing_sent());
    assert!(
        error.to_string().contains("waiting for the token"),
        "{error}"
    );
}

#[test]
fn a_failed_fetch_is_the_error_of_every_call_that_waited_for_it() {
    let core = oauth_core().with_retry_policy(RetryPolicy::none());
    let op = get_op();
    let mut fetcher = core.start(&op, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(fetcher.next_step(t0()))));
    let mut waiters: Vec<_> = (0..5)
        .map(|_| core.start(&op, &CallOptions::new(), t0()))
        .collect();
    for waiter in &mut waiters {
        expect_wait(waiter.next_step(t0()));
    }
    fetcher.receive(
        Err(TransportError::new(Delivery::MaybeSent, "timed out")),
        t0(),
    );
    let error = expect_done(fetcher.next_step(t0())).unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Auth(AuthError::TokenRequest { .. })
        ),
        "{error:?}"
    );
    // Each waiter ends with the same error, and none sends a token request.
    for waiter in &mut waiters {
        match waiter.next_step(t0()) {
            Step::Done(Err(error)) => match error.kind() {
                ErrorKind::Auth(AuthError::TokenRequest { source }) => {
                    assert_eq!(source.to_string(), "timed out");
                }
                other => panic!("a waiter must share the failure, got {other:?}"),
            },
            other => panic!("a waiter must share the failure, got {other:?}"),
        }
    }
    // A call that comes after the failure fetches again.
    let mut newcomer = core.start(&op, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(newcomer.next_step(t0()))));
}

#[test]
fn a_token_request_that_failed_says_the_call_was_not_sent() {
    let core = oauth_core().with_retry_policy(RetryPolicy::none());
    let create = create_op(600);
    let mut call = core.start(&create, &CallOptions::new(), t0());
    assert!(is_token_request(&expect_send(call.next_step(t0()))));
    call.receive(
        Err(TransportError::new(
            Delivery::MaybeSent,
            "timed out (global)",
        )),
        t0(),
    );
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert!(error.nothing_sent(), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("the call's request was not sent"),
        "{message}"
    );
    assert!(
        !message.starts_with("request may have been sent"),
        "{message}"
    );
}

#[test]
fn each_request_carries_what_is_left_of_the_call_s_time() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap());
    let op = get_op();
    let options = CallOptions::new().with_time_limit(Duration::from_secs(10));
    let mut call = core.start(&op, &options, t0());
    let first = expect_send(call.next_step(t0()));
    assert_eq!(
        first.extensions().get::<RequestTimeout>(),
        Some(&RequestTimeout(Duration::from_secs(10)))
    );
    call.receive(response(503, b""), t0() + Duration::from_secs(3));
    let Step::Sleep(delay) = call.next_step(t0() + Duration::from_secs(3)) else {
        panic!("a 503 on a read is retried");
    };
    let resumed = t0() + Duration::from_secs(3) + delay;
    let second = expect_send(call.next_step(resumed));
    assert_eq!(
        second.extensions().get::<RequestTimeout>(),
        Some(&RequestTimeout(Duration::from_secs(7) - delay))
    );
}

#[test]
fn a_retry_after_past_the_time_limit_ends_the_call_at_once() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap());
    let op = get_op();
    let options = CallOptions::new().with_time_limit(Duration::from_secs(5));
    let mut call = core.start(&op, &options, t0());
    expect_send(call.next_step(t0()));
    call.receive(with_retry_after(503, 29), t0());
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[test]
fn a_zero_expires_in_is_used_until_refused_not_fetched_per_call() {
    let core = oauth_core();
    let op = get_op();
    for (i, expires_in) in ["0", "-30", "\"0\""].iter().enumerate() {
        let core = core
            .clone()
            .with_credentials(core.authenticator().credentials().clone());
        let mut first = core.start(&op, &CallOptions::new(), t0());
        assert!(is_token_request(&expect_send(first.next_step(t0()))));
        let body =
            format!(r#"{{"access_token":"t{i}","token_type":"Bearer","expires_in":{expires_in}}}"#);
        first.receive(response(200, body.as_bytes()), t0());
        expect_send(first.next_step(t0()));
        for _ in 0..20 {
            let mut call = core.start(&op, &CallOptions::new(), t0() + Duration::from_secs(5));
            let request = expect_send(call.next_step(t0() + Duration::from_secs(5)));
            assert!(
                !is_token_request(&request),
                "expires_in {expires_in} fetched again"
            );
        }
    }
}

#[test]
fn token_lifetimes_of_every_shape_are_read() {
    let core = oauth_core();
    let op = get_op();
    for expires_in in [
        "1e12",
        "3600.5",
        "\"3600\"",
        "null",
        "18446744073709551615",
        "1e300",
    ] {
        let core = core
            .clone()
            .with_credentials(core.authenticator().credentials().clone());
        let mut call = core.start(&op, &CallOptions::new(), t0());
        assert!(is_token_request(&expect_send(call.next_step(t0()))));
        let body =
            format!(r#"{{"access_token":"tok","token_type":"Bearer","expires_in":{expires_in}}}"#);
        call.receive(response(200, body.as_bytes()), t0());
        let request = expect_send(call.next_step(t0()));
        assert_eq!(
            request.headers()["authorization"],
            "Bearer tok",
            "expires_in {expires_in}"
        );
    }
    for garbage in ["\"soon\"", "[1]", "{}", "true"] {
        let core = core
            .clone()
            .with_credentials(core.authenticator().credentials().clone());
        let mut call = core.start(&op, &CallOptions::new(), t0());
        expect_send(call.next_step(t0()));
        let body =
            format!(r#"{{"access_token":"tok","token_type":"Bearer","expires_in":{garbage}}}"#);
        call.receive(response(200, body.as_bytes()), t0());
        let error = expect_done(call.next_step(t0())).unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Auth(AuthError::TokenDecode { .. })),
            "{garbage}: {error:?}"
        );
    }
}

#[test]
fn an_access_token_that_cannot_be_a_header_is_refused_before_any_call_is_sent() {
    let core = oauth_core().with_retry_policy(RetryPolicy::none());
    let op = get_op();
    let mut call = core.start(&op, &CallOptions::new(), t0());
    expect_send(call.next_step(t0()));
    call.receive(token_response("tök"), t0());
    let error = expect_done(call.next_step(t0())).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Auth(AuthError::UnusableToken(_))),
        "{error:?}"
    );
    assert!(error.nothing_sent());
}

#[test]
fn a_create_answered_with_success_but_no_readable_id_says_a_session_was_made() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap());
    let create = create_op(600);
    // An empty 201, a 201 cut short before its id, a 201 over the body limit.
    let endings: Vec<Result<Response<Vec<u8>>, TransportError>> = vec![
        response(201, b""),
        Err(TransportError::new(Delivery::MaybeSent, "connection reset")
            .with_partial_response(http::StatusCode::CREATED, br#"{"qosProf"#.to_vec())),
        Err(
            TransportError::new(Delivery::Fatal, "over the 1048576-byte limit")
                .with_partial_response(http::StatusCode::CREATED, vec![b' '; 1024]),
        ),
    ];
    for ending in endings {
        let mut call = core.start(&create, &CallOptions::new(), t0());
        expect_send(call.next_step(t0()));
        call.receive(ending, t0());
        let error = expect_done(call.next_step(t0())).unwrap_err();
        assert_eq!(
            error.created(),
            Some(CreatedResource::UnnamedSession),
            "{error:?}"
        );
        assert!(!error.nothing_sent());
        let message = error.to_string();
        assert!(
            message.contains("a session was probably created"),
            "{message}"
        );
        assert!(
            message.contains("retrieving the device's sessions"),
            "{message}"
        );
    }
}

#[test]
fn every_retry_after_keeps_the_call_within_its_time_limit() {
    let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1").unwrap());
    let op = get_op();
    let limit = Duration::from_secs(10);
    for retry_after in [
        "18446744073709551615",
        "99999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "soon",
        "-5",
        "1.5",
        "",
    ] {
        let options = CallOptions::new().with_time_limit(limit);
        let mut call = core.start(&op, &options, t0());
        let mut now = t0();
        let result = loop {
            match call.next_step(now) {
                Step::Send(request) => {
                    let left = request.extensions().get::<RequestTimeout>().unwrap().0;
                    assert!(now + left <= t0() + limit, "{retry_after:?}");
                    call.receive(
                        Ok(Response::builder()
                            .status(503)
                            .header("retry-after", retry_after)
                            .body(Vec::new())
                            .unwrap()),
                        now,
                    );
                }
                Step::Sleep(delay) => now += delay,
                Step::WaitForToken { .. } => panic!("no token"),
                Step::Done(result) => break result,
            }
        };
        assert!(result.is_err());
        assert!(now <= t0() + limit, "{retry_after:?} ran to {now:?}");
    }
}
