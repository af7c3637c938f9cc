//! `qod session run` and `qod session keep` against the sandbox: the QoS
//! held while a command runs, and deleted on every way out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::support::{qod, stderr};
use qod_sandbox::{LifecycleCounts, Sandbox, SandboxConfig};

const PHONE: &str = "+14255550123";

/// A sandbox whose sessions are AVAILABLE after 100 ms and whose QOS_E
/// lasts at most `max` seconds.
fn sandbox(max: u32) -> Sandbox {
    Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(100),
        max_durations: vec![("QOS_E".to_owned(), max)],
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn counts(sandbox: &Sandbox) -> LifecycleCounts {
    sandbox
        .lifecycle_counts()
        .remove("anonymous")
        .unwrap_or_default()
}

fn hold_args<'a>(base: &'a str, verb: &'a str, duration: &'a str) -> Vec<&'a str> {
    vec![
        "--base-url",
        base,
        "session",
        verb,
        "--phone",
        PHONE,
        "--profile",
        "QOS_E",
        "--duration",
        duration,
        "--app-server-ipv4",
        "198.51.100.7",
        "--poll",
        "1",
    ]
}

/// Starts `qod` with `args`; its stderr lines arrive on the channel.
fn spawn(args: &[&str]) -> (Child, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qod"))
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stderr.take().unwrap());
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    (child, receiver)
}

/// Waits for a line containing `needle`, and returns it and all before.
fn wait_for(lines: &Receiver<String>, needle: &str, seen: &mut Vec<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Ok(line) = lines.recv_timeout(left) {
            seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }
    panic!("no line with {needle:?} in {seen:#?}");
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// The session id a `qod: session <id> created: …` line names.
fn created_id(line: &str) -> String {
    line.split_whitespace().nth(2).unwrap().to_owned()
}

#[test]
fn a_run_longer_than_the_profile_allows_is_renewed_and_deleted_at_the_end() {
    let sandbox = sandbox(2);
    let base = sandbox.v1_url();
    let mut args = hold_args(&base, "run", "2");
    args.extend(["--", "sleep", "3"]);
    let output = qod(&args, &[]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("reached the profile's maxDuration (2 s)"),
        "{text}"
    );
    let counts = counts(&sandbox);
    // Held 3 s on sessions of at most 2 s: replaced before each expiry, and
    // each one deleted.
    assert!(counts.session_creates >= 2, "{counts:?}\n{text}");
    assert_eq!(counts.session_creates, counts.session_deletes, "{text}");
    assert!(text.contains("QoS released"), "{text}");
}

#[test]
fn a_failing_command_passes_its_status_through_and_the_session_is_still_deleted() {
    let sandbox = sandbox(3600);
    let base = sandbox.v1_url();
    let mut args = hold_args(&base, "run", "60");
    args.extend(["--", "sh", "-c", "exit 7"]);
    let output = qod(&args, &[]);
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    let counts = counts(&sandbox);
    assert_eq!((counts.session_creates, counts.session_deletes), (1, 1));
}

#[test]
fn sigterm_to_qod_reaches_the_command_and_still_ends_in_a_delete() {
    let sandbox = sandbox(3600);
    let base = sandbox.v1_url();
    let mut args = hold_args(&base, "run", "60");
    args.extend(["--", "sleep", "30"]);
    let (mut child, lines) = spawn(&args);
    let mut seen = Vec::new();
    wait_for(&lines, "running sleep 30", &mut seen);
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    // sleep died of the SIGTERM handed on: 128 + 15.
    assert_eq!(status.code(), Some(143), "{seen:#?}");
    let counts = counts(&sandbox);
    assert_eq!((counts.session_creates, counts.session_deletes), (1, 1));
}

#[test]
fn keep_holds_until_interrupted_then_deletes() {
    let sandbox = sandbox(3600);
    let base = sandbox.v1_url();
    let (mut child, lines) = spawn(&hold_args(&base, "keep", "60"));
    let mut seen = Vec::new();
    wait_for(&lines, "until interrupted", &mut seen);
    signal(&child, "INT");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{seen:#?}");
    let counts = counts(&sandbox);
    assert_eq!((counts.session_creates, counts.session_deletes), (1, 1));
}

#[test]
fn a_network_termination_mid_run_is_deleted_and_created_again() {
    let sandbox = sandbox(3600);
    let base = sandbox.v1_url();
    let mut args = hold_args(&base, "run", "60");
    args.extend(["--", "sleep", "5"]);
    let (mut child, lines) = spawn(&args);
    let mut seen = Vec::new();
    let created = wait_for(&lines, "created:", &mut seen);
    wait_for(&lines, "AVAILABLE", &mut seen);
    assert!(sandbox.terminate_session(&created_id(&created)));
    wait_for(&lines, "NETWORK_TERMINATED", &mut seen);
    wait_for(&lines, "created:", &mut seen);
    let status = child.wait().unwrap();
    assert!(status.success(), "{seen:#?}");
    let counts = counts(&sandbox);
    assert_eq!(counts.session_creates, 2, "{seen:#?}");
    assert_eq!(counts.session_deletes, 2, "the remnant, then the last");
}

#[test]
fn a_sweep_deletes_what_a_killed_run_left_behind() {
    let sandbox = sandbox(3600);
    let base = sandbox.v1_url();
    let mut args = hold_args(&base, "run", "60");
    args.extend(["--", "sleep", "30"]);
    let (mut child, lines) = spawn(&args);
    let mut seen = Vec::new();
    let created = wait_for(&lines, "created:", &mut seen);
    signal(&child, "KILL");
    child.wait().unwrap();
    assert_eq!(
        counts(&sandbox).session_deletes,
        0,
        "a killed run deletes nothing"
    );
    let mut again = hold_args(&base, "run", "60");
    again.extend(["--sweep", "delete", "--", "true"]);
    let output = qod(&again, &[]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "session {} left behind: deleted",
            created_id(&created)
        )),
        "{text}"
    );
    let counts = counts(&sandbox);
    assert_eq!((counts.session_creates, counts.session_deletes), (2, 2));
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let sandbox = sandbox(30);
    let base = sandbox.v1_url();
    let mut no_command = hold_args(&base, "run", "10");
    no_command.push("--");
    let output = qod(&no_command, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("after --"), "{}", stderr(&output));

    let mut zero = hold_args(&base, "run", "10");
    zero.extend(["--max-total", "0", "--", "true"]);
    assert_eq!(qod(&zero, &[]).status.code(), Some(2));

    // Past the profile's maxDuration (30 s): learnt from the profile, and no
    // session is created.
    let mut long = hold_args(&base, "run", "60");
    long.extend(["--", "true"]);
    let output = qod(&long, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("maxDuration, 30 s"),
        "{}",
        stderr(&output)
    );
    assert_eq!(counts(&sandbox).session_creates, 0);
}
