//! Canary secrets go through every public type, formatter and log line, and never print.
//!
//! The test's logger is the process's, shared with the other tests of this
//! binary: it takes the records of the test's own thread only.

#![cfg(feature = "tmobile")]
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ThreadId;

use crate::support::{KEY_PEM, TestClock};
use http::{Request, Response};
use qod_core::auth::{
    AccessToken, Authenticator, ClientAuthMethod, ClientCredentials, Credentials, PopSigner,
    TaapCredentials,
};
use qod_core::operations::CreateSessionOp;
use qod_core::{Client, ClientCore, Endpoint, Operation, TransportError};
use qod_models::{
    CreateSession, Device, NotificationToken, NotificationUrl, PhoneNumber, QosProfileName,
    SecretString, SessionInfo, SinkCredential, Timestamp, Webhook,
};

const CLIENT_SECRET: &str = "CANARY-client-secret-1";
const ACCESS_TOKEN: &str = "CANARY-access-token-2";
const ID_TOKEN: &str = "CANARY-id-token-3";
const NOTIFICATION_TOKEN: &str = "CANARY-notification-token-4";
const SINK_TOKEN: &str = "CANARY-sink-token-5";

struct CapturingLogger {
    /// The thread of the test that set it up.
    thread: OnceLock<ThreadId>,
    lines: Mutex<Vec<String>>,
}

impl log::Log for CapturingLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        self.thread.get() == Some(&std::thread::current().id())
    }
    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        self.lines
            .lock()
            .unwrap()
            .push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

static LOGGER: CapturingLogger = CapturingLogger {
    thread: OnceLock::new(),
    lines: Mutex::new(Vec::new()),
};

/// A line of the key's base64 body: it must never show either.
fn key_canary() -> String {
    String::from_utf8_lossy(KEY_PEM)
        .lines()
        .nth(5)
        .unwrap()
        .to_owned()
}

fn assert_clean(what: &str, text: &str, pop_tokens: &[String]) {
    use base64::Engine as _;
    // Basic credentials carry the secret base64-encoded: look for that form too.
    let basic_taap =
        base64::engine::general_purpose::STANDARD.encode(format!("client-id:{CLIENT_SECRET}"));
    let basic_oauth =
        base64::engine::general_purpose::STANDARD.encode(format!("id:{CLIENT_SECRET}"));
    for canary in [
        CLIENT_SECRET,
        ACCESS_TOKEN,
        ID_TOKEN,
        NOTIFICATION_TOKEN,
        SINK_TOKEN,
        &key_canary(),
        &basic_taap,
        &basic_oauth,
    ] {
        assert!(!text.contains(canary), "{what} printed a secret: {text}");
        // Nor as a list of byte values, as `Debug` of a `Vec<u8>` would.
        let as_bytes = format!("{:?}", canary.as_bytes());
        let as_bytes = as_bytes.trim_start_matches('[').trim_end_matches(']');
        assert!(
            !text.contains(as_bytes),
            "{what} printed a secret's bytes: {text}"
        );
    }
    for pop in pop_tokens {
        assert!(!text.contains(pop.as_str()), "{what} printed a PoP token");
    }
}

fn formats<T: std::fmt::Debug>(value: &T) -> String {
    format!("{value:?}\n{value:#?}")
}

