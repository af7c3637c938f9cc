//! The `qod` command against the sandbox, over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{against, json, one_answer_server, qod, stderr};
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

fn quick_sandbox(auth: SandboxAuth) -> Sandbox {
    Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(100),
        // 0.10 sessions start REQUESTED too, so that `session wait` waits.
        v0_requested_phase: true,
        auth,
        ..SandboxConfig::default()
    })
    .unwrap()
}

#[test]
fn full_lifecycle_in_0_10() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v0_url();
    let created = json(&qod(
        &[
            "--base-url",
            &base,
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_VC",
            "--duration",
            "600",
        ],
        &[],
    ));
    assert_eq!(created["qosStatus"], "REQUESTED");
    assert!(
        created["startedAt"].is_i64(),
        "0.10 timestamps are integers"
    );
    let id = created["sessionId"].as_str().unwrap().to_owned();

    let waited = json(&qod(
        &[
            "--base-url",
            &base,
            "session",
            "wait",
            &id,
            "--interval",
            "0.1",
        ],
        &[],
    ));
    assert_eq!(waited["qosStatus"], "AVAILABLE");
    let extended = json(&qod(
        &[
            "--base-url",
            &base,
            "session",
            "extend",
            &id,
            "--seconds",
            "60",
        ],
        &[],
    ));
    assert_eq!(extended["sessionId"], id.as_str());
    let deleted = qod(&["--base-url", &base, "session", "delete", &id], &[]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert!(deleted.stdout.is_empty());
    let profiles = json(&qod(&["--base-url", &base, "profile", "list"], &[]));
    assert!(
        profiles
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "QOS_XR")
    );
}

