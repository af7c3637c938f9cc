//! Authentication: OAuth 2.0 client credentials, T-Mobile TAAP with PoP tokens,
//! the token cache under an injected clock.

#![cfg(feature = "tmobile")]
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::support::{KEY_PEM, TestClock, verify_pop};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{Request, Response};
use qod_core::auth::{
    AuthError, Authenticator, ClientAuthMethod, ClientCredentials, Credentials, OAuthErrorCode,
    PopSigner, TaapCredentials,
};
use qod_core::{Client, ClientCore, Endpoint, ErrorKind, TransportError};
use qod_models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, SessionId,
};

const SESSION: &str = "123e4567-e89b-12d3-a456-426614174000";

fn session_json() -> Vec<u8> {
    format!(
        r#"{{"sessionId":"{SESSION}","qosProfile":"QOS_VC","duration":600,"startedAt":1700000000,"expiresAt":1700000600,"qosStatus":"AVAILABLE"}}"#
    )
    .into_bytes()
}

fn json_response(status: u16, body: &[u8]) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .unwrap()
}

#[test]
fn client_credentials_basic_request() {
    let credentials = ClientCredentials::new(
        "https://auth.example.com/oauth/token",
        "my app",
        "p@ss:w/rd+ é",
    )
    .unwrap()
    .with_scope("quality-on-demand:sessions:create qod-sessions-read");
    let request = credentials.token_request().unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri(), "https://auth.example.com/oauth/token");
    assert_eq!(
        request.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    let expected = format!(
        "Basic {}",
        STANDARD.encode("my+app:p%40ss%3Aw%2Frd%2B+%C3%A9")
    );
    assert_eq!(request.headers()["authorization"], expected.as_str());
    assert_eq!(
        String::from_utf8(request.body().clone()).unwrap(),
        "grant_type=client_credentials&scope=quality-on-demand%3Asessions%3Acreate+qod-sessions-read"
    );
}

#[test]
fn client_credentials_post_request() {
    let credentials = ClientCredentials::new("http://127.0.0.1:8080/token", "id", "s e")
        .unwrap()
        .with_auth_method(ClientAuthMethod::Post);
    let request = credentials.token_request().unwrap();
    assert!(request.headers().get("authorization").is_none());
    assert_eq!(
        String::from_utf8(request.body().clone()).unwrap(),
        "grant_type=client_credentials&client_id=id&client_secret=s+e"
    );
    assert!(ClientCredentials::new("http://auth.example.com/token", "id", "s").is_err());
    assert!(ClientCredentials::new("https://auth.example.com/token", "", "s").is_err());
}

#[test]
fn token_urls_with_credentials_or_a_port_out_of_range_are_refused() {
    for (url, rule) in [
        ("https://user:pw@auth.example.com/token", "credentials"),
        ("http://user@127.0.0.1:8080/token", "credentials"),
        ("http://127.0.0.1:99999/token", "1..=65535"),
        ("https://auth.example.com:65536/token", "1..=65535"),
        ("https://auth.example.com:0/token", "1..=65535"),
    ] {
        let error = ClientCredentials::new(url, "id", "secret").unwrap_err();
        assert!(error.to_string().contains(rule), "{url}: {error}");
        assert!(error.to_string().contains("token URL"), "{error}");
    }
    assert!(ClientCredentials::new("https://auth.example.com:8443/token", "id", "s").is_ok());
}