#[test]
fn secrets_never_print() {
    LOGGER.thread.set(std::thread::current().id()).unwrap();
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let pop_tokens = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&pop_tokens);
    let transport = move |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        if let Some(pop) = request.headers().get("x-authorization") {
            seen.lock().unwrap().push(pop.to_str().unwrap().to_owned());
        }
        let body = if request.uri().path().ends_with("/tokens") {
            format!(
                r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":3600,"id_token":"{ID_TOKEN}"}}"#
            )
        } else {
            r#"{"status":404,"code":"NOT_FOUND","message":"Session Id does not exist"}"#.to_owned()
        };
        let status = if request.uri().path().ends_with("/tokens") {
            200
        } else {
            404
        };
        Ok(Response::builder()
            .status(status)
            .body(body.into_bytes())
            .unwrap())
    };

    let taap = TaapCredentials::from_pem("client-id", CLIENT_SECRET, KEY_PEM).unwrap();
    let core = ClientCore::new(Endpoint::tmobile_sandbox())
        .with_credentials(Credentials::TMobile(taap.clone()));
    let client = Client::new(transport, core, Arc::new(TestClock::new()));
    let error = client
        .get_session("123e4567-e89b-12d3-a456-426614174000".parse().unwrap())
        .unwrap_err();
    let token = client.authenticator().credentials().clone();

    let oauth = ClientCredentials::new("https://auth.example.com/token", "id", CLIENT_SECRET)
        .unwrap()
        .with_auth_method(ClientAuthMethod::Post);
    let fetched = AccessToken::new(ACCESS_TOKEN);
    let body = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_VC").unwrap(),
    )
    .with_webhook(Webhook {
        notification_url: NotificationUrl::parse("https://app.example.com").unwrap(),
        notification_auth_token: Some(NotificationToken::parse(NOTIFICATION_TOKEN).unwrap()),
    });
    let credential =
        SinkCredential::access_token(SINK_TOKEN, Timestamp::from_unix(2_000_000_000).unwrap());

    // What servers echo: a webhook token (0.10.1) and sink tokens (1.x),
    // in echoes that parse, in echoes that do not, and in an answer to a
    // create that cannot be decoded.
    let echoed: SessionInfo = serde_json::from_value(serde_json::json!({
        "sessionId": "123e4567-e89b-12d3-a456-426614174000", "qosProfile": "QOS_VC",
        "duration": 60, "qosStatus": "AVAILABLE",
        "webhook": {"notificationUrl": "https://app.example.com", "notificationAuthToken": NOTIFICATION_TOKEN},
        "sinkCredential": {"credentialType": "REFRESHTOKEN", "accessToken": SINK_TOKEN,
            "refreshToken": ACCESS_TOKEN, "accessTokenExpiresUtc": "2030-01-01T00:00:00Z",
            "accessTokenType": "bearer", "refreshTokenEndpoint": "https://auth.example.com"}
    }))
    .unwrap();
    let unparsed: SessionInfo = serde_json::from_value(serde_json::json!({
        "sessionId": "123e4567-e89b-12d3-a456-426614174000", "qosProfile": "QOS_VC",
        "duration": 60, "qosStatus": "AVAILABLE",
        "webhook": {"notificationUrl": 1, "notificationAuthToken": NOTIFICATION_TOKEN},
        "sinkCredential": {"credentialType": 1, "accessToken": SINK_TOKEN, "secret": CLIENT_SECRET}
    }))
    .unwrap();
    assert!(unparsed.webhook.as_ref().unwrap().parsed().is_none());
    let undecodable = CreateSessionOp::new(body.clone())
        .parse(
            Response::builder()
                .status(201)
                .body(
                    format!(
                        r#"{{"sessionId": "123e4567-e89b-12d3-a456-426614174000", "webhook": {{"notificationAuthToken": "{NOTIFICATION_TOKEN}"}}, "qosStatus""#
                    )
                    .into_bytes(),
                )
                .unwrap(),
        )
        .unwrap_err();
    assert!(
        undecodable
            .created()
            .and_then(|made| made.session_id())
            .is_some()
    );

    let pops = pop_tokens.lock().unwrap().clone();
    assert!(
        pops.len() >= 2,
        "the token call and the API call carry PoP tokens"
    );
    let printed = [
        ("Client", formats(&client)),
        ("Credentials", formats(&token)),
        ("TaapCredentials", formats(&taap)),
        (
            "PopSigner",
            formats(&PopSigner::from_pkcs8_pem(KEY_PEM).unwrap()),
        ),
        ("ClientCredentials", formats(&oauth)),
        (
            "Credentials::ClientCredentials",
            formats(&Credentials::ClientCredentials(oauth.clone())),
        ),
        (
            "Credentials::Bearer",
            formats(&Credentials::bearer(ACCESS_TOKEN).unwrap()),
        ),
        (
            "Authenticator",
            formats(&Authenticator::new(
                Credentials::bearer(ACCESS_TOKEN).unwrap(),
            )),
        ),
        ("AccessToken", formats(&fetched)),
        // Its token cache holds the token fetched for the call above.
        (
            "Authenticator with a cached token",
            formats(client.authenticator()),
        ),
        ("SecretString", formats(&SecretString::new(CLIENT_SECRET))),
        ("CreateSession", formats(&body)),
        ("SinkCredential", formats(&credential)),
        ("Error", format!("{error}\n{error:?}")),
        ("SessionInfo with echoed secrets", formats(&echoed)),
        ("SessionInfo with unparsed echoes", formats(&unparsed)),
        ("Error::Decode of a create", undecodable.to_string()),
        ("Error::Decode of a create (Debug)", formats(&undecodable)),
        (
            "token request",
            formats(
                &taap
                    .token_request(
                        &Endpoint::tmobile_sandbox(),
                        std::time::SystemTime::now(),
                        uuid::Uuid::nil(),
                    )
                    .unwrap()
                    .headers(),
            ),
        ),
        (
            "oauth request headers",
            formats(
                &ClientCredentials::new("https://a.example/t", "id", CLIENT_SECRET)
                    .unwrap()
                    .token_request()
                    .unwrap()
                    .headers(),
            ),
        ),
        ("logs", LOGGER.lines.lock().unwrap().join("\n")),
    ];
    for (what, text) in &printed {
        assert_clean(what, text, &pops);
    }
    assert!(
        !LOGGER.lines.lock().unwrap().is_empty(),
        "the client logs each attempt"
    );
}

