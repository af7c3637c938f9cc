//! The OpenID mode over loopback HTTP, as a client meets it: discovery,
//! client authentication (secret, `private_key_jwt` in RS256 and ES256),
//! every grant (client credentials, CIBA with its scripted numbers, JWT
//! Bearer, the authorization code flow, refresh), the device rule of
//! three-legged tokens, scopes, and hostile input.
//!
//! The r3.2 scenarios that need a three-legged token, each a test named
//! after its id:
//!
//! | scenario | test |
//! |---|---|
//! | `quality_on_demand_createSession_03_3_legged_missing_device` | [`create_session_03_3_legged_missing_device`] |
//! | `quality_on_demand_createSession_C01.04_unnecessary_device` | [`create_session_c01_04_unnecessary_device`] |
//! | `quality_on_demand_retrieveSessionsByDevice_C01.04_unnecessary_device` | [`retrieve_sessions_by_device_c01_04_unnecessary_device`] |
//! | `qos_profiles_retrieveQoSProfiles_C01.04_unnecessary_device` | [`retrieve_qos_profiles_c01_04_unnecessary_device`] |
//! | `qos_provisioning_createQosAssignment_03_3_legged_missing_device` | [`create_qos_assignment_03_3_legged_missing_device`] |
//! | `qos_provisioning_createQosAssignment_C01.04_unnecessary_device` | [`create_qos_assignment_c01_04_unnecessary_device`] |
//! | `qos_provisioning_getQosAssignmentByDevice_C01.04_unnecessary_device` | [`get_qos_assignment_by_device_c01_04_unnecessary_device`] |
//!
//! The clock is a [`ManualClock`]: CIBA's delays pass when a test says so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use qod_sandbox::test_assets::{
    CIBA_APPROVED_PHONE_NUMBER, CIBA_DENIED_PHONE_NUMBER, CIBA_NEVER_APPROVED_PHONE_NUMBER,
    CIBA_SLOW_DOWN_PHONE_NUMBER, NO_PROFILES_PHONE_NUMBER, NOT_APPLICABLE_PHONE_NUMBER,
    PARTNER_PHONE_NUMBER, RESTRICTED_PROFILE, UNKNOWN_PHONE_NUMBER, operator_token,
};
use qod_sandbox::{
    ClientPublicKey, ManualClock, OpenIdConfig, Sandbox, SandboxAuth, SandboxClock, SandboxConfig,
};
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256,
    RsaKeyPair, UnparsedPublicKey,
};
use serde_json::{Value, json};

const CLIENT_ID: &str = "openid-client";
const CLIENT_SECRET: &str = "openid-secret-0123456789";
const RSA_PRIVATE: &[u8] = include_bytes!("../../../qod-core/tests/fixtures/test-rsa-2048.pem");
const EC_PRIVATE: &[u8] = include_bytes!("../../../qod-core/tests/fixtures/test-ec-p256.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../fixtures/test-rsa-2048.spki.pem");
const EC_PUBLIC: &[u8] = include_bytes!("../fixtures/test-ec-p256.spki.der");

const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const CORRELATOR: &str = "b4333c46-49c0-4f62-80d7-f0ef930f1c46";
const ALL_SCOPES: &str = "quality-on-demand:sessions:create quality-on-demand:sessions:read \
    quality-on-demand:sessions:delete quality-on-demand:sessions:retrieve-by-device \
    qos-profiles:read qos-provisioning:qos-assignments:create \
    qos-provisioning:qos-assignments:read qos-provisioning:qos-assignments:read-by-device";
const PURPOSE: &str = "dpv:RequestedServiceProvision";
const SESSION: &str =
    r#"{"applicationServer":{"ipv4Address":"198.51.100.1"},"qosProfile":"QOS_E","duration":60}"#;

// ---------------------------------------------------------------------------
// A small HTTP/1.1 client: one request per connection, read to the end.

/// An answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The OAuth `error` of an error answer.
    fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends raw bytes and reads the whole answer.
fn exchange(address: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

fn parse(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

/// A request with these extra headers and body.
fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    parse(&exchange(address, &bytes))
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

fn basic(id: &str, secret: &str) -> String {
    let encode = |text: &str| form(&[("x", text)])[2..].to_owned();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(id), encode(secret)))
    )
}

// ---------------------------------------------------------------------------
// Keys and assertions.

fn der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    let base64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(base64).unwrap()
}

fn rsa_public() -> ClientPublicKey {
    ClientPublicKey::from_pem_or_der(RSA_PUBLIC).unwrap()
}

fn ec_public() -> ClientPublicKey {
    ClientPublicKey::from_pem_or_der(EC_PUBLIC).unwrap()
}

/// A JWS of `claims` signed with the RSA (RS256) or P-256 (ES256) test key.
fn sign(alg: &str, claims: &Value) -> String {
    let header = json!({"alg": alg, "typ": "JWT"});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let rng = ring::rand::SystemRandom::new();
    let signature = match alg {
        "ES256" => {
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der(EC_PRIVATE), &rng)
                .unwrap()
                .sign(&rng, input.as_bytes())
                .unwrap()
                .as_ref()
                .to_vec()
        }
        _ => {
            let key = RsaKeyPair::from_pkcs8(&der(RSA_PRIVATE)).unwrap();
            let mut signature = vec![0; key.public().modulus_len()];
            key.sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut signature)
                .unwrap();
            signature
        }
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn fresh_jti() -> String {
    uuid::Uuid::new_v4().to_string()
}

// ---------------------------------------------------------------------------
// The environment.

struct Env {
    sandbox: Sandbox,
    clock: Arc<ManualClock>,
}