#[test]
fn client_credentials_responses() {
    let credentials =
        ClientCredentials::new("https://auth.example.com/token", "id", "secret").unwrap();
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
    let token = credentials
        .parse_token_response(
            json_response(200, br#"{"access_token":"tok","token_type":"BEARER","expires_in":"3600","scope":"a","extra":{"x":1}}"#),
            now,
        )
        .unwrap();
    assert_eq!(token.secret(), "tok");
    assert_eq!(token.expires_at(), Some(now + Duration::from_secs(3600)));

    let no_expiry = credentials
        .parse_token_response(
            json_response(200, br#"{"access_token":"tok","token_type":"Bearer"}"#),
            now,
        )
        .unwrap();
    assert_eq!(no_expiry.expires_at(), None);

    let mac = credentials
        .parse_token_response(
            json_response(200, br#"{"access_token":"tok","token_type":"mac"}"#),
            now,
        )
        .unwrap_err();
    assert!(matches!(mac, AuthError::UnsupportedTokenType(kind) if kind == "mac"));

    let refused = credentials
        .parse_token_response(
            json_response(
                401,
                br#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
            ),
            now,
        )
        .unwrap_err();
    let AuthError::OAuth(oauth) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(oauth.code, OAuthErrorCode::InvalidClient);
    assert_eq!(
        oauth.description.as_deref(),
        Some("Client authentication failed")
    );
    assert!(refused.to_string().contains("invalid_client"));

    let other = credentials
        .parse_token_response(json_response(400, br#"{"error":"invalid_scope"}"#), now)
        .unwrap_err();
    assert!(matches!(other, AuthError::OAuth(e) if e.code == OAuthErrorCode::InvalidScope));

    let html = credentials
        .parse_token_response(json_response(503, b"<html/>"), now)
        .unwrap_err();
    assert!(matches!(html, AuthError::TokenEndpoint { status, .. } if status == 503));
    let garbage = credentials
        .parse_token_response(json_response(200, b"{"), now)
        .unwrap_err();
    assert!(matches!(garbage, AuthError::TokenDecode { .. }));
}

#[test]
fn taap_token_request_is_exactly_as_documented() {
    let taap = TaapCredentials::from_pem("client-id", "se cret+/", KEY_PEM).unwrap();
    let endpoint = Endpoint::tmobile_sandbox();
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let request = taap
        .token_request(&endpoint, now, uuid::Uuid::new_v4())
        .unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.uri(),
        "https://naas-sandbox.t-mobile.com/oauth2/v2/tokens"
    );
    assert_eq!(request.headers()["content-type"], "application/json");
    assert!(request.body().is_empty());
    // The raw pair, not form-encoded.
    let basic = format!("Basic {}", STANDARD.encode("client-id:se cret+/"));
    assert_eq!(request.headers()["authorization"], basic.as_str());
    let claims = verify_pop(&request, taap.signer().public_key_der());
    assert_eq!(claims["ehts"], "Authorization;uri;http-method");
    assert_eq!(claims["iat"], 1_700_000_000);

    let token = taap
        .parse_token_response(
            json_response(
                200,
                br#"{"access_token":"at","expires_in":3599,"id_token":"idt"}"#,
            ),
            now,
        )
        .unwrap();
    assert_eq!(token.id_token(), Some("idt"));
    assert_eq!(token.expires_at(), Some(now + Duration::from_secs(3599)));

    let custom = taap
        .clone()
        .with_token_url("https://auth.example.com/oauth2/v2/tokens")
        .unwrap();
    assert_eq!(
        custom.token_url(&endpoint).unwrap(),
        "https://auth.example.com/oauth2/v2/tokens"
    );
}

#[test]
fn bad_keys_are_refused_when_credentials_are_built() {
    let ec = include_bytes!("../fixtures/test-ec-p256.pem");
    let error = TaapCredentials::from_pem("id", "secret", ec).unwrap_err();
    assert!(error.to_string().contains("not an RSA key"), "{error}");
    let pkcs1 = include_bytes!("../fixtures/test-rsa-2048-pkcs1.pem");
    let error = PopSigner::from_pkcs8_pem(pkcs1).unwrap_err();
    assert!(error.to_string().contains("PKCS#8"), "{error}");
    let truncated = &KEY_PEM[..KEY_PEM.len() / 2];
    assert!(PopSigner::from_pkcs8_pem(truncated).is_err());
    assert!(PopSigner::from_pkcs8_der(b"\x30\x03\x02\x01\x00").is_err());
    assert!(TaapCredentials::from_pem("", "secret", KEY_PEM).is_err());
}

/// A token endpoint and an API behind one closure, counting what they see.
struct FakeServer {
    token_requests: AtomicUsize,
    api_requests: Mutex<Vec<Request<Vec<u8>>>>,
    /// Status the API answers with for the next calls (then 200).
    fail_with: Mutex<Vec<u16>>,
    expires_in: u64,
}

impl FakeServer {
    fn new(expires_in: u64) -> Arc<Self> {
        Arc::new(FakeServer {
            token_requests: AtomicUsize::new(0),
            api_requests: Mutex::new(Vec::new()),
            fail_with: Mutex::new(Vec::new()),
            expires_in,
        })
    }

    fn handle(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        if request.uri().path().ends_with("/tokens") || request.uri().path().ends_with("/token") {
            let n = self.token_requests.fetch_add(1, Ordering::SeqCst) + 1;
            let body = format!(
                r#"{{"access_token":"token-{n}","token_type":"bearer","expires_in":{}}}"#,
                self.expires_in
            );
            return Ok(json_response(200, body.as_bytes()));
        }
        self.api_requests.lock().unwrap().push(request);
        let status = self.fail_with.lock().unwrap().pop();
        Ok(match status {
            Some(status) => json_response(
                status,
                br#"{"status":401,"code":"UNAUTHENTICATED","message":"expired"}"#,
            ),
            None => json_response(200, &session_json()),
        })
    }

    fn last_authorization(&self) -> String {
        let requests = self.api_requests.lock().unwrap();
        requests.last().unwrap().headers()["authorization"]
            .to_str()
            .unwrap()
            .to_owned()
    }
}

fn taap_client(
    server: &Arc<FakeServer>,
    clock: &Arc<TestClock>,
) -> Client<impl qod_core::Transport> {
    let taap = TaapCredentials::from_pem("client-id", "secret", KEY_PEM).unwrap();
    let server = Arc::clone(server);
    let transport = move |request| server.handle(request);
    let core =
        ClientCore::new(Endpoint::tmobile_sandbox()).with_credentials(Credentials::TMobile(taap));
    Client::new(transport, core, clock.clone())
}

#[test]
fn token_is_reused_before_the_margin_refreshed_after_and_refetched_after_401() {
    let server = FakeServer::new(3600);
    let clock = Arc::new(TestClock::new());
    let client = taap_client(&server, &clock);
    let id: SessionId = SESSION.parse().unwrap();

    for _ in 0..50 {
        client.get_session(id).unwrap();
    }
    assert_eq!(
        server.token_requests.load(Ordering::SeqCst),
        1,
        "one token for 50 calls"
    );
    assert_eq!(server.last_authorization(), "Bearer token-1");

    clock.advance(Duration::from_secs(3600 - 61));
    client.get_session(id).unwrap();
    assert_eq!(
        server.token_requests.load(Ordering::SeqCst),
        1,
        "still before the 60 s margin"
    );

    clock.advance(Duration::from_secs(1));
    client.get_session(id).unwrap();
    assert_eq!(
        server.token_requests.load(Ordering::SeqCst),
        2,
        "refreshed 60 s before expiry"
    );
    assert_eq!(server.last_authorization(), "Bearer token-2");

    server.fail_with.lock().unwrap().push(401);
    client.get_session(id).unwrap();
    assert_eq!(
        server.token_requests.load(Ordering::SeqCst),
        3,
        "a 401 invalidates and refetches"
    );
    assert_eq!(server.last_authorization(), "Bearer token-3");

    // Two 401 in a row: replayed once only, then the error comes back.
    server.fail_with.lock().unwrap().extend([401, 401]);
    let error = client.get_session(id).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 4);
}

#[test]
fn every_api_call_carries_a_fresh_pop_over_the_request_as_sent() {
    let server = FakeServer::new(3600);
    let clock = Arc::new(TestClock::new());
    let client = taap_client(&server, &clock);
    let public_key = TaapCredentials::from_pem("c", "s", KEY_PEM)
        .unwrap()
        .signer()
        .public_key_der()
        .to_vec();
    let body = CreateSession::new(
        Device::with_phone_number(PhoneNumber::parse("+14250000000").unwrap()),
        QosProfileName::parse("QOS_VC").unwrap(),
    )
    .with_application_server(ApplicationServer::ipv4("198.51.100.1".parse().unwrap()))
    .with_duration(600);
    let id: SessionId = SESSION.parse().unwrap();
    client.create_session(&body).unwrap();
    client.get_session(id).unwrap();
    server.fail_with.lock().unwrap().push(401);
    client.delete_session(id).unwrap_or(());

    let requests = server.api_requests.lock().unwrap();
    let create = verify_pop(&requests[0], &public_key);
    assert_eq!(
        create["ehts"],
        "Content-Type;Authorization;x-correlator;uri;http-method;body"
    );
    assert_eq!(create["iat"], clock.unix());
    let get = verify_pop(&requests[1], &public_key);
    assert_eq!(get["ehts"], "Authorization;x-correlator;uri;http-method");
    // The replay after a 401 signs the new token, not the old PoP token.
    let first = verify_pop(&requests[2], &public_key);
    let replay = verify_pop(&requests[3], &public_key);
    assert_ne!(first["edts"], replay["edts"]);
    assert_ne!(first["jti"], replay["jti"]);
    assert_ne!(create["jti"], get["jti"]);
}

#[test]
fn concurrent_callers_fetch_one_token() {
    let server = FakeServer::new(3600);
    let clock = Arc::new(TestClock::new());
    let client = taap_client(&server, &clock);
    let id: SessionId = SESSION.parse().unwrap();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..25 {
                    client.get_session(id).unwrap();
                }
            });
        }
    });
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(server.api_requests.lock().unwrap().len(), 200);
}