/// The three-legged flows' secrets: client assertions, operator tokens,
/// `auth_req_id`s, refresh tokens, codes, PKCE verifiers, states, nonces.
#[test]
fn flow_secrets_never_print() {
    use qod_core::auth::{
        AssertionKey, AuthorizationRandom, CibaPoll, ClientAuth, RefreshToken, Scope, Subject,
        ciba, refresh,
    };
    use std::time::{Duration, SystemTime};

    const OPERATOR_TOKEN: &str = "CANARY-operator-token-6";
    const AUTH_REQ_ID: &str = "CANARY-auth-req-id-7";
    const REFRESH_TOKEN: &str = "CANARY-refresh-token-8";
    const CODE: &str = "CANARY-code-9";

    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let key = AssertionKey::from_pkcs8_pem(KEY_PEM)
        .unwrap()
        .with_kid("kid-1")
        .unwrap();
    let auths = [
        ClientAuth::secret_basic("id", CLIENT_SECRET).unwrap(),
        ClientAuth::secret_post("id", CLIENT_SECRET).unwrap(),
        ClientAuth::private_key_jwt("id", key.clone()).unwrap(),
    ];
    let subject = Subject::operator_token(OPERATOR_TOKEN).unwrap();
    let scope = Scope::parse("openid dpv:RequestedServiceProvision").unwrap();
    let bc_url = "https://as.example.com/bc-authorize".parse().unwrap();
    let token_url = "https://as.example.com/token".parse().unwrap();

    let answer = |status: u16, body: String| {
        Response::builder()
            .status(status)
            .body(body.into_bytes())
            .unwrap()
    };
    let mut pending = ciba::read_backchannel_response(
        answer(
            200,
            format!(r#"{{"auth_req_id":"{AUTH_REQ_ID}","expires_in":120}}"#),
        ),
        now,
    )
    .unwrap();
    let poll = pending
        .read_poll_response(
            answer(
                200,
                format!(
                    r#"{{"access_token":"{ACCESS_TOKEN}","refresh_token":"{REFRESH_TOKEN}","id_token":"{ID_TOKEN}"}}"#
                ),
            ),
            now,
        )
        .unwrap();
    let CibaPoll::Token(grant) = &poll else {
        panic!("{poll:?}")
    };
    let refreshed = refresh::read_refresh_response(
        answer(200, format!(r#"{{"access_token":"{ACCESS_TOKEN}"}}"#)),
        now,
        grant.refresh_token().unwrap(),
    )
    .unwrap();

    let flow = qod_core::auth::AuthorizationCodeFlow::new(
        &"https://as.example.com/authorize".parse().unwrap(),
        "id",
        "https://app.example.com/cb",
        scope.clone(),
    )
    .unwrap();
    let random = AuthorizationRandom::from_bytes([7; 32], [8; 16], [9; 16]);
    let authorization = flow.start(&random);
    let state = authorization.expose_state().to_owned();
    let code = authorization
        .read_redirect(&format!("?code={CODE}&state={state}"))
        .unwrap();
    let pkce_secrets = [
        state.clone(),
        authorization.expose_nonce().to_owned(),
        authorization.authorization_url().to_owned(),
    ];

    let mut assertions = Vec::new();
    let mut printed = vec![
        ("AssertionKey", formats(&key)),
        ("Subject", formats(&subject)),
        ("Subject (Display)", subject.to_string()),
        ("CibaPending", formats(&pending)),
        ("CibaPoll", formats(&poll)),
        ("TokenGrant", formats(grant)),
        ("refreshed TokenGrant", formats(&refreshed)),
        ("RefreshToken", formats(&RefreshToken::new(REFRESH_TOKEN))),
        ("AuthorizationCodeFlow", formats(&flow)),
        ("AuthorizationPending", formats(&authorization)),
        ("AuthorizationRandom", formats(&random)),
        ("AuthorizationCode", formats(&code)),
    ];
    for bad in [
        format!("operatortoken:{OPERATOR_TOKEN} x"),
        format!("operatorToken:{OPERATOR_TOKEN}"),
        OPERATOR_TOKEN.to_owned(),
    ] {
        let error = Subject::parse(&bad).unwrap_err();
        printed.push(("Subject::parse error", format!("{error}\n{error:?}")));
    }
    let mut ids = (1_u128..).map(uuid::Uuid::from_u128);
    let mut jti = move || ids.next().unwrap();
    for auth in &auths {
        printed.push(("ClientAuth", formats(auth)));
        let credentials =
            ClientCredentials::from_client_auth("https://as.example.com/token", auth.clone())
                .unwrap();
        printed.push(("ClientCredentials", formats(&credentials)));
        let requests = [
            ciba::backchannel_request(&bc_url, auth, &scope, &subject, now, jti()).unwrap(),
            pending.poll_request(&token_url, auth, now, jti()).unwrap(),
            refresh::refresh_request(
                &token_url,
                auth,
                grant.refresh_token().unwrap(),
                None,
                now,
                jti(),
            )
            .unwrap(),
            authorization
                .exchange_request(&token_url, auth, &code, now, jti())
                .unwrap(),
        ];
        for request in &requests {
            printed.push(("flow request headers", formats(request.headers())));
            let form: Vec<(String, String)> = form_urlencoded::parse(request.body())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assertions.extend(
                form.into_iter()
                    .filter(|(k, _)| k == "client_assertion")
                    .map(|(_, v)| v),
            );
        }
    }
    assert_eq!(assertions.len(), 4, "private_key_jwt signs every request");
    for (what, text) in &printed {
        assert_clean(what, text, &assertions);
        for canary in [OPERATOR_TOKEN, AUTH_REQ_ID, REFRESH_TOKEN, CODE]
            .iter()
            .copied()
            .chain(pkce_secrets.iter().map(String::as_str))
        {
            assert!(!text.contains(canary), "{what} printed a secret: {text}");
        }
    }
}