/// A client that authenticates with its secret and both keys' kinds: the
/// RSA one by default, the P-256 one in [`Env::with_ec_key`].
fn config() -> OpenIdConfig {
    OpenIdConfig::new(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .client_public_key(rsa_public())
}

fn start(openid: OpenIdConfig) -> Env {
    let clock = Arc::new(ManualClock::starting_now());
    let sandbox = Sandbox::start(SandboxConfig {
        auth: SandboxAuth::OpenId(openid),
        clock: clock.clone(),
        available_after: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .unwrap();
    Env { sandbox, clock }
}

impl Env {
    fn new() -> Env {
        start(config())
    }

    fn address(&self) -> SocketAddr {
        self.sandbox.address()
    }

    fn issuer(&self) -> String {
        self.sandbox.base_url()
    }

    fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.issuer())
    }

    fn bc_url(&self) -> String {
        format!("{}/oauth2/bc-authorize", self.issuer())
    }

    fn now_secs(&self) -> u64 {
        self.clock
            .now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// A `private_key_jwt` assertion for `aud`, RS256, living 60 s.
    fn client_assertion(&self, aud: &str) -> String {
        let now = self.now_secs();
        sign(
            "RS256",
            &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": aud,
                "iat": now, "exp": now + 60, "jti": fresh_jti()}),
        )
    }

    /// A form POST to `path` with HTTP Basic client authentication.
    fn post_basic(&self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        self.post(path, Some(&basic(CLIENT_ID, CLIENT_SECRET)), &form(pairs))
    }

    fn post(&self, path: &str, authorization: Option<&str>, body: &str) -> Answer {
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
        if let Some(authorization) = authorization {
            headers.push(("authorization", authorization));
        }
        request(self.address(), "POST", path, &headers, body.as_bytes())
    }

    /// A two-legged token with `scope`.
    fn two_legged(&self, scope: &str) -> String {
        let answer = self.post_basic(
            "/oauth2/token",
            &[("grant_type", "client_credentials"), ("scope", scope)],
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// Starts CIBA for `login_hint`: the acknowledgement.
    fn bc_authorize(&self, login_hint: &str, scope: &str) -> Answer {
        self.post_basic(
            "/oauth2/bc-authorize",
            &[("scope", scope), ("login_hint", login_hint)],
        )
    }

    fn poll(&self, auth_req_id: &str) -> Answer {
        self.post_basic(
            "/oauth2/token",
            &[("grant_type", CIBA_GRANT), ("auth_req_id", auth_req_id)],
        )
    }

    /// The token answer of a CIBA flow for `phone` that the user approves.
    fn ciba_tokens(&self, phone: &str, scope: &str) -> Value {
        let ack = self.bc_authorize(&format!("tel:{phone}"), scope);
        assert_eq!(ack.status, 200, "{}", ack.text());
        let id = ack.json()["auth_req_id"].as_str().unwrap().to_owned();
        self.advance(Duration::from_secs(1));
        let answer = self.poll(&id);
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()
    }

    /// A three-legged access token for `phone` with every API scope.
    fn three_legged(&self, phone: &str) -> String {
        self.ciba_tokens(phone, &format!("openid {PURPOSE} {ALL_SCOPES}"))["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A JSON API call with `token` and the correlator.
    fn api(&self, method: &str, path: &str, token: &str, body: &str) -> Answer {
        let bearer = format!("Bearer {token}");
        request(
            self.address(),
            method,
            path,
            &[
                ("authorization", &bearer),
                ("content-type", "application/json"),
                ("x-correlator", CORRELATOR),
            ],
            body.as_bytes(),
        )
    }
}

/// What every answer of the scenarios shows: the status, JSON, the
/// correlator echoed.
fn assert_scenario_answer(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("x-correlator"), Some(CORRELATOR));
}

/// A CAMARA `ErrorInfo` with `status` and `code` and a message.
fn assert_error_info(answer: &Answer, status: u16, code: &str) {
    assert_scenario_answer(answer, status);
    let body = answer.json();
    assert_eq!(body["status"], status);
    assert_eq!(body["code"], code);
    assert!(
        body["message"].as_str().is_some_and(|m| m.len() > 10),
        "{body}"
    );
}

fn with_device(body: &str, phone: &str) -> String {
    let mut value: Value = serde_json::from_str(body).unwrap();
    value["device"] = json!({"phoneNumber": phone});
    value.to_string()
}

// ---------------------------------------------------------------------------
// CAMARA's r3.2 scenarios that need a three-legged token.

#[test]
fn create_session_03_3_legged_missing_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550100");
    let answer = env.api("POST", "/quality-on-demand/v1/sessions", &token, SESSION);
    assert_scenario_answer(&answer, 201);
    // SessionInfo: what the schema requires, and no device.
    let session = answer.json();
    assert!(uuid::Uuid::parse_str(session["sessionId"].as_str().unwrap()).is_ok());
    assert_eq!(session["qosProfile"], "QOS_E");
    assert_eq!(session["duration"], 60);
    assert_eq!(
        session["applicationServer"],
        json!({"ipv4Address": "198.51.100.1"})
    );
    assert_eq!(session["qosStatus"], "REQUESTED");
    assert!(session.get("device").is_none(), "{session}");
    // It is the token's device's session: the device holds it.
    let conflict = env.api("POST", "/quality-on-demand/v1/sessions", &token, SESSION);
    assert_error_info(&conflict, 409, "CONFLICT");
    let two_legged = env.two_legged(ALL_SCOPES);
    let listed = env.api(
        "POST",
        "/quality-on-demand/v1/retrieve-sessions",
        &two_legged,
        r#"{"device":{"phoneNumber":"+14255550100"}}"#,
    );
    assert_scenario_answer(&listed, 200);
    assert_eq!(listed.json()[0]["sessionId"], session["sessionId"]);
    assert!(listed.json()[0].get("device").is_none());
}

#[test]
fn create_session_c01_04_unnecessary_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550101");
    // A valid device, the token's own or another: either is unnecessary.
    for phone in ["+14255550101", "+14255550102"] {
        let answer = env.api(
            "POST",
            "/quality-on-demand/v1/sessions",
            &token,
            &with_device(SESSION, phone),
        );
        assert_error_info(&answer, 422, "UNNECESSARY_IDENTIFIER");
    }
    assert_eq!(env.sandbox.session_count(), 0);
}

#[test]
fn retrieve_sessions_by_device_c01_04_unnecessary_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550103");
    let answer = env.api(
        "POST",
        "/quality-on-demand/v1/retrieve-sessions",
        &token,
        r#"{"device":{"phoneNumber":"+14255550103"}}"#,
    );
    assert_error_info(&answer, 422, "UNNECESSARY_IDENTIFIER");
    // Without it: the token's device's sessions.
    let created = env.api("POST", "/quality-on-demand/v1/sessions", &token, SESSION);
    assert_eq!(created.status, 201);
    let listed = env.api(
        "POST",
        "/quality-on-demand/v1/retrieve-sessions",
        &token,
        "{}",
    );
    assert_scenario_answer(&listed, 200);
    assert_eq!(listed.json().as_array().unwrap().len(), 1);
}