#[test]
fn full_lifecycle_in_1_x_with_environment_variables() {
    let sandbox = quick_sandbox(SandboxAuth::Bearer(vec!["cli-token".to_owned()]));
    let env = [
        ("QOD_BASE_URL", sandbox.v1_url()),
        ("QOD_AUTH", "bearer".to_owned()),
        ("QOD_TOKEN", "cli-token".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = json(&qod(
        &[
            "session",
            "create",
            "--ipv4",
            "203.0.113.7:5060",
            "--profile",
            "QOS_E",
            "--duration",
            "300",
            "--app-server-ipv4",
            "198.51.100.0/24",
            "--device-ports",
            "5010-5020,5060",
            "--app-server-ports",
            "443",
        ],
        &env,
    ));
    let id = created["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(created["devicePorts"]["ranges"][0]["from"], 5010);
    let listed = json(&qod(
        &["session", "retrieve", "--ipv4", "203.0.113.7:5060"],
        &env,
    ));
    assert_eq!(listed[0]["sessionId"], id.as_str());
    let read = json(&qod(
        &["--correlator", "cli-corr-1", "session", "get", &id],
        &env,
    ));
    assert_eq!(read["qosProfile"], "QOS_E");
    let profile = json(&qod(&["profile", "get", "QOS_L"], &env));
    assert_eq!(profile["maxDuration"]["value"], 3600);
    assert!(qod(&["session", "delete", &id], &env).status.success());

    let wrong = qod(&["--token", "wrong", "session", "get", &id], &env);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("401") && stderr(&wrong).contains("UNAUTHENTICATED"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn invalid_input_exits_2_and_sends_nothing() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v0_url();
    for args in [
        vec![
            "--base-url",
            base.as_str(),
            "session",
            "create",
            "--phone",
            "12",
            "--profile",
            "QOS_VC",
        ],
        vec![
            "--base-url",
            base.as_str(),
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_VC",
            "--duration",
            "30",
        ],
        vec!["--base-url", base.as_str(), "session", "get", "not-a-uuid"],
        vec![
            "--base-url",
            base.as_str(),
            "--correlator",
            "bad correlator",
            "session",
            "get",
            "123e4567-e89b-12d3-a456-426614174000",
        ],
        vec![
            "--base-url",
            "http://example.com/qod/v0",
            "session",
            "get",
            "123e4567-e89b-12d3-a456-426614174000",
        ],
        vec!["session", "get", "123e4567-e89b-12d3-a456-426614174000"],
        vec![
            "--base-url",
            base.as_str(),
            "--auth",
            "bearer",
            "profile",
            "list",
        ],
        vec![
            "--base-url",
            base.as_str(),
            "session",
            "retrieve",
            "--phone",
            "+14255550100",
        ],
        vec!["--base-url", base.as_str(), "session", "frobnicate"],
    ] {
        let output = qod(&args, &[]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("error"), "{args:?}");
    }
    assert_eq!(sandbox.stats().requests, 0, "nothing reached the server");
}

#[test]
fn api_errors_exit_1_with_status_code_message_and_correlator() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    let missing = qod(
        &[
            "--base-url",
            &base,
            "--correlator",
            "corr-404",
            "session",
            "get",
            "123e4567-e89b-12d3-a456-426614174000",
        ],
        &[],
    );
    assert_eq!(missing.status.code(), Some(1));
    let text = stderr(&missing);
    assert!(
        text.contains("404") && text.contains("NOT_FOUND") && text.contains("corr-404"),
        "{text}"
    );
    let unreachable = qod(
        &[
            "--base-url",
            "http://127.0.0.1:9/qod/v0",
            "--timeout",
            "2",
            "session",
            "get",
            "123e4567-e89b-12d3-a456-426614174000",
        ],
        &[],
    );
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(
        stderr(&unreachable).contains("not sent"),
        "{}",
        stderr(&unreachable)
    );
}

#[test]
fn tmobile_auth_with_a_key_generated_here() {
    let dir = std::env::temp_dir().join(format!("qod-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key.pem");
    let status = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&key)
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(status.success());
    let signer = qod::auth::PopSigner::from_pkcs8_pem(&std::fs::read(&key).unwrap()).unwrap();
    let sandbox = quick_sandbox(SandboxAuth::Taap {
        client_id: "cli-client".to_owned(),
        client_secret: "cli-secret".to_owned(),
        public_key_der: signer.public_key_der().to_vec(),
    });
    let key_path = key.to_str().unwrap();
    let args = |secret: &'static str| {
        vec![
            "--auth",
            "tmobile",
            "--client-id",
            "cli-client",
            "--client-secret",
            secret,
            "--private-key",
            key_path,
        ]
    };
    let base = sandbox.v0_url();
    let mut create = args("cli-secret");
    create.extend([
        "--base-url",
        base.as_str(),
        "session",
        "create",
        "--phone",
        "14255550100",
        "--profile",
        "QOS_XR",
    ]);
    let created = json(&qod(&create, &[]));
    assert_eq!(created["qosProfile"], "QOS_XR");
    assert_eq!(sandbox.stats().token_requests, 1);

    let mut wrong = args("wrong-secret");
    wrong.extend(["--base-url", base.as_str(), "profile", "list"]);
    let refused = qod(&wrong, &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("401"), "{}", stderr(&refused));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sandbox_command_prints_urls_serves_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qod"))
        .args([
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--available-after-ms",
            "50",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let v0 = lines.next().unwrap().unwrap();
    let v1 = lines.next().unwrap().unwrap();
    assert!(
        v0.starts_with("http://127.0.0.1:") && v0.ends_with("/qod/v0"),
        "{v0}"
    );
    assert!(v1.ends_with("/quality-on-demand/v1"), "{v1}");
    let created = json(&qod(
        &[
            "--base-url",
            &v0,
            "session",
            "create",
            "--phone",
            "+14255550100",
            "--profile",
            "QOS_VC",
            "--duration",
            "600",
        ],
        &[],
    ));
    // T-Mobile's flavour: AVAILABLE in the create's answer.
    assert_eq!(created["qosStatus"], "AVAILABLE");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "qod sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "clean stop: {status:?}");
}

#[test]
fn echoed_secrets_print_only_when_asked() {
    const TOKEN: &str = "cli-webhook-token-0123456789";
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v0_url();
    let create = qod(
        &[
            "--base-url",
            &base,
            "session",
            "create",
            "--phone",
            "+14255550160",
            "--profile",
            "QOS_VC",
            "--webhook-url",
            "http://127.0.0.1:9/notify",
            "--webhook-token",
            TOKEN,
        ],
        &[],
    );
    let created = json(&create);
    assert!(!String::from_utf8_lossy(&create.stdout).contains(TOKEN));
    assert_eq!(created["webhook"]["notificationAuthToken"], "[redacted]");
    assert_eq!(
        created["webhook"]["notificationUrl"],
        "http://127.0.0.1:9/notify"
    );
    let id = created["sessionId"].as_str().unwrap().to_owned();

    let read = qod(&["--base-url", &base, "session", "get", &id], &[]);
    assert_eq!(
        json(&read)["webhook"]["notificationAuthToken"],
        "[redacted]"
    );
    assert!(!String::from_utf8_lossy(&read.stdout).contains(TOKEN));
    let shown = json(&qod(
        &["--base-url", &base, "session", "get", &id, "--show-secrets"],
        &[],
    ));
    assert_eq!(shown["webhook"]["notificationAuthToken"], TOKEN);
}

#[test]
fn a_created_session_whose_answer_cannot_be_read_is_named_on_stderr() {
    let server = one_answer_server(
        r#"<html>Created {"sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "qosStatus": </html>"#,
    );
    let base = server.url("/qod/v0");
    let output = qod(
        &[
            "--base-url",
            &base,
            "session",
            "create",
            "--phone",
            "+14255550170",
            "--profile",
            "QOS_VC",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(
        text.lines().any(|line| line
            == "session 3fa85f64-5717-4562-b3fc-2c963f66afa6 was created; \
                delete it with: qod session delete 3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        "{text}"
    );
    assert!(text.contains("201"), "{text}");
}

// ---------------------------------------------------------------- for people at a terminal, and CI logs

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "qod failed: {}", stderr(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Whether `text` is an RFC 3339 UTC time as the table prints it.
fn is_rfc3339(text: &str) -> bool {
    text.len() == 20
        && text.as_bytes()[10] == b'T'
        && text.ends_with('Z')
        && text.chars().filter(|c| c.is_ascii_digit()).count() == 14
}

#[test]
fn tables_have_one_row_per_item_and_rfc_3339_times_in_both_versions() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    for (base, phone) in [
        (sandbox.v0_url(), "+14255550180"),
        (sandbox.v1_url(), "+14255550181"),
    ] {
        let create = [
            "session",
            "create",
            "--phone",
            phone,
            "--profile",
            "QOS_E",
            "--app-server-ipv4",
            "198.51.100.10",
            "--duration",
            "600",
        ];
        // JSON stays the default when stdout is not a terminal.
        let id = json(&against(&base, &create))["sessionId"]
            .as_str()
            .unwrap()
            .to_owned();
        // A session has start and end times once it is AVAILABLE.
        let waited = against(&base, &["session", "wait", &id, "--interval", "0.1"]);
        assert_eq!(json(&waited)["qosStatus"], "AVAILABLE");
        let table = stdout(&against(
            &base,
            &["session", "get", &id, "--output", "table"],
        ));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2, "a header and one row: {table}");
        // Each value starts under its header.
        let column = |name: &str| {
            let start = lines[0].find(name).unwrap();
            lines[1][start..].split_whitespace().next().unwrap()
        };
        assert_eq!(column("SESSION ID"), id);
        assert_eq!(column("STATUS"), "AVAILABLE");
        assert_eq!(column("PROFILE"), "QOS_E");
        assert_eq!(column("DEVICE"), phone);
        assert_eq!(column("DURATION"), "600");
        for time in ["STARTED", "EXPIRES"] {
            assert!(is_rfc3339(column(time)), "{base}: {time}: {table}");
        }
    }

    let base = sandbox.v1_url();
    let listed = stdout(&qod(
        &["session", "retrieve", "--phone", "+14255550181"],
        &[("QOD_BASE_URL", &base), ("QOD_OUTPUT", "table")],
    ));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let profiles = json(&against(&base, &["profile", "list"]));
    let table = stdout(&against(&base, &["profile", "list", "--output", "table"]));
    assert_eq!(
        table.lines().count(),
        profiles.as_array().unwrap().len() + 1,
        "a header and a row per profile: {table}"
    );
    assert!(
        table.lines().next().unwrap().starts_with("NAME "),
        "{table}"
    );
    assert!(table.contains("\nQOS_L "), "{table}");
}

#[test]
fn delete_confirms_on_stderr_and_wait_prints_each_status_change() {
    let sandbox = Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(500),
        // T-Mobile's flavour answers create with AVAILABLE; keep a phase to wait through.
        v0_requested_phase: true,
        ..SandboxConfig::default()
    })
    .unwrap();
    let base = sandbox.v0_url();
    let created = json(&against(
        &base,
        &[
            "session",
            "create",
            "--phone",
            "+14255550182",
            "--profile",
            "QOS_VC",
        ],
    ));
    let id = created["sessionId"].as_str().unwrap().to_owned();

    // stderr is a pipe here, as in a CI log: lines, not a spinner.
    let waited = against(&base, &["session", "wait", &id, "--interval", "0.1"]);
    assert_eq!(json(&waited)["qosStatus"], "AVAILABLE");
    let progress = stderr(&waited);
    let lines: Vec<&str> = progress.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one line per status, not per poll: {progress:?}"
    );
    assert!(
        lines[0].starts_with(&format!("session {id} REQUESTED after ")),
        "{progress}"
    );
    assert!(
        lines[1].starts_with(&format!("session {id} AVAILABLE after ")),
        "{progress}"
    );
    assert!(!progress.contains('\r'), "{progress:?}");

    let deleted = against(&base, &["session", "delete", &id]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert!(deleted.stdout.is_empty());
    assert_eq!(stderr(&deleted), format!("session {id} deleted\n"));
}

#[test]
fn verbose_prints_one_line_per_exchange_and_no_secret() {
    const SECRET: &str = "verbose-secret-0123456789";
    let sandbox = quick_sandbox(SandboxAuth::ClientCredentials {
        client_id: "verbose-client".to_owned(),
        client_secret: SECRET.to_owned(),
    });
    let token_url = sandbox.oauth_token_url();
    let base = sandbox.v1_url();
    let args = [
        "--auth",
        "oauth2",
        "--token-url",
        token_url.as_str(),
        "--client-id",
        "verbose-client",
        "--correlator",
        "verbose-1",
        "profile",
        "get",
        "QOS_E",
    ];
    for (flag, log) in [("-v", ""), ("--verbose", "trace")] {
        let mut all = vec!["--base-url", base.as_str(), flag];
        all.extend_from_slice(&args);
        let output = qod(&all, &[("QOD_CLIENT_SECRET", SECRET), ("RUST_LOG", log)]);
        let text = stderr(&output);
        assert!(output.status.success(), "{text}");
        assert!(!text.contains(SECRET), "the secret was printed: {text}");
        let exchanges: Vec<&str> = text
            .lines()
            .filter(|line| line.contains(" -> ") && line.contains("x-correlator="))
            .collect();
        assert_eq!(exchanges.len(), 2, "the token and the call: {text}");
        assert!(
            exchanges[0].starts_with("POST token endpoint -> 200 "),
            "{text}"
        );
        assert!(
            exchanges[1].starts_with(
                "GET /qos-profiles/v1/qos-profiles/QOS_E -> 200 x-correlator=verbose-1 "
            ),
            "{text}"
        );
        assert!(
            exchanges.iter().all(|line| line.contains(" elapsed=")),
            "{text}"
        );
        if log.is_empty() {
            assert_eq!(text.lines().count(), 2, "nothing but the exchanges: {text}");
        }
    }
    let quiet = qod(
        &["--base-url", &base, "profile", "get", "QOS_S"],
        &[("QOD_AUTH", "none")],
    );
    assert!(
        !stderr(&quiet).contains(" -> "),
        "no exchange lines without -v: {}",
        stderr(&quiet)
    );
}

#[test]
fn errors_name_the_flag_to_use() {
    let sandbox = quick_sandbox(SandboxAuth::Bearer(vec!["hint-token".to_owned()]));
    let v0 = sandbox.v0_url();
    let no_device = against(
        &v0,
        &[
            "--auth",
            "bearer",
            "--token",
            "hint-token",
            "session",
            "create",
            "--profile",
            "QOS_VC",
        ],
    );
    assert_eq!(no_device.status.code(), Some(2), "{}", stderr(&no_device));
    assert!(
        stderr(&no_device).contains("--phone, --ipv4, --ipv6 or --nai"),
        "{}",
        stderr(&no_device)
    );

    let unversioned = format!("{}/qod", sandbox.base_url());
    let no_version = against(
        &unversioned,
        &["session", "get", "123e4567-e89b-12d3-a456-426614174000"],
    );
    assert_eq!(no_version.status.code(), Some(2));
    assert!(
        stderr(&no_version).contains("--api-version"),
        "{}",
        stderr(&no_version)
    );
    assert_eq!(sandbox.stats().requests, 0, "nothing reached the server");

    let anonymous = against(&v0, &["profile", "list"]);
    assert_eq!(anonymous.status.code(), Some(1));
    let text = stderr(&anonymous);
    assert!(text.contains("401"), "{text}");
    assert!(
        text.lines()
            .any(|line| line.starts_with("hint: ") && line.contains("--auth bearer")),
        "{text}"
    );
    let wrong = against(
        &v0,
        &["--auth", "bearer", "--token", "wrong", "profile", "list"],
    );
    assert!(
        stderr(&wrong)
            .lines()
            .any(|line| line.starts_with("hint: ") && line.contains("--auth bearer")),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn help_puts_a_commands_own_options_before_the_global_ones() {
    let help = stdout(&qod(&["session", "create", "--help"], &[]));
    let global = help
        .find("\nGlobal options:\n")
        .expect("a heading of their own");
    let own = help.find("\nOptions:\n").unwrap();
    assert!(own < global, "{help}");
    for flag in ["--phone", "--profile", "--sink-token"] {
        assert!(help.find(flag).unwrap() < global, "{flag}: {help}");
    }
    for flag in ["--base-url", "--auth", "--output", "--verbose", "--timeout"] {
        assert!(help.find(flag).unwrap() > global, "{flag}: {help}");
    }
    // 28 global options, a dozen of them auth flags (issue 19): one or two lines each.
    assert!(help.lines().count() < 115, "{} lines", help.lines().count());
    let top = stdout(&qod(&["--help"], &[]));
    assert!(top.contains("RUST_LOG"), "{top}");
}

#[test]
fn completions_come_from_the_command_definitions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&qod(&["completions", shell], &[]));
        assert!(script.contains("qod"), "{shell}");
        assert!(
            script.contains("session") && script.contains("base-url"),
            "{shell}"
        );
    }
    assert_eq!(qod(&["completions", "tcsh"], &[]).status.code(), Some(2));
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand_and_parse_where_the_shell_is() {
    let subcommands = [
        "session",
        "assignment",
        "profile",
        "sandbox",
        "completions",
        "create",
        "get",
        "delete",
        "extend",
        "list",
        "wait",
        "retrieve",
        "revoke",
    ];
    for shell in ["zsh", "fish"] {
        let script = stdout(&qod(&["completions", shell], &[]));
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for name in subcommands {
            assert!(script.contains(name), "{shell} names {name}");
        }
        // Checked by the shell itself only where it is installed.
        let file =
            std::env::temp_dir().join(format!("qod-completion-{}.{shell}", std::process::id()));
        std::fs::write(&file, &script).unwrap();
        match Command::new(shell).arg("-n").arg(&file).output() {
            Ok(checked) => assert!(
                checked.status.success(),
                "{shell} -n: {}",
                String::from_utf8_lossy(&checked.stderr)
            ),
            Err(error) => eprintln!("{shell} not checked: {error}"),
        }
        let _ = std::fs::remove_file(&file);
    }
}

/// `qod` with one variable set to raw bytes.
fn with_raw_variable(args: &[&str], name: &str, value: &[u8]) -> Output {
    use std::os::unix::ffi::OsStrExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_qod"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("QOD_") {
            command.env_remove(key);
        }
    }
    command
        .args(args)
        .env("QOD_BASE_URL", "http://127.0.0.1:1/qod/v0")
        .env(name, std::ffi::OsStr::from_bytes(value))
        .output()
        .expect("qod runs")
}

#[test]
fn odd_environment_values_exit_2_with_a_short_message_naming_them() {
    let id = "123e4567-e89b-12d3-a456-426614174000";
    let get = ["session", "get", id];
    // Named by the variable, or (where clap reads the bytes lossily) by the flag.
    for (name, flag) in [
        ("QOD_BASE_URL", "QOD_BASE_URL"),
        ("QOD_CORRELATOR", "QOD_CORRELATOR"),
        ("QOD_TOKEN", "QOD_TOKEN"),
        ("QOD_OUTPUT", "--output"),
        ("QOD_VERBOSE", "QOD_VERBOSE"),
        ("QOD_TIMEOUT", "QOD_TIMEOUT"),
    ] {
        let output = with_raw_variable(&get, name, b"http\xff\xfe");
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(flag),
            "{name}: {}",
            stderr(&output)
        );
    }
    for name in ["QOD_BASE_URL", "QOD_CORRELATOR", "QOD_TOKEN"] {
        let output = with_raw_variable(&get, name, b"\xff");
        assert_eq!(
            stderr(&output).trim_end(),
            format!("error: {name} is not valid UTF-8"),
            "{name}"
        );
    }
    let huge = vec![b'a'; 100_000];
    for name in [
        "QOD_BASE_URL",
        "QOD_CORRELATOR",
        "QOD_TIMEOUT",
        "QOD_OUTPUT",
        "QOD_PROVISIONING_URL",
        "QOD_API_VERSION",
    ] {
        let output = with_raw_variable(&get, name, &huge);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            output.stderr.len() < 4096,
            "{name}: a short message, not {} bytes",
            output.stderr.len()
        );
    }
    for (name, flag) in [
        ("QOD_BASE_URL", "--base-url"),
        ("QOD_PROVISIONING_URL", "--provisioning-url"),
        ("QOD_CORRELATOR", "--correlator"),
        ("QOD_AUTH", "--auth"),
        ("QOD_TIMEOUT", "--timeout"),
    ] {
        let output = with_raw_variable(&get, name, b"");
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(flag),
            "{name}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn the_options_added_last_read_the_environment() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    let output = qod(
        &["profile", "get", "QOS_E"],
        &[
            ("QOD_BASE_URL", &base),
            ("QOD_OUTPUT", "table"),
            ("QOD_VERBOSE", "1"),
            ("QOD_CORRELATOR", "from-the-environment"),
            ("QOD_TIMEOUT", "5"),
            ("QOD_ALLOW_PLAIN_HTTP", "true"),
            ("QOD_API_VERSION", "1"),
            ("QOD_FLAVOR", "camara"),
        ],
    );
    assert!(stdout(&output).starts_with("NAME "), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("x-correlator=from-the-environment"),
        "{}",
        stderr(&output)
    );
    let bad_timeout = qod(
        &["profile", "get", "QOS_E"],
        &[("QOD_BASE_URL", &base), ("QOD_TIMEOUT", "0")],
    );
    assert_eq!(
        bad_timeout.status.code(),
        Some(2),
        "QOD_TIMEOUT is read and checked"
    );
}

