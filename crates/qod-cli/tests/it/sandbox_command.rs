//! `qod sandbox` as a user runs it: every auth mode from the client's flags
//! and environment variables, with the client (`qod`) against it; the
//! combinations it refuses; and a sandbox out of file descriptors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long anything a test waits for may take before it counts as a hang.
const PATIENCE: Duration = Duration::from_secs(20);

/// The `QOD_*` variables a developer's shell may hold, removed so that each
/// test says what it sets.
const QOD_VARIABLES: [&str; 21] = [
    "QOD_BASE_URL",
    "QOD_AUTH",
    "QOD_TOKEN",
    "QOD_CLIENT_ID",
    "QOD_CLIENT_SECRET",
    "QOD_PRIVATE_KEY_FILE",
    "QOD_CLIENT_PUBLIC_KEY_FILE",
    "QOD_TOKEN_URL",
    "QOD_API_VERSION",
    "QOD_LOGIN_HINT",
    "QOD_SUBJECT",
    "QOD_CLIENT_AUTH",
    "QOD_CLIENT_KEY_FILE",
    "QOD_CLIENT_KEY_ID",
    "QOD_SCOPE",
    "QOD_PURPOSE",
    "QOD_OPENID_CONFIG",
    "QOD_BC_AUTHORIZE_URL",
    "QOD_API_KEY_HEADER",
    "QOD_API_KEY",
    "QOD_HEADER",
];

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qod"));
    command.args(args);
    for name in QOD_VARIABLES {
        command.env_remove(name);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

fn qod(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("qod runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "qod failed: {}", stderr(output));
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// A `qod sandbox` process and the URLs it printed.
struct Running {
    child: Child,
    urls: Vec<String>,
}

impl Running {
    /// Starts `qod sandbox` with `args` and reads the `lines` URLs it prints.
    fn start(program: Command, lines: usize) -> Running {
        let mut program = program;
        let mut child = program
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if sender.send(line.unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut running = Running {
            child,
            urls: Vec::new(),
        };
        for _ in 0..lines {
            let url = receiver
                .recv_timeout(PATIENCE)
                .expect("qod sandbox prints its URLs");
            running.urls.push(url);
        }
        running
    }

    fn url(&self, suffix: &str) -> &str {
        self.urls
            .iter()
            .find(|u| u.ends_with(suffix))
            .unwrap_or_else(|| panic!("no URL ending {suffix} in {:?}", self.urls))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox(args: &[&str], env: &[(&str, &str)], lines: usize) -> Running {
    let mut all = vec!["sandbox", "--addr", "127.0.0.1:0"];
    all.extend_from_slice(args);
    Running::start(command(&all, env), lines)
}

/// A fresh directory for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qod-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl must be installed to run the TAAP tests");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn bearer_from_flags() {
    let running = sandbox(&["--auth", "bearer", "--token", "sandbox-bearer-1"], &[], 4);
    assert_eq!(running.urls.len(), 4, "no token URL in bearer mode");
    assert!(running.urls[3].ends_with("/qos-provisioning/v0.3"));
    let base = running.url("/quality-on-demand/v1");
    let profile = json(&qod(
        &[
            "--base-url",
            base,
            "--auth",
            "bearer",
            "--token",
            "sandbox-bearer-1",
            "profile",
            "get",
            "QOS_E",
        ],
        &[],
    ));
    assert_eq!(profile["name"], "QOS_E");
    let refused = qod(&["--base-url", base, "profile", "get", "QOS_E"], &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("401"), "{}", stderr(&refused));
}

#[test]
fn async_revoke_answers_202_and_ends_the_assignment_later() {
    let running = sandbox(
        &["--available-after-ms", "0", "--async-revoke-ms", "200"],
        &[],
        4,
    );
    let base = running.url("/quality-on-demand/v1");
    let assignment = |args: &[&str]| {
        let mut all = vec!["--base-url", base, "assignment"];
        all.extend_from_slice(args);
        qod(&all, &[])
    };
    let created = json(&assignment(&[
        "create",
        "--phone",
        "+14255550100",
        "--profile",
        "QOS_L",
    ]));
    let id = created["assignmentId"].as_str().unwrap().to_owned();
    let started = Instant::now();
    while json(&assignment(&["get", &id]))["status"] != "AVAILABLE" {
        assert!(started.elapsed() < PATIENCE, "never AVAILABLE");
        std::thread::sleep(Duration::from_millis(50));
    }
    let revoked = assignment(&["revoke", &id]);
    assert!(
        stderr(&revoked).contains("revoke accepted"),
        "{}",
        stderr(&revoked)
    );
    let accepted = json(&revoked);
    assert_eq!(accepted["status"], "AVAILABLE");
    assert_eq!(accepted["statusInfo"], "DELETE_REQUESTED");
    while json(&assignment(&["get", &id]))["status"] != "UNAVAILABLE" {
        assert!(started.elapsed() < PATIENCE, "never UNAVAILABLE");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn oauth2_from_the_environment_the_client_reads_too() {
    let env = [
        ("QOD_AUTH", "oauth2"),
        ("QOD_CLIENT_ID", "sandbox-client"),
        ("QOD_CLIENT_SECRET", "sandbox-secret"),
    ];
    let running = sandbox(&[], &env, 5);
    let token_url = running.urls[4].clone();
    assert!(token_url.ends_with("/oauth/token"), "{token_url}");
    let base = running.url("/quality-on-demand/v1").to_owned();
    let created = json(&qod(
        &[
            "--base-url",
            &base,
            "--token-url",
            &token_url,
            "session",
            "create",
            "--phone",
            "+14255550700",
            "--profile",
            "QOS_E",
            "--duration",
            "600",
            "--app-server-ipv4",
            "198.51.100.1",
        ],
        &env,
    ));
    assert_eq!(created["qosStatus"], "REQUESTED");
    let wrong_secret = qod(
        &[
            "--base-url",
            &base,
            "--token-url",
            &token_url,
            "profile",
            "get",
            "QOS_E",
        ],
        &[
            ("QOD_AUTH", "oauth2"),
            ("QOD_CLIENT_ID", "sandbox-client"),
            ("QOD_CLIENT_SECRET", "not-the-secret"),
        ],
    );
    assert_eq!(wrong_secret.status.code(), Some(1));
    assert!(
        stderr(&wrong_secret).contains("invalid_client"),
        "{}",
        stderr(&wrong_secret)
    );
}

/// README's offline CAMARA flows: `qod sandbox --auth openid` given the
/// public half of a P-256 key made with openssl, the client CIBA (found by
/// discovery) and JWT Bearer (at the token URL it printed) with the
/// private half; no device flag, the token names the device.
#[test]
fn openid_serves_ciba_and_jwt_bearer_to_the_client_with_a_key_made_by_openssl() {
    let dir = scratch("openid");
    let private = dir.join("client.key.pem");
    let public = dir.join("client.pub.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        path(&private),
    ]);
    openssl(&[
        "pkey",
        "-in",
        path(&private),
        "-pubout",
        "-out",
        path(&public),
    ]);
    let running = sandbox(
        &["--client-public-key", path(&public)],
        &[("QOD_AUTH", "openid"), ("QOD_CLIENT_ID", "demo")],
        6,
    );
    let discovery = running.url("/.well-known/openid-configuration").to_owned();
    let token_url = running.url("/oauth2/token").to_owned();
    let base = running.url("/quality-on-demand/v1").to_owned();
    let create = [
        "session",
        "create",
        "--profile",
        "QOS_E",
        "--duration",
        "600",
        "--app-server-ipv4",
        "198.51.100.1",
    ];
    let client = [
        ("QOD_BASE_URL", base.as_str()),
        ("QOD_CLIENT_ID", "demo"),
        ("QOD_CLIENT_KEY_FILE", path(&private)),
    ];
    let mut ciba = vec![
        "--auth",
        "ciba",
        "--login-hint",
        "tel:+14255550701",
        "--openid-config",
        &discovery,
    ];
    ciba.extend_from_slice(&create);
    let created = json(&qod(&ciba, &client));
    assert_eq!(created["qosStatus"], "REQUESTED");
    assert!(created.get("device").is_none(), "{created}");
    let mut jwt_bearer = vec![
        "--auth",
        "jwt-bearer",
        "--subject",
        "tel:+14255550702",
        "--token-url",
        &token_url,
    ];
    jwt_bearer.extend_from_slice(&create);
    let created = json(&qod(&jwt_bearer, &client));
    assert_eq!(created["qosStatus"], "REQUESTED");

    // The sandbox itself serves these modes only as --auth openid.
    for mode in ["ciba", "jwt-bearer"] {
        let refused = qod(&["--auth", mode, "sandbox", "--addr", "127.0.0.1:0"], &[]);
        assert_eq!(refused.status.code(), Some(2));
        assert!(
            stderr(&refused).contains("qod sandbox serves it with --auth openid"),
            "{}",
            stderr(&refused)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's offline T-Mobile flow: a key pair made with openssl, the
/// sandbox given the public half, the client the private one.
#[test]
fn tmobile_with_a_key_pair_made_by_openssl() {
    let dir = scratch("tmobile");
    let key = dir.join("client.key.pem");
    let spki = dir.join("client.pub.pem");
    let pkcs1 = dir.join("client.rsapub.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        path(&key),
    ]);
    openssl(&["pkey", "-in", path(&key), "-pubout", "-out", path(&spki)]);
    openssl(&[
        "rsa",
        "-in",
        path(&key),
        "-RSAPublicKey_out",
        "-out",
        path(&pkcs1),
    ]);

    for public in [&spki, &pkcs1] {
        let running = sandbox(
            &[
                "--auth",
                "tmobile",
                "--client-id",
                "demo-client",
                "--client-secret",
                "demo-secret",
                "--client-public-key",
                path(public),
            ],
            &[],
            5,
        );
        assert!(
            running.urls[4].ends_with("/oauth2/v2/tokens"),
            "{:?}",
            running.urls
        );
        let base = running.url("/qod/v0").to_owned();
        let client = |args: &[&str]| {
            let mut all = vec![
                "--base-url",
                &base,
                "--auth",
                "tmobile",
                "--client-id",
                "demo-client",
                "--client-secret",
                "demo-secret",
                "--private-key",
                path(&key),
            ];
            all.extend_from_slice(args);
            qod(&all, &[])
        };
        let created = json(&client(&[
            "session",
            "create",
            "--phone",
            "14255550701",
            "--profile",
            "QOS_VC",
            "--duration",
            "600",
        ]));
        assert_eq!(created["qosStatus"], "AVAILABLE", "as T-Mobile answers");
        let id = created["sessionId"].as_str().unwrap();
        assert_eq!(
            json(&client(&["session", "get", id]))["qosStatus"],
            "AVAILABLE"
        );
        let deleted = client(&["session", "delete", id]);
        assert!(deleted.status.success(), "{}", stderr(&deleted));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unusable_combinations_exit_2() {
    let dir = scratch("refused");
    let private = dir.join("private.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        path(&private),
    ]);
    let private = path(&private);
    let missing = path(&dir.join("no-such-file.pem")).to_owned();
    for (args, env, says) in [
        (vec!["--auth", "bearer"], vec![], "--token is required"),
        (
            vec!["--auth", "bearer", "--token", ""],
            vec![],
            "must not be empty",
        ),
        (
            vec!["--token", "t"],
            vec![],
            "--token (QOD_TOKEN) is not used",
        ),
        (
            vec![],
            vec![("QOD_TOKEN", "t")],
            "--token (QOD_TOKEN) is not used",
        ),
        (
            vec!["--auth", "oauth2", "--client-id", "a"],
            vec![],
            "--client-secret is required",
        ),
        (
            vec![
                "--auth",
                "oauth2",
                "--client-id",
                "a",
                "--client-secret",
                "b",
                "--token",
                "t",
            ],
            vec![],
            "is not used",
        ),
        (
            vec![
                "--auth",
                "tmobile",
                "--client-id",
                "a",
                "--client-secret",
                "b",
            ],
            vec![],
            "--client-public-key FILE is required",
        ),
        (
            vec![
                "--auth",
                "tmobile",
                "--client-id",
                "a",
                "--client-secret",
                "b",
                "--client-public-key",
                private,
            ],
            vec![],
            "this is a private key",
        ),
        (
            vec![
                "--auth",
                "tmobile",
                "--client-id",
                "a",
                "--client-secret",
                "b",
                "--client-public-key",
                &missing,
            ],
            vec![],
            "no-such-file.pem",
        ),
        (
            vec![
                "--auth",
                "tmobile",
                "--client-id",
                "a",
                "--client-secret",
                "b",
                "--private-key",
                private,
            ],
            vec![],
            "--client-public-key",
        ),
        (
            vec!["--client-public-key", private],
            vec![],
            "is not used by qod sandbox --auth none",
        ),
        (
            vec![
                "--auth",
                "oauth2",
                "--client-id",
                "a",
                "--client-secret",
                "b",
                "--token-url",
                "http://127.0.0.1:1/t",
            ],
            vec![],
            "its own token URL",
        ),
        (vec!["--max-sessions", "0"], vec![], "max-sessions"),
        (
            vec!["--async-revoke-ms", "3600001"],
            vec![],
            "async-revoke-ms",
        ),
    ] {
        let mut all = vec!["sandbox", "--addr", "127.0.0.1:0"];
        all.extend_from_slice(&args);
        let started = Instant::now();
        let output = qod(&all, &env);
        assert!(
            started.elapsed() < PATIENCE,
            "{args:?}: it should not serve"
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?} {env:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?} {env:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}: no URLs printed");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// CPU seconds a process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    let per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    ticks / per_second
}

#[test]
fn out_of_file_descriptors_it_backs_off_instead_of_spinning() {
    // A sandbox allowed 32 open files, and more connections than that.
    let mut shell = Command::new("sh");
    shell.args([
        "-c",
        r#"ulimit -n 32 && exec "$0" "$@""#,
        env!("CARGO_BIN_EXE_qod"),
        "sandbox",
        "--addr",
        "127.0.0.1:0",
    ]);
    for name in QOD_VARIABLES {
        shell.env_remove(name);
    }
    let running = Running::start(shell, 4);
    let base = running.url("/qos-profiles/v1").to_owned();
    let address = base
        .trim_start_matches("http://")
        .trim_end_matches("/qos-profiles/v1")
        .to_owned();
    let held: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let pid = running.child.id();
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_seconds(pid) - before;
    // Spinning on accept would burn a whole core: about 2 s of CPU.
    assert!(
        used < 1.0,
        "{used:.2} s of CPU in 2 s while out of descriptors"
    );

    // Once connections go, it serves again.
    drop(held);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let output = qod(
            &[
                "--base-url",
                &base,
                "--timeout",
                "5",
                "profile",
                "get",
                "QOS_E",
            ],
            &[],
        );
        if output.status.success() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never served again: {}",
            stderr(&output)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What `qod sandbox --addr addr` prints on stderr up to its "serving" line.
fn start_up_lines(addr: &str) -> Vec<String> {
    let mut child = command(&["sandbox", "--addr", addr], &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let serving = line.contains("serving");
            if sender.send(line).is_err() || serving {
                return;
            }
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = receiver.recv_timeout(PATIENCE) {
        let serving = line.contains("serving");
        lines.push(line);
        if serving {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        lines.last().is_some_and(|line| line.contains("serving")),
        "{addr}: {lines:?}"
    );
    lines
}

#[test]
fn listening_beyond_loopback_is_warned_of() {
    let everywhere = start_up_lines("0.0.0.0:0");
    assert_eq!(everywhere.len(), 2, "{everywhere:?}");
    assert!(
        everywhere[0].starts_with("warning: qod sandbox listens on 0.0.0.0:")
            && everywhere[0].contains("no real security"),
        "{everywhere:?}"
    );
    let loopback = start_up_lines("127.0.0.1:0");
    assert_eq!(loopback.len(), 1, "no warning on loopback: {loopback:?}");
}