#[test]
fn retrieve_qos_profiles_c01_04_unnecessary_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550104");
    let answer = env.api(
        "POST",
        "/qos-profiles/v1/retrieve-qos-profiles",
        &token,
        r#"{"device":{"phoneNumber":"+14255550104"}}"#,
    );
    assert_error_info(&answer, 422, "UNNECESSARY_IDENTIFIER");
    let listed = env.api(
        "POST",
        "/qos-profiles/v1/retrieve-qos-profiles",
        &token,
        "{}",
    );
    assert_scenario_answer(&listed, 200);
    assert!(!listed.json().as_array().unwrap().is_empty());
}

#[test]
fn create_qos_assignment_03_3_legged_missing_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550105");
    let answer = env.api(
        "POST",
        "/qos-provisioning/v0.3/qos-assignments",
        &token,
        r#"{"qosProfile":"QOS_L"}"#,
    );
    assert_scenario_answer(&answer, 201);
    // AssignmentInfo: what the schema requires, and no device.
    let assignment = answer.json();
    assert!(uuid::Uuid::parse_str(assignment["assignmentId"].as_str().unwrap()).is_ok());
    assert_eq!(assignment["qosProfile"], "QOS_L");
    assert_eq!(assignment["status"], "REQUESTED");
    assert!(assignment.get("device").is_none(), "{assignment}");
    let id = assignment["assignmentId"].as_str().unwrap();
    let read = env.api(
        "GET",
        &format!("/qos-provisioning/v0.3/qos-assignments/{id}"),
        &token,
        "",
    );
    assert_scenario_answer(&read, 200);
    assert!(read.json().get("device").is_none());
}

#[test]
fn create_qos_assignment_c01_04_unnecessary_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550106");
    let answer = env.api(
        "POST",
        "/qos-provisioning/v0.3/qos-assignments",
        &token,
        r#"{"qosProfile":"QOS_L","device":{"phoneNumber":"+14255550106"}}"#,
    );
    assert_error_info(&answer, 422, "UNNECESSARY_IDENTIFIER");
    assert_eq!(env.sandbox.assignment_count(), 0);
}

#[test]
fn get_qos_assignment_by_device_c01_04_unnecessary_device() {
    let env = Env::new();
    let token = env.three_legged("+14255550107");
    let created = env.api(
        "POST",
        "/qos-provisioning/v0.3/qos-assignments",
        &token,
        r#"{"qosProfile":"QOS_L"}"#,
    );
    assert_eq!(created.status, 201);
    let answer = env.api(
        "POST",
        "/qos-provisioning/v0.3/retrieve-qos-assignment",
        &token,
        r#"{"device":{"phoneNumber":"+14255550107"}}"#,
    );
    assert_error_info(&answer, 422, "UNNECESSARY_IDENTIFIER");
    // Without it: the token's device's assignment.
    let found = env.api(
        "POST",
        "/qos-provisioning/v0.3/retrieve-qos-assignment",
        &token,
        "{}",
    );
    assert_scenario_answer(&found, 200);
    assert_eq!(found.json()["assignmentId"], created.json()["assignmentId"]);
}

// ---------------------------------------------------------------------------
// Discovery and the key set.

#[test]
fn discovery_names_every_endpoint_under_the_issuer() {
    let env = Env::new();
    let url = env.sandbox.openid_configuration_url().unwrap();
    assert_eq!(
        url,
        format!("{}/.well-known/openid-configuration", env.issuer())
    );
    let answer = request(
        env.address(),
        "GET",
        "/.well-known/openid-configuration",
        &[],
        b"",
    );
    assert_eq!(answer.status, 200);
    let document = answer.json();
    let issuer = env.issuer();
    assert_eq!(document["issuer"], issuer);
    assert_eq!(document["token_endpoint"], format!("{issuer}/oauth2/token"));
    assert_eq!(
        document["backchannel_authentication_endpoint"],
        format!("{issuer}/oauth2/bc-authorize")
    );
    assert_eq!(
        document["authorization_endpoint"],
        format!("{issuer}/oauth2/authorize")
    );
    assert_eq!(document["jwks_uri"], format!("{issuer}/oauth2/jwks"));
    assert_eq!(
        document["token_endpoint_auth_methods_supported"],
        json!([
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt"
        ])
    );
    assert_eq!(
        document["grant_types_supported"],
        json!([
            "client_credentials",
            CIBA_GRANT,
            JWT_BEARER_GRANT,
            "authorization_code",
            "refresh_token"
        ])
    );
    assert_eq!(
        document["backchannel_token_delivery_modes_supported"],
        json!(["poll"])
    );
    assert_eq!(
        document["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(env.sandbox.token_url(), Some(env.token_url()));

    // Another Host, another issuer: the one the client reached.
    let mut raw = b"GET /.well-known/openid-configuration HTTP/1.1\r\nhost: localhost:1234\r\nconnection: close\r\n\r\n".to_vec();
    let other = parse(&exchange(env.address(), &raw));
    assert_eq!(
        other.json()["token_endpoint"],
        "http://localhost:1234/oauth2/token"
    );
    // HTTP/1.0 without Host: the address bound.
    raw = b"GET /.well-known/openid-configuration HTTP/1.0\r\n\r\n".to_vec();
    assert_eq!(
        parse(&exchange(env.address(), &raw)).json()["issuer"],
        issuer
    );
}

#[test]
fn a_configured_issuer_and_the_methods_a_client_has() {
    let env = start(
        OpenIdConfig::new(CLIENT_ID)
            .client_public_key(ec_public())
            .issuer("https://gw.example/"),
    );
    let document = request(
        env.address(),
        "GET",
        "/.well-known/openid-configuration",
        &[],
        b"",
    )
    .json();
    assert_eq!(document["issuer"], "https://gw.example");
    assert_eq!(
        document["token_endpoint"],
        "https://gw.example/oauth2/token"
    );
    assert_eq!(
        document["token_endpoint_auth_methods_supported"],
        json!(["private_key_jwt"])
    );
    // An assertion names the configured issuer's URLs.
    let now = env.now_secs();
    let assertion = sign(
        "ES256",
        &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": "https://gw.example/oauth2/token",
            "iat": now, "exp": now + 60, "jti": fresh_jti()}),
    );
    let answer = env.post(
        "/oauth2/token",
        None,
        &form(&[
            ("grant_type", "client_credentials"),
            ("scope", "qos-profiles:read"),
            ("client_id", CLIENT_ID),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", &assertion),
        ]),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    // No secret is registered: basic is refused.
    let basic = env.post_basic(
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("scope", "qos-profiles:read"),
        ],
    );
    assert_eq!(
        (basic.status, basic.error().as_str()),
        (401, "invalid_client")
    );
}

