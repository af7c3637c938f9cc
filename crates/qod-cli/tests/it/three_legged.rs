//! The `qod` command with CAMARA's flows (issue 19) against the sandbox in
//! its OpenID mode: CIBA with a secret and with private_key_jwt, JWT
//! Bearer, discovery and explicit URLs, `qod auth token`, the users the
//! sandbox scripts, the device rule, client credentials signed with a key;
//! and an API key with an extra header, seen arrive at a scripted server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use qod_sandbox::{
    ClientPublicKey, OpenIdConfig, Sandbox, SandboxAuth, SandboxConfig, test_assets,
};
use qod_testkit::{Reply, TestServer};

use crate::support::{json, qod, stderr};

const CLIENT_ID: &str = "cli-app";
const CLIENT_SECRET: &str = "cli-secret-0123456789";
const PHONE: &str = "+14255550100";

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// The client's P-256 key (private half, PKCS#8) and RSA key.
fn ec_key() -> String {
    fixture("qod-core/tests/fixtures/test-ec-p256.pem")
}

fn rsa_key() -> String {
    fixture("qod-core/tests/fixtures/test-rsa-2048.pem")
}

/// The OpenID sandbox, knowing the client by its secret and `public_key`
/// (a fixture's public half), with quick CIBA answers.
fn openid_sandbox(public_key: &str) -> Sandbox {
    let pem = std::fs::read(fixture(public_key)).unwrap();
    let config = OpenIdConfig::new(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .client_public_key(ClientPublicKey::from_pem_or_der(&pem).unwrap())
        .ciba_approval_delay(Duration::from_millis(300))
        .ciba_expires_in(Duration::from_secs(3));
    Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(100),
        auth: SandboxAuth::OpenId(config),
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn ec_sandbox() -> Sandbox {
    openid_sandbox("qod-sandbox/tests/fixtures/test-ec-p256.spki.pem")
}

/// `qod` against the sandbox's QoD 1.x, with `args` after the base URL.
fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    let base = sandbox.v1_url();
    let mut all = vec!["--base-url", base.as_str()];
    all.extend_from_slice(args);
    qod(&all, &[])
}

/// CIBA with client_secret_basic, discovered, for `hint`.
fn ciba_basic(sandbox: &Sandbox, hint: &str) -> Vec<String> {
    [
        "--auth",
        "ciba",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--login-hint",
        hint,
        "--openid-config",
        &sandbox.openid_configuration_url().unwrap(),
    ]
    .map(str::to_owned)
    .to_vec()
}

fn with<'a>(auth: &'a [String], rest: &[&'a str]) -> Vec<&'a str> {
    let mut all: Vec<&str> = auth.iter().map(String::as_str).collect();
    all.extend_from_slice(rest);
    all
}

const CREATE: [&str; 8] = [
    "session",
    "create",
    "--profile",
    "QOS_E",
    "--app-server-ipv4",
    "198.51.100.10",
    "--duration",
    "60",
];

#[test]
fn ciba_with_a_secret_runs_a_sessions_life_with_no_device_flag() {
    let sandbox = ec_sandbox();
    let auth = ciba_basic(&sandbox, &format!("tel:{PHONE}"));
    let created = json(&run(&sandbox, &with(&auth, &CREATE)));
    assert!(
        created.get("device").is_none(),
        "the token names it: {created}"
    );
    let id = created["sessionId"].as_str().unwrap().to_owned();
    for args in [
        vec!["session", "get", id.as_str()],
        vec!["session", "wait", id.as_str(), "--interval", "0.1"],
    ] {
        let read = json(&run(&sandbox, &with(&auth, &args)));
        assert_eq!(read["sessionId"], id.as_str());
    }
    let found = json(&run(&sandbox, &with(&auth, &["session", "retrieve"])));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let profiles = json(&run(&sandbox, &with(&auth, &["profile", "list"])));
    assert!(!profiles.as_array().unwrap().is_empty());
    let deleted = run(&sandbox, &with(&auth, &["session", "delete", &id]));
    assert!(deleted.status.success(), "{}", stderr(&deleted));
}

#[test]
fn ciba_with_private_key_jwt_and_explicit_urls_assigns_with_no_device_flag() {
    let sandbox = ec_sandbox();
    let base = sandbox.base_url();
    let token_url = format!("{base}/oauth2/token");
    let bc_url = format!("{base}/oauth2/bc-authorize");
    let key = ec_key();
    let auth = [
        "--auth",
        "ciba",
        "--client-id",
        CLIENT_ID,
        "--client-auth",
        "private-key-jwt",
        "--client-key",
        &key,
        "--client-key-id",
        "cli-key-1",
        "--login-hint",
        "tel:+14255550111",
        "--token-url",
        &token_url,
        "--bc-authorize-url",
        &bc_url,
    ]
    .map(str::to_owned);
    let created = json(&run(
        &sandbox,
        &with(&auth, &["assignment", "create", "--profile", "QOS_L"]),
    ));
    let id = created["assignmentId"].as_str().unwrap().to_owned();
    let found = json(&run(&sandbox, &with(&auth, &["assignment", "retrieve"])));
    assert_eq!(found["assignmentId"], id.as_str());
    let revoked = run(&sandbox, &with(&auth, &["assignment", "revoke", &id]));
    assert!(revoked.status.success(), "{}", stderr(&revoked));
}

#[test]
fn jwt_bearer_acts_for_its_subject() {
    let sandbox = openid_sandbox("qod-sandbox/tests/fixtures/test-rsa-2048.spki.pem");
    let key = rsa_key();
    let discovery = sandbox.openid_configuration_url().unwrap();
    let subject = format!("operatortoken:{}", test_assets::operator_token(PHONE));
    let auth = [
        "--auth",
        "jwt-bearer",
        "--client-id",
        CLIENT_ID,
        "--client-key",
        &key,
        "--subject",
        &subject,
        "--openid-config",
        &discovery,
    ]
    .map(str::to_owned);
    let created = json(&run(&sandbox, &with(&auth, &CREATE)));
    let id = created["sessionId"].as_str().unwrap();
    let deleted = run(&sandbox, &with(&auth, &["session", "delete", id]));
    assert!(deleted.status.success(), "{}", stderr(&deleted));

    // A denied number: JWT Bearer's invalid_grant, and its hint.
    let denied = format!("tel:{}", test_assets::CIBA_DENIED_PHONE_NUMBER);
    let mut refused = auth.to_vec();
    refused[7] = denied.clone();
    let output = run(&sandbox, &with(&refused, &["profile", "list"]));
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains(&format!(
            "hint: the operator refused the grant for --subject {denied}"
        )),
        "{text}"
    );
}

#[test]
fn auth_token_prints_the_token_alone_and_tells_the_flow_on_stderr() {
    let sandbox = ec_sandbox();
    let auth = ciba_basic(&sandbox, &format!("tel:{PHONE}"));
    let output = run(&sandbox, &with(&auth, &["auth", "token"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let token = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(token.lines().count(), 1, "{token:?}");
    let token = token.trim_end();
    assert!(!token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()));
    let text = stderr(&output);
    let base = sandbox.base_url();
    for line in [
        format!("auth: CIBA (poll mode) for tel:{PHONE}, client {CLIENT_ID} (client_secret_basic)"),
        format!("auth: discovery URL {base}/.well-known/openid-configuration"),
        format!("auth: backchannel URL {base}/oauth2/bc-authorize (discovered)"),
        format!("auth: token URL {base}/oauth2/token (discovered)"),
        "auth: scope asked openid dpv:RequestedServiceProvision quality-on-demand:sessions:create"
            .to_owned(),
    ] {
        assert!(text.contains(&line), "{line:?} in {text}");
    }
    assert!(!text.contains(token), "the token is on stdout only");
    assert!(!text.contains(CLIENT_SECRET));

    // The token works as a bearer token, for the device it names.
    let created = json(&run(
        &sandbox,
        &[&["--auth", "bearer", "--token", token][..], &CREATE].concat(),
    ));
    assert!(created.get("device").is_none(), "{created}");

    // Another API, another purpose, asked by name.
    let output = run(
        &sandbox,
        &with(
            &auth,
            &[
                "--purpose",
                "dpv:NetworkManagement",
                "auth",
                "token",
                "--api",
                "qos-profiles",
            ],
        ),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("auth: scope asked openid dpv:NetworkManagement qos-profiles:read"),
        "{}",
        stderr(&output)
    );

    // A scope given verbatim is asked as it is: no purpose is added.
    let output = run(
        &sandbox,
        &with(
            &auth,
            &[
                "--scope",
                "openid quality-on-demand:sessions:read",
                "auth",
                "token",
            ],
        ),
    );
    assert!(
        stderr(&output).contains("auth: scope asked openid quality-on-demand:sessions:read\n"),
        "{}",
        stderr(&output)
    );

    // No token to print.
    for mode in [
        &["--auth", "none"][..],
        &[
            "--auth",
            "api-key",
            "--api-key-header",
            "X-K",
            "--api-key",
            "k",
        ],
    ] {
        let output = run(&sandbox, &[mode, &["auth", "token"]].concat());
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("uses no access token"),
            "{}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn the_users_ends_get_their_hints() {
    let sandbox = ec_sandbox();
    for (number, says) in [
        (
            test_assets::CIBA_DENIED_PHONE_NUMBER,
            "hint: the user denied the request (--login-hint tel:",
        ),
        (
            test_assets::UNKNOWN_PHONE_NUMBER,
            "hint: the operator does not know --login-hint tel:",
        ),
        (
            test_assets::CIBA_NEVER_APPROVED_PHONE_NUMBER,
            "hint: the user did not answer in time (--login-hint tel:",
        ),
    ] {
        let auth = ciba_basic(&sandbox, &format!("tel:{number}"));
        let output = run(&sandbox, &with(&auth, &CREATE));
        assert_eq!(
            output.status.code(),
            Some(1),
            "{number}: {}",
            stderr(&output)
        );
        let text = stderr(&output);
        assert!(text.contains(says), "{number}: {text}");
        assert!(
            text.contains("hint: the request was not sent: no session was created"),
            "{text}"
        );
    }
    assert_eq!(sandbox.stats().sessions_created, 0);
}

#[test]
fn a_device_flag_with_a_three_legged_token_is_refused_before_anything_is_sent() {
    let sandbox = ec_sandbox();
    let auth = ciba_basic(&sandbox, &format!("tel:{PHONE}"));
    for (args, dropped) in [
        ([&CREATE[..], &["--phone", PHONE]].concat(), "drop --phone"),
        (
            vec!["session", "retrieve", "--ipv4", "203.0.113.7:5060"],
            "drop --ipv4",
        ),
        (vec!["profile", "list", "--phone", PHONE], "drop --phone"),
        (
            vec![
                "assignment",
                "create",
                "--profile",
                "QOS_L",
                "--phone",
                PHONE,
            ],
            "drop --phone",
        ),
    ] {
        let output = run(&sandbox, &with(&auth, &args));
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let text = stderr(&output);
        assert!(
            text.contains(&format!(
                "hint: with --auth ciba the token names the device (--login-hint): {dropped}"
            )),
            "{args:?}: {text}"
        );
    }
    assert_eq!(sandbox.stats().requests, 0, "nothing reached the sandbox");
}

#[test]
fn oauth2_client_credentials_signed_with_a_key() {
    let sandbox = ec_sandbox();
    let token_url = sandbox.token_url().unwrap();
    let key = ec_key();
    let auth = [
        "--auth",
        "oauth2",
        "--token-url",
        &token_url,
        "--client-id",
        CLIENT_ID,
        "--client-auth",
        "private-key-jwt",
        "--client-key",
        &key,
    ]
    .map(str::to_owned);
    let created = json(&run(
        &sandbox,
        &with(&auth, &[&CREATE[..], &["--phone", PHONE]].concat()),
    ));
    assert_eq!(created["device"]["phoneNumber"], PHONE, "{created}");
    let profile = json(&run(&sandbox, &with(&auth, &["profile", "get", "QOS_E"])));
    assert_eq!(profile["name"], "QOS_E");
    // Two-legged: the token names no device, so the request must.
    let output = run(&sandbox, &with(&auth, &CREATE));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("hint: with --auth oauth2 the token names no device: name it with --phone"),
        "{}",
        stderr(&output)
    );
    let output = run(&sandbox, &with(&auth, &["auth", "token"]));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "auth: client credentials for client {CLIENT_ID} (private_key_jwt)"
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_api_key_and_an_extra_header_arrive_on_every_call() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            r#"{"name":"QOS_E","status":"ACTIVE","maxDuration":{"value":3600,"unit":"Seconds"}}"#,
        )
    });
    let base = server.url("/quality-on-demand/v1");
    let output = qod(
        &[
            "--base-url",
            &base,
            "--auth",
            "api-key",
            "--api-key-header",
            "X-RapidAPI-Key",
            "--header",
            "X-RapidAPI-Host: network-as-code.nokia.rapidapi.com",
            "--header",
            "X-Extra:1",
            "profile",
            "get",
            "QOS_E",
        ],
        &[("QOD_API_KEY", "rapid-key-0123456789")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "no token request: {seen:?}");
    let call = &seen[0];
    assert_eq!(call.header("x-rapidapi-key"), Some("rapid-key-0123456789"));
    assert_eq!(
        call.header("x-rapidapi-host"),
        Some("network-as-code.nokia.rapidapi.com")
    );
    assert_eq!(call.header("x-extra"), Some("1"));
    assert_eq!(call.header("authorization"), None);
    let text = stderr(&output);
    assert!(!text.contains("rapid-key"), "{text}");
}

#[test]
fn the_new_secrets_never_print() {
    const API_KEY: &str = "api-key-secret-9876543210";
    let sandbox = ec_sandbox();
    let key = ec_key();
    let key_body: Vec<String> = std::fs::read_to_string(&key)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .map(|line| line[..line.len().min(24)].to_owned())
        .collect();
    let operator_token = test_assets::operator_token(PHONE);
    let hint = format!("operatortoken:{operator_token}");
    let unknown = "operatortoken:not-a-known-token-13579";
    let discovery = sandbox.openid_configuration_url().unwrap();
    let signed = |hint: &str| {
        [
            "-v",
            "--auth",
            "ciba",
            "--client-id",
            CLIENT_ID,
            "--client-key",
            &key,
            "--login-hint",
            hint,
            "--openid-config",
            &discovery,
        ]
        .map(str::to_owned)
    };
    let base = sandbox.v1_url();
    let mut runs: Vec<(Output, bool)> = Vec::new();
    let (known, not_known) = (signed(&hint), signed(unknown));
    for args in [
        with(&known, &CREATE),
        with(&known, &["session", "retrieve", "--phone", PHONE]),
        with(&not_known, &["profile", "list"]),
        with(&known, &["auth", "token"]),
    ] {
        let mut all = vec!["--base-url", base.as_str()];
        all.extend_from_slice(&args);
        let prints_token = args.contains(&"token");
        runs.push((qod(&all, &[("RUST_LOG", "trace")]), prints_token));
    }
    // The same hint from its variable, and a key file that is no key.
    let not_a_key = std::env::temp_dir().join(format!("qod-cli-not-a-key-{}", std::process::id()));
    std::fs::write(&not_a_key, "SECRET-KEY-CONTENT-24680\n").unwrap();
    runs.push((
        qod(
            &[
                "--base-url",
                &base,
                "--auth",
                "ciba",
                "--client-id",
                CLIENT_ID,
                "--client-key",
                not_a_key.to_str().unwrap(),
                "--openid-config",
                &discovery,
                "profile",
                "list",
            ],
            &[("QOD_LOGIN_HINT", &hint)],
        ),
        false,
    ));
    runs.push((
        qod(
            &[
                "--base-url",
                &base,
                "-v",
                "--auth",
                "api-key",
                "--api-key-header",
                "X-Key",
                "--api-key",
                API_KEY,
                "profile",
                "get",
                "QOS_E",
            ],
            &[("RUST_LOG", "trace")],
        ),
        false,
    ));
    runs.push((
        qod(
            &["--help"],
            &[("QOD_API_KEY", API_KEY), ("QOD_LOGIN_HINT", &hint)],
        ),
        false,
    ));
    let _ = std::fs::remove_file(&not_a_key);
    for (index, (output, prints_token)) in runs.iter().enumerate() {
        let out = String::from_utf8_lossy(&output.stdout);
        let err = stderr(output);
        for secret in [
            operator_token.as_str(),
            "not-a-known-token-13579",
            API_KEY,
            "SECRET-KEY-CONTENT",
        ]
        .into_iter()
        .chain(key_body.iter().map(String::as_str))
        {
            assert!(
                !err.contains(secret),
                "run {index}: {secret:?} on stderr: {err}"
            );
            assert!(
                !out.contains(secret),
                "run {index}: {secret:?} on stdout: {out}"
            );
        }
        if *prints_token {
            assert!(output.status.success(), "{err}");
            assert_eq!(out.lines().count(), 1, "{out}");
            assert!(err.contains("operatortoken:[redacted]"), "{err}");
        }
    }
}

#[test]
fn discovery_without_the_backchannel_endpoint_is_refused_by_name() {
    // Metadata naming its issuer (the Host it was asked at) and a token
    // endpoint, but no backchannel_authentication_endpoint.
    let server = TestServer::start(|seen| {
        let host = seen.header("host").unwrap_or_default();
        Reply::json(
            200,
            &format!(r#"{{"issuer":"http://{host}","token_endpoint":"http://{host}/token"}}"#),
        )
    });
    let output = qod(
        &[
            "--base-url",
            &server.url("/quality-on-demand/v1"),
            "--auth",
            "ciba",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            "--login-hint",
            "tel:+14255550100",
            "--openid-config",
            &server.url("/.well-known/openid-configuration"),
            "profile",
            "list",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("backchannel_authentication_endpoint"),
        "{text}"
    );
    assert!(
        text.contains("hint: check --openid-config, or give the URLs themselves"),
        "{text}"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "the discovery only: {seen:?}");
    assert_eq!(seen[0].path, "/.well-known/openid-configuration");
}