#[test]
fn oauth2_client_fetches_through_the_transport() {
    let server = FakeServer::new(120);
    let clock = Arc::new(TestClock::new());
    let credentials =
        ClientCredentials::new("https://auth.example.com/token", "id", "secret").unwrap();
    let handler = Arc::clone(&server);
    let core =
        ClientCore::new(Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap())
            .with_authenticator(
                Authenticator::new(Credentials::ClientCredentials(credentials))
                    .with_refresh_margin(Duration::from_secs(60)),
            );
    let client = Client::new(move |request| handler.handle(request), core, clock.clone());
    let id: SessionId = SESSION.parse().unwrap();
    client.get_session(id).unwrap();
    clock.advance(Duration::from_secs(59));
    client.get_session(id).unwrap();
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(1));
    client.get_session(id).unwrap();
    assert_eq!(
        server.token_requests.load(Ordering::SeqCst),
        2,
        "a 120 s token refreshes at half-life"
    );
    assert!(
        server
            .api_requests
            .lock()
            .unwrap()
            .iter()
            .all(|r| r.headers().get("x-authorization").is_none())
    );
}

#[test]
fn static_bearer_is_not_replayed_on_401() {
    let server = FakeServer::new(0);
    let handler = Arc::clone(&server);
    let core = ClientCore::new(Endpoint::tmobile_sandbox())
        .with_credentials(Credentials::bearer("static").unwrap());
    let client = Client::new(
        move |request| handler.handle(request),
        core,
        Arc::new(TestClock::new()),
    );
    server.fail_with.lock().unwrap().push(401);
    let error = client.get_session(SESSION.parse().unwrap()).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Api(_)));
    assert_eq!(server.api_requests.lock().unwrap().len(), 1);
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 0);
}