#[test]
fn the_key_set_checks_the_id_tokens() {
    let env = Env::new();
    let tokens = env.ciba_tokens(
        CIBA_APPROVED_PHONE_NUMBER,
        "openid quality-on-demand:sessions:create",
    );
    let id_token = tokens["id_token"].as_str().unwrap();
    let jwks = request(env.address(), "GET", "/oauth2/jwks", &[], b"").json();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    let parts: Vec<&str> = id_token.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        (header["alg"].as_str(), &header["kid"]),
        (Some("ES256"), &key["kid"])
    );
    let mut point = vec![4];
    point.extend(URL_SAFE_NO_PAD.decode(key["x"].as_str().unwrap()).unwrap());
    point.extend(URL_SAFE_NO_PAD.decode(key["y"].as_str().unwrap()).unwrap());
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
        .verify(
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        )
        .expect("the ID token verifies with the published key");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["iss"], env.issuer());
    assert_eq!(claims["aud"], CLIENT_ID);
    // A pairwise id, not the phone number.
    let sub = claims["sub"].as_str().unwrap();
    assert!(!sub.contains("99999991200"), "{sub}");
    assert!(claims["urn:openid:params:jwt:claim:auth_req_id"].is_string());
}

// ---------------------------------------------------------------------------
// Client authentication.

#[test]
fn client_credentials_with_each_client_authentication() {
    let env = Env::new();
    let grant = [
        ("grant_type", "client_credentials"),
        ("scope", "qos-profiles:read"),
    ];
    let basic = env.post_basic("/oauth2/token", &grant);
    assert_eq!(basic.status, 200, "{}", basic.text());
    assert_eq!(basic.header("cache-control"), Some("no-store"));
    let body = basic.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "qos-profiles:read");
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());

    let mut post = grant.to_vec();
    post.extend([("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)]);
    assert_eq!(env.post("/oauth2/token", None, &form(&post)).status, 200);

    let mut jwt = grant.to_vec();
    let assertion = env.client_assertion(&env.token_url());
    jwt.extend([
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", &assertion),
    ]);
    assert_eq!(env.post("/oauth2/token", None, &form(&jwt)).status, 200);
    // The same assertion again: a replay.
    let replayed = env.post("/oauth2/token", None, &form(&jwt));
    assert_eq!(
        (replayed.status, replayed.error().as_str()),
        (401, "invalid_client")
    );
    assert!(
        replayed.text().contains("used before"),
        "{}",
        replayed.text()
    );

    // ES256 with a P-256 key.
    let ec = start(OpenIdConfig::new(CLIENT_ID).client_public_key(ec_public()));
    let now = ec.now_secs();
    let assertion = sign(
        "ES256",
        &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": ec.token_url(),
            "iat": now, "exp": now + 300, "jti": fresh_jti()}),
    );
    let mut es = grant.to_vec();
    es.extend([
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", &assertion),
    ]);
    assert_eq!(ec.post("/oauth2/token", None, &form(&es)).status, 200);

    // A token works for its scope and only for it.
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        env.api("GET", "/qos-profiles/v1/qos-profiles/QOS_E", token, "")
            .status,
        200
    );
    let refused = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        token,
        &with_device(SESSION, "+14255550110"),
    );
    assert_error_info(&refused, 403, "PERMISSION_DENIED");
}

#[test]
fn what_client_authentication_refuses() {
    let env = Env::new();
    let grant = form(&[
        ("grant_type", "client_credentials"),
        ("scope", "qos-profiles:read"),
    ]);
    let wrong = env.post("/oauth2/token", Some(&basic(CLIENT_ID, "wrong")), &grant);
    assert_eq!(
        (wrong.status, wrong.error().as_str()),
        (401, "invalid_client")
    );
    assert_eq!(
        wrong.header("www-authenticate"),
        Some("Basic realm=\"qod-sandbox\"")
    );
    let other = env.post(
        "/oauth2/token",
        Some(&basic("other", CLIENT_SECRET)),
        &grant,
    );
    assert_eq!(other.status, 401);
    let none = env.post("/oauth2/token", None, &grant);
    assert_eq!(
        (none.status, none.error().as_str()),
        (401, "invalid_client")
    );
    assert_eq!(none.header("www-authenticate"), None);
    // Two methods at once.
    let both = env.post(
        "/oauth2/token",
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
        &format!("{grant}&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"),
    );
    assert_eq!(
        (both.status, both.error().as_str()),
        (400, "invalid_request")
    );
    // A parameter twice.
    let twice = env.post(
        "/oauth2/token",
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
        &format!("{grant}&scope=quality-on-demand%3Asessions%3Acreate"),
    );
    assert_eq!(
        (twice.status, twice.error().as_str()),
        (400, "invalid_request")
    );
    // Not a form.
    let json = request(
        env.address(),
        "POST",
        "/oauth2/token",
        &[
            ("authorization", &basic(CLIENT_ID, CLIENT_SECRET)),
            ("content-type", "application/json"),
        ],
        br#"{"grant_type":"client_credentials"}"#,
    );
    assert_eq!(
        (json.status, json.error().as_str()),
        (400, "invalid_request")
    );
    // Client credentials need a scope (CAMARA's profile), one the sandbox knows.
    let unscoped = env.post_basic("/oauth2/token", &[("grant_type", "client_credentials")]);
    assert_eq!(
        (unscoped.status, unscoped.error().as_str()),
        (400, "invalid_scope")
    );
    let unknown = env.post_basic(
        "/oauth2/token",
        &[("grant_type", "client_credentials"), ("scope", "admin")],
    );
    assert_eq!(unknown.error(), "invalid_scope");
    let grant_type = env.post_basic("/oauth2/token", &[("grant_type", "password")]);
    assert_eq!(grant_type.error(), "unsupported_grant_type");
    let missing = env.post_basic("/oauth2/token", &[("scope", "qos-profiles:read")]);
    assert_eq!(missing.error(), "invalid_request");
    // No answer says the secret.
    for answer in [&wrong, &other, &none, &both, &twice, &json, &unscoped] {
        assert!(!answer.text().contains(CLIENT_SECRET), "{}", answer.text());
    }
}