#[test]
fn a_flag_the_auth_mode_does_not_use_is_refused_but_its_variable_is_not() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    for (args, says) in [
        (vec!["--token", "t"], "--token is not used with --auth none"),
        (
            vec!["--auth", "bearer", "--token", "t", "--client-id", "a"],
            "--client-id is not used with --auth bearer",
        ),
        (
            vec![
                "--auth",
                "oauth2",
                "--token-url",
                "http://127.0.0.1:1/t",
                "--client-id",
                "a",
                "--client-secret",
                "b",
                "--private-key",
                "key.pem",
            ],
            "--private-key is not used with --auth oauth2",
        ),
    ] {
        let mut all = vec!["--base-url", base.as_str()];
        all.extend_from_slice(&args);
        all.extend(["profile", "list"]);
        let refused = qod(&all, &[]);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&refused).contains(says),
            "{args:?}: {}",
            stderr(&refused)
        );
    }
    assert_eq!(sandbox.stats().requests, 0, "nothing reached the server");
    // Kept for another mode, the variables change nothing.
    let listed = qod(
        &["--base-url", &base, "profile", "list"],
        &[
            ("QOD_TOKEN", "t"),
            ("QOD_CLIENT_ID", "a"),
            ("QOD_CLIENT_SECRET", "b"),
            ("QOD_PRIVATE_KEY_FILE", "key.pem"),
            ("QOD_TOKEN_URL", "http://127.0.0.1:1/t"),
        ],
    );
    assert!(json(&listed).is_array());
    // What a mode needs still comes from its variable.
    let missing = qod(
        &["--base-url", &base, "--auth", "tmobile", "profile", "list"],
        &[("QOD_CLIENT_ID", "a")],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("--private-key FILE is required with --auth tmobile"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_devices_sessions_are_retrieved_by_the_operations_name_only() {
    let help = stdout(&qod(&["session", "--help"], &[]));
    assert!(help.contains("retrieve"), "{help}");
    let old_name = qod(&["session", "list", "--phone", "+14255550100"], &[]);
    assert_eq!(old_name.status.code(), Some(2));
    assert!(
        stderr(&old_name).contains("unrecognized subcommand 'list'"),
        "{}",
        stderr(&old_name)
    );
}