#[test]
fn failed_token_fetch_is_an_auth_error_and_retried_next_call() {
    let clock = Arc::new(TestClock::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let transport = move |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        if request.uri().path().ends_with("/tokens") {
            return Ok(if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                json_response(401, br#"{"reasonCode":"401","systemMessage":"bad pop"}"#)
            } else {
                json_response(200, br#"{"access_token":"ok","expires_in":3600}"#)
            });
        }
        Ok(json_response(200, &session_json()))
    };
    let taap = TaapCredentials::from_pem("id", "secret", KEY_PEM).unwrap();
    let core =
        ClientCore::new(Endpoint::tmobile_sandbox()).with_credentials(Credentials::TMobile(taap));
    let client = Client::new(transport, core, clock);
    let id: SessionId = SESSION.parse().unwrap();
    let error = client.get_session(id).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Auth(AuthError::TokenEndpoint { status, .. }) if *status == 401),
        "{error:?}"
    );
    client.get_session(id).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// private_key_jwt credentials in a [`Client`]: each token request signs
/// an assertion with a fresh `jti` (the call machine draws one for every
/// token request).
#[test]
fn private_key_jwt_client_credentials_sign_every_token_request() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use qod_core::auth::{AssertionKey, ClientAuth};
    use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

    let key = AssertionKey::from_pkcs8_pem(KEY_PEM).unwrap();
    let auth = ClientAuth::private_key_jwt("my-app", key.clone()).unwrap();
    let credentials =
        ClientCredentials::from_client_auth("https://auth.example.com/oauth2/token", auth)
            .unwrap()
            .with_scope("quality-on-demand:sessions:read");
    let tokens = Arc::new(Mutex::new(Vec::<Request<Vec<u8>>>::new()));
    let seen = Arc::clone(&tokens);
    let transport = move |request: Request<Vec<u8>>| -> Result<Response<Vec<u8>>, TransportError> {
        if request.uri().path().ends_with("/token") {
            seen.lock().unwrap().push(request);
            return Ok(json_response(
                200,
                br#"{"access_token":"t","token_type":"Bearer","expires_in":120}"#,
            ));
        }
        Ok(json_response(200, &session_json()))
    };
    let clock = Arc::new(TestClock::new());
    let core =
        ClientCore::new(Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap())
            .with_credentials(Credentials::ClientCredentials(credentials));
    let client = Client::new(transport, core, clock.clone());
    let id: SessionId = SESSION.parse().unwrap();
    client.get_session(id).unwrap();
    clock.advance(Duration::from_secs(120));
    client.get_session(id).unwrap();

    let tokens = tokens.lock().unwrap();
    assert_eq!(tokens.len(), 2);
    let mut jtis = Vec::new();
    for request in tokens.iter() {
        assert!(request.headers().get("authorization").is_none());
        let form: Vec<(String, String)> = form_urlencoded::parse(request.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "grant_type",
                "scope",
                "client_id",
                "client_assertion_type",
                "client_assertion"
            ]
        );
        let jws = &form[4].1;
        let parts: Vec<&str> = jws.split('.').collect();
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.public_key())
            .verify(
                format!("{}.{}", parts[0], parts[1]).as_bytes(),
                &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
            .unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://auth.example.com/oauth2/token");
        assert_eq!(
            (&claims["iss"], &claims["sub"]),
            (&"my-app".into(), &"my-app".into())
        );
        let iat = claims["iat"].as_u64().unwrap();
        assert!(claims["exp"].as_u64().unwrap() - iat <= 300);
        jtis.push(claims["jti"].as_str().unwrap().to_owned());
    }
    assert_ne!(jtis[0], jtis[1], "a fresh jti per assertion");
}