#[test]
fn private_key_jwt_as_the_profile_bounds_it() {
    let env = Env::new();
    let now = env.now_secs();
    let client_credentials = |assertion: &str| {
        env.post(
            "/oauth2/token",
            None,
            &form(&[
                ("grant_type", "client_credentials"),
                ("scope", "qos-profiles:read"),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion),
            ]),
        )
    };
    let claims = |aud: &str, iat: Option<u64>, exp: u64| {
        let mut claims = json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": aud,
            "exp": exp, "jti": fresh_jti()});
        if let Some(iat) = iat {
            claims["iat"] = json!(iat);
        }
        claims
    };
    let token_url = env.token_url();
    let issuer = env.issuer();
    for (claims, accepted) in [
        (claims(&token_url, Some(now), now + 300), true),
        (claims(&issuer, Some(now), now + 60), true),
        (claims(&token_url, None, now + 300), true),
        (claims(&token_url, Some(now), now + 301), false),
        (claims(&token_url, None, now + 600), false),
        (claims(&token_url, Some(now - 120), now - 1), false),
        (claims(&env.bc_url(), Some(now), now + 60), false),
        (
            claims("https://elsewhere.example/token", Some(now), now + 60),
            false,
        ),
    ] {
        let answer = client_credentials(&sign("RS256", &claims));
        assert_eq!(
            answer.status == 200,
            accepted,
            "{claims}: {}",
            answer.text()
        );
        if !accepted {
            assert_eq!(answer.error(), "invalid_client", "{claims}");
        }
    }
    // Signed by the P-256 key where the RSA one is registered.
    let es = client_credentials(&sign("ES256", &claims(&token_url, Some(now), now + 60)));
    assert_eq!(es.status, 401);
    // An unsigned one.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims(&token_url, Some(now), now + 60).to_string())
    );
    assert_eq!(client_credentials(&none).status, 401);
    // iss and sub are the client.
    let mut other = claims(&token_url, Some(now), now + 60);
    other["sub"] = json!("someone");
    assert_eq!(client_credentials(&sign("RS256", &other)).status, 401);
    // At bc-authorize, its own URL.
    let ciba = |aud: &str| {
        env.post(
            "/oauth2/bc-authorize",
            None,
            &form(&[
                ("scope", "openid qos-profiles:read"),
                ("login_hint", "tel:+14255550111"),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", &env.client_assertion(aud)),
            ]),
        )
    };
    assert_eq!(ciba(&env.bc_url()).status, 200);
    assert_eq!(ciba(&issuer).status, 200);
    assert_eq!(ciba(&token_url).status, 401);
}

// ---------------------------------------------------------------------------
// CIBA.

#[test]
fn ciba_approved_after_the_delay_with_a_refresh_token_that_rotates() {
    let env = Env::new();
    let scope = format!("openid {PURPOSE} quality-on-demand:sessions:create offline_access");
    let ack = env.bc_authorize("tel:+14255550120", &scope);
    assert_eq!(ack.status, 200, "{}", ack.text());
    assert_eq!(ack.header("cache-control"), Some("no-store"));
    let ack = ack.json();
    assert_eq!(
        (ack["expires_in"].as_u64(), ack["interval"].as_u64()),
        (Some(10), Some(1))
    );
    let id = ack["auth_req_id"].as_str().unwrap();
    assert_eq!(env.poll(id).error(), "authorization_pending");
    env.advance(Duration::from_millis(500));
    assert_eq!(
        env.poll(id).error(),
        "slow_down",
        "polled within the interval"
    );
    env.advance(Duration::from_secs(6));
    let tokens = env.poll(id);
    assert_eq!(tokens.status, 200, "{}", tokens.text());
    let tokens = tokens.json();
    assert_eq!(tokens["scope"], scope);
    assert!(tokens["id_token"].is_string());
    assert_eq!(env.poll(id).error(), "invalid_grant", "used");

    // The refresh token rotates: each works once.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let refreshed = env.post_basic(
        "/oauth2/token",
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    let refreshed = refreshed.json();
    let second = refreshed["refresh_token"].as_str().unwrap();
    assert_ne!(second, refresh);
    let again = env.post_basic(
        "/oauth2/token",
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    );
    assert_eq!(again.error(), "invalid_grant");
    // The refreshed token is still the device's.
    let created = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        refreshed["access_token"].as_str().unwrap(),
        SESSION,
    );
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(created.json().get("device").is_none());
    // Without offline_access: no refresh token.
    let plain = env.ciba_tokens("+14255550121", "openid qos-profiles:read");
    assert!(plain.get("refresh_token").is_none());
}

#[test]
fn ciba_scripted_numbers() {
    let env = Env::new();
    let scope = "openid qos-profiles:read";
    let start = |phone: &str| {
        let ack = env.bc_authorize(&format!("tel:{phone}"), scope);
        assert_eq!(ack.status, 200, "{phone}: {}", ack.text());
        ack.json()["auth_req_id"].as_str().unwrap().to_owned()
    };
    let slow = start(CIBA_SLOW_DOWN_PHONE_NUMBER);
    let denied = start(CIBA_DENIED_PHONE_NUMBER);
    let never = start(CIBA_NEVER_APPROVED_PHONE_NUMBER);
    let approved = start(CIBA_APPROVED_PHONE_NUMBER);
    env.advance(Duration::from_secs(1));
    let slowed = env.poll(&slow);
    assert_eq!(slowed.error(), "slow_down");
    assert!(slowed.text().contains("6 s"), "{}", slowed.text());
    assert_eq!(env.poll(&denied).error(), "access_denied");
    assert_eq!(env.poll(&never).error(), "authorization_pending");
    assert_eq!(env.poll(&approved).status, 200);
    env.advance(Duration::from_secs(6));
    assert_eq!(
        env.poll(&slow).status,
        200,
        "approved after the longer interval"
    );
    assert_eq!(env.poll(&never).error(), "authorization_pending");
    env.advance(Duration::from_secs(3));
    assert_eq!(env.poll(&never).error(), "expired_token");

    let unknown = env.bc_authorize(&format!("tel:{UNKNOWN_PHONE_NUMBER}"), scope);
    assert_eq!(
        (unknown.status, unknown.error().as_str()),
        (400, "unknown_user_id")
    );
    let token = env.bc_authorize("operatortoken:not-one-of-the-sandboxs", scope);
    assert_eq!(token.error(), "unknown_user_id");
    let malformed = env.bc_authorize("+14255550100", scope);
    assert_eq!(malformed.error(), "invalid_request");
    let no_openid = env.bc_authorize("tel:+14255550100", "qos-profiles:read");
    assert_eq!(no_openid.error(), "invalid_scope");
    let no_hint = env.post_basic("/oauth2/bc-authorize", &[("scope", scope)]);
    assert_eq!(no_hint.error(), "invalid_request");
    let unauthenticated = env.post(
        "/oauth2/bc-authorize",
        None,
        &form(&[("scope", scope), ("login_hint", "tel:+14255550100")]),
    );
    assert_eq!(unauthenticated.status, 401);
}

#[test]
fn ciba_with_interval_zero_as_vodafone_answers() {
    let env = start(
        config()
            .ciba_interval(Duration::ZERO)
            .ciba_approval_delay(Duration::from_secs(2))
            .ciba_expires_in(Duration::from_secs(60)),
    );
    let ack = env
        .bc_authorize("tel:+14255550130", "openid qos-profiles:read")
        .json();
    assert_eq!(
        (ack["interval"].as_u64(), ack["expires_in"].as_u64()),
        (Some(0), Some(60))
    );
    let id = ack["auth_req_id"].as_str().unwrap();
    // No interval: no poll is too soon.
    for _ in 0..5 {
        assert_eq!(env.poll(id).error(), "authorization_pending");
    }
    env.advance(Duration::from_secs(2));
    assert_eq!(env.poll(id).status, 200);
}

#[test]
fn ciba_for_every_login_hint_form() {
    let env = Env::new();
    let scope = format!("openid {ALL_SCOPES}");
    for hint in [
        "ipport:203.0.113.25:8080".to_owned(),
        "ipport:[2001:db8::1]:8080".to_owned(),
        format!("operatortoken:{}", operator_token("+14255550131")),
    ] {
        let ack = env.bc_authorize(&hint, &scope);
        assert_eq!(ack.status, 200, "{hint}: {}", ack.text());
        env.advance(Duration::from_secs(1));
        let tokens = env.poll(ack.json()["auth_req_id"].as_str().unwrap());
        assert_eq!(tokens.status, 200, "{hint}");
        let token = tokens.json()["access_token"].as_str().unwrap().to_owned();
        let created = env.api("POST", "/quality-on-demand/v1/sessions", &token, SESSION);
        assert_eq!(created.status, 201, "{hint}: {}", created.text());
    }
    // The operator token's number holds the session: a two-legged create conflicts.
    let two_legged = env.two_legged(ALL_SCOPES);
    let conflict = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        &two_legged,
        &with_device(SESSION, "+14255550131"),
    );
    assert_eq!(conflict.status, 409);
    let by_address = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        &two_legged,
        r#"{"device":{"ipv4Address":{"publicAddress":"203.0.113.25","publicPort":8080}},"applicationServer":{"ipv4Address":"198.51.100.1"},"qosProfile":"QOS_E","duration":60}"#,
    );
    assert_eq!(by_address.status, 409, "{}", by_address.text());
}

// ---------------------------------------------------------------------------
// JWT Bearer.

#[test]
fn jwt_bearer_gives_a_three_legged_token_without_refresh() {
    let env = Env::new();
    let now = env.now_secs();
    let assertion = |sub: &str, jti: &str| {
        sign(
            "RS256",
            &json!({"iss": CLIENT_ID, "sub": sub, "aud": env.token_url(), "iat": now,
                "exp": now + 60, "jti": jti, "scope": format!("{PURPOSE} {ALL_SCOPES}")}),
        )
    };
    let grant = |assertion: &str, extra: &[(&str, &str)]| {
        let mut pairs = vec![("grant_type", JWT_BEARER_GRANT), ("assertion", assertion)];
        pairs.extend_from_slice(extra);
        env.post("/oauth2/token", None, &form(&pairs))
    };
    let first = assertion("tel:+14255550140", "jwt-bearer-1");
    let answer = grant(&first, &[]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let token = body["access_token"].as_str().unwrap();
    let created = env.api("POST", "/quality-on-demand/v1/sessions", token, SESSION);
    assert_eq!(created.status, 201);
    assert!(created.json().get("device").is_none());
    let named = env.api(
        "POST",
        "/quality-on-demand/v1/retrieve-sessions",
        token,
        r#"{"device":{"phoneNumber":"+14255550140"}}"#,
    );
    assert_eq!(named.json()["code"], "UNNECESSARY_IDENTIFIER");

    assert_eq!(grant(&first, &[]).error(), "invalid_grant", "a replay");
    let scoped = grant(
        &assertion("tel:+14255550141", "jwt-bearer-2"),
        &[("scope", "qos-profiles:read")],
    );
    assert_eq!(scoped.error(), "invalid_request");
    let denied = grant(
        &assertion(&format!("tel:{CIBA_DENIED_PHONE_NUMBER}"), "jwt-bearer-3"),
        &[],
    );
    assert_eq!(denied.error(), "invalid_grant");
    let unknown = grant(
        &assertion(&format!("tel:{UNKNOWN_PHONE_NUMBER}"), "jwt-bearer-4"),
        &[],
    );
    assert_eq!(unknown.error(), "invalid_grant");
    let by_token = grant(
        &assertion(
            &format!("operatortoken:{}", operator_token("+14255550142")),
            "jwt-bearer-5",
        ),
        &[],
    );
    assert_eq!(by_token.status, 200);
    // Client authentication beside the assertion must hold too.
    let wrong_secret = env.post(
        "/oauth2/token",
        Some(&basic(CLIENT_ID, "wrong")),
        &form(&[
            ("grant_type", JWT_BEARER_GRANT),
            ("assertion", &assertion("tel:+14255550143", "jwt-bearer-6")),
        ]),
    );
    assert_eq!(wrong_secret.status, 401);
}

// ---------------------------------------------------------------------------
// The authorization code flow.

/// PKCE's verifier and S256 challenge of RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT: &str = "https://app.example/callback";

fn authorize(env: &Env, login_hint: &str) -> Answer {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        (
            "scope",
            &format!("openid {PURPOSE} {ALL_SCOPES} offline_access"),
        ),
        ("state", "state-1"),
        ("nonce", "nonce-1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("login_hint", login_hint),
    ]);
    request(
        env.address(),
        "GET",
        &format!("/oauth2/authorize?{query}"),
        &[],
        b"",
    )
}

fn redirected(answer: &Answer) -> Vec<(String, String)> {
    assert_eq!(answer.status, 302, "{}", answer.text());
    let location = answer.header("location").unwrap();
    let (base, query) = location.split_once('?').unwrap();
    assert_eq!(base, REDIRECT);
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn authorization_code_with_pkce() {
    let env = Env::new();
    let params = redirected(&authorize(&env, "tel:+14255550150"));
    assert_eq!(param(&params, "state"), Some("state-1"));
    assert_eq!(param(&params, "iss"), Some(env.issuer().as_str()));
    let code = param(&params, "code").unwrap().to_owned();
    let exchange = |code: &str, verifier: &str| {
        env.post_basic(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
    };
    let tokens = exchange(&code, VERIFIER);
    assert_eq!(tokens.status, 200, "{}", tokens.text());
    let tokens = tokens.json();
    assert!(tokens["refresh_token"].is_string());
    let id_token = tokens["id_token"].as_str().unwrap();
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(id_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["nonce"], "nonce-1");
    assert_eq!(
        exchange(&code, VERIFIER).error(),
        "invalid_grant",
        "used once"
    );
    let token = tokens["access_token"].as_str().unwrap();
    let created = env.api("POST", "/quality-on-demand/v1/sessions", token, SESSION);
    assert_eq!(created.status, 201);

    // A verifier that is not the challenge's.
    let code = param(&redirected(&authorize(&env, "tel:+14255550151")), "code")
        .unwrap()
        .to_owned();
    let wrong = exchange(&code, &"x".repeat(43));
    assert_eq!(wrong.error(), "invalid_grant");
    // The denied user, and no PKCE: errors go back to the client.
    let denied = redirected(&authorize(&env, &format!("tel:{CIBA_DENIED_PHONE_NUMBER}")));
    assert_eq!(param(&denied, "error"), Some("access_denied"));
    assert_eq!(param(&denied, "state"), Some("state-1"));
    let plain = request(
        env.address(),
        "GET",
        &format!(
            "/oauth2/authorize?{}",
            form(&[
                ("response_type", "code"),
                ("client_id", CLIENT_ID),
                ("redirect_uri", REDIRECT),
                ("scope", "openid qos-profiles:read"),
                ("login_hint", "tel:+14255550152"),
            ])
        ),
        &[],
        b"",
    );
    assert_eq!(param(&redirected(&plain), "error"), Some("invalid_request"));
    // An unknown client is not redirected.
    let stranger = request(
        env.address(),
        "GET",
        &format!(
            "/oauth2/authorize?{}",
            form(&[("client_id", "stranger"), ("redirect_uri", REDIRECT)])
        ),
        &[],
        b"",
    );
    assert_eq!(stranger.status, 400);
    assert!(stranger.header("location").is_none());
}

// ---------------------------------------------------------------------------
// The device rule and scopes, beyond the scenarios.

#[test]
fn a_two_legged_token_must_name_the_device() {
    let env = Env::new();
    let token = env.two_legged(ALL_SCOPES);
    for (path, body) in [
        ("/quality-on-demand/v1/sessions", SESSION),
        ("/quality-on-demand/v1/retrieve-sessions", "{}"),
        (
            "/qos-provisioning/v0.3/qos-assignments",
            r#"{"qosProfile":"QOS_L"}"#,
        ),
        ("/qos-provisioning/v0.3/retrieve-qos-assignment", "{}"),
    ] {
        let answer = env.api("POST", path, &token, body);
        assert_error_info(&answer, 422, "MISSING_IDENTIFIER");
    }
    // QoS profiles take no device as no filter.
    let all = env.api(
        "POST",
        "/qos-profiles/v1/retrieve-qos-profiles",
        &token,
        "{}",
    );
    assert_eq!(all.status, 200);
    // A named device is echoed.
    let created = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        &token,
        &with_device(SESSION, "+14255550160"),
    );
    assert_eq!(
        created.json()["device"],
        json!({"phoneNumber": "+14255550160"})
    );
}

#[test]
fn a_three_legged_token_reaches_its_devices_resources_only() {
    let env = Env::new();
    let two_legged = env.two_legged(ALL_SCOPES);
    let other = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        &two_legged,
        &with_device(SESSION, "+14255550170"),
    );
    let other_id = other.json()["sessionId"].as_str().unwrap().to_owned();
    let mine = env.three_legged("+14255550171");
    let read = env.api(
        "GET",
        &format!("/quality-on-demand/v1/sessions/{other_id}"),
        &mine,
        "",
    );
    assert_error_info(&read, 403, "PERMISSION_DENIED");
    let deleted = env.api(
        "DELETE",
        &format!("/quality-on-demand/v1/sessions/{other_id}"),
        &mine,
        "",
    );
    assert_eq!(deleted.status, 403);
    // The same device's token reads it.
    let its_own = env.three_legged("+14255550170");
    let read = env.api(
        "GET",
        &format!("/quality-on-demand/v1/sessions/{other_id}"),
        &its_own,
        "",
    );
    assert_eq!(read.status, 200);
    assert_eq!(
        read.json()["device"],
        json!({"phoneNumber": "+14255550170"})
    );
    // The test assets' fates apply to the token's device.
    let not_applicable = env.three_legged(NOT_APPLICABLE_PHONE_NUMBER);
    let refused = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        &not_applicable,
        SESSION,
    );
    assert_error_info(&refused, 422, "SERVICE_NOT_APPLICABLE");
    let no_profiles = env.three_legged(NO_PROFILES_PHONE_NUMBER);
    let listed = env.api(
        "POST",
        "/qos-profiles/v1/retrieve-qos-profiles",
        &no_profiles,
        "{}",
    );
    assert_eq!(listed.json(), json!([]));
    let restricted = format!("/qos-profiles/v1/qos-profiles/{RESTRICTED_PROFILE}");
    assert_eq!(env.api("GET", &restricted, &mine, "").status, 404);
    let partner = env.three_legged(PARTNER_PHONE_NUMBER);
    assert_eq!(env.api("GET", &restricted, &partner, "").status, 200);
}

#[test]
fn a_three_legged_token_is_held_to_its_scope() {
    let env = Env::new();
    let read_only = env.ciba_tokens("+14255550180", "openid qos-profiles:read")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        &read_only,
        SESSION,
    );
    assert_error_info(&refused, 403, "PERMISSION_DENIED");
    assert!(refused.text().contains("quality-on-demand:sessions:create"));
    let unknown = env.api(
        "POST",
        "/quality-on-demand/v1/sessions",
        "sandbox-at-guess",
        SESSION,
    );
    assert_error_info(&unknown, 401, "UNAUTHENTICATED");
    // Tokens expire with the sandbox's clock.
    env.advance(Duration::from_secs(3600));
    let expired = env.api("GET", "/qos-profiles/v1/qos-profiles/QOS_E", &read_only, "");
    assert_eq!(expired.status, 401);
}

// ---------------------------------------------------------------------------
// Set-up, other modes, hostile input.

#[test]
fn what_the_sandbox_will_not_start_with() {
    for (openid, says) in [
        (OpenIdConfig::new(CLIENT_ID), "secret, a public key"),
        (OpenIdConfig::new("").client_secret("s"), "client id"),
        (
            OpenIdConfig::new(CLIENT_ID)
                .client_secret("s")
                .issuer("not a url"),
            "issuer",
        ),
        (
            OpenIdConfig::new(CLIENT_ID)
                .client_secret("s")
                .ciba_expires_in(Duration::ZERO),
            "expires_in",
        ),
    ] {
        let error = Sandbox::start(SandboxConfig {
            auth: SandboxAuth::OpenId(openid),
            ..SandboxConfig::default()
        })
        .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains(says), "{says}: {error}");
    }
    let shown = format!("{:?}", SandboxAuth::OpenId(config()));
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(shown.contains(CLIENT_ID), "{shown}");
}

#[test]
fn the_openid_endpoints_are_absent_in_other_modes() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    assert_eq!(sandbox.openid_configuration_url(), None);
    for (method, path) in [
        ("GET", "/.well-known/openid-configuration"),
        ("GET", "/oauth2/jwks"),
        ("POST", "/oauth2/bc-authorize"),
        ("POST", "/oauth2/token"),
        ("GET", "/oauth2/authorize"),
    ] {
        assert_eq!(
            request(sandbox.address(), method, path, &[], b"").status,
            404,
            "{method} {path}"
        );
    }
    // 405 with Allow for another method.
    let env = Env::new();
    let wrong = request(env.address(), "GET", "/oauth2/token", &[], b"");
    assert_eq!((wrong.status, wrong.header("allow")), (405, Some("POST")));
}

/// A small deterministic generator of hostile bytes.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| (self.next() % 256) as u8).collect()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn hostile_input_gets_client_errors_and_never_a_secret() {
    let env = Env::new();
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let fragments = [
        "grant_type=",
        "client_credentials",
        CIBA_GRANT,
        JWT_BEARER_GRANT,
        "authorization_code",
        "refresh_token",
        "&scope=",
        "openid",
        "%20",
        "&login_hint=",
        "tel:%2B1425555",
        "ipport:[::1",
        "operatortoken:sandbox-",
        "&auth_req_id=",
        "&assertion=",
        "&client_assertion=",
        "&client_assertion_type=",
        ASSERTION_TYPE,
        "eyJhbGciOiJSUzI1NiJ9.e30.",
        "&code=",
        "&code_verifier=",
        "&redirect_uri=https%3A%2F%2Fa",
        "&&&",
        "=",
        "%",
        "%ff%fe",
        "&client_id=",
        CLIENT_ID,
        "&refresh_token=sandbox-rt-",
        "dpv:X#",
    ];
    let paths = ["/oauth2/token", "/oauth2/bc-authorize", "/oauth2/authorize"];
    for round in 0..600 {
        let mut body = String::new();
        for _ in 0..(noise.next() % 12) {
            body.push_str(noise.pick(&fragments));
        }
        let mut bytes = body.into_bytes();
        if round % 5 == 0 {
            let len = (noise.next() % 300) as usize;
            bytes.extend(noise.bytes(len));
        }
        let path = noise.pick(&paths);
        let authorization = match round % 4 {
            0 => basic(CLIENT_ID, CLIENT_SECRET),
            1 => format!("Basic {}", STANDARD.encode(noise.bytes(20))),
            2 => "Bearer x".to_owned(),
            _ => basic(CLIENT_ID, "wrong"),
        };
        let answer = if path == "/oauth2/authorize" && round % 2 == 0 {
            let query = String::from_utf8_lossy(&bytes)
                .chars()
                .filter(|c| c.is_ascii_graphic() && *c != '#')
                .collect::<String>();
            request(env.address(), "GET", &format!("{path}?{query}"), &[], b"")
        } else {
            request(
                env.address(),
                "POST",
                path,
                &[
                    ("content-type", "application/x-www-form-urlencoded"),
                    ("authorization", &authorization),
                ],
                &bytes,
            )
        };
        assert!(
            matches!(answer.status, 200 | 302 | 400 | 401 | 429),
            "{path} {}: {}",
            answer.status,
            answer.text()
        );
        assert!(!answer.text().contains(CLIENT_SECRET));
        assert!(
            answer
                .header("location")
                .is_none_or(|l| !l.contains(CLIENT_SECRET))
        );
    }
    // Broken assertions of every kind, as client assertions and grants.
    let now = env.now_secs();
    let oversized = "a".repeat(60_000);
    let assertions = [
        String::new(),
        "a.b.c".to_owned(),
        "...".to_owned(),
        format!(
            "{}.{}.x",
            URL_SAFE_NO_PAD.encode("[]"),
            URL_SAFE_NO_PAD.encode("{}")
        ),
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(r#"{"exp":1e400}"#),
            URL_SAFE_NO_PAD.encode([0; 256])
        ),
        sign(
            "RS256",
            &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": env.token_url(), "exp": now + 60, "jti": ""}),
        ),
        sign(
            "RS256",
            &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": env.token_url(), "exp": now + 60, "jti": "x".repeat(5000)}),
        ),
        sign(
            "RS256",
            &json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": [1, null, {}], "exp": now + 60, "jti": "j"}),
        ),
        sign(
            "RS256",
            &json!({"iss": CLIENT_ID, "sub": "tel:+1", "aud": env.token_url(), "exp": now + 60, "jti": "k", "scope": 7}),
        ),
        oversized,
    ];
    for assertion in &assertions {
        for body in [
            form(&[
                ("grant_type", "client_credentials"),
                ("scope", "qos-profiles:read"),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion),
            ]),
            form(&[("grant_type", JWT_BEARER_GRANT), ("assertion", assertion)]),
        ] {
            let answer = env.post("/oauth2/token", None, &body);
            assert!(
                matches!(answer.status, 400 | 401 | 413),
                "{}: {}",
                answer.status,
                answer.text()
            );
        }
    }
    assert_eq!(env.sandbox.stats().server_errors, 0);
}
