//! Running the `qod` command in the tests, and a server for the one answer
//! no sandbox gives.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use qod_testkit::{Reply, TestServer};
use serde_json::Value;

/// Runs `qod` with `args` and `env`, and none of the caller's `QOD_`
/// variables or `RUST_LOG`.
pub fn qod(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qod"));
    command.args(args).env_remove("RUST_LOG");
    // Every option reads a QOD_ variable: none of the caller's may leak in.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("QOD_") {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("qod runs")
}

/// `qod` against `base` with `args` after the base URL.
pub fn against(base: &str, args: &[&str]) -> Output {
    let mut all = vec!["--base-url", base];
    all.extend_from_slice(args);
    qod(&all, &[])
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Stdout as JSON, after checking that `qod` succeeded.
pub fn json(output: &Output) -> Value {
    assert!(output.status.success(), "qod failed: {}", stderr(output));
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// A server that answers its first request with a 201 whose body is
/// `body`, closing the connection, and closes any later one unanswered.
pub fn one_answer_server(body: &'static str) -> TestServer {
    let answer = format!(
        "HTTP/1.1 201 Created\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let answered = AtomicBool::new(false);
    TestServer::start(move |_| {
        if answered.swap(true, Ordering::SeqCst) {
            return Reply::Drop;
        }
        Reply::RawThenClose {
            bytes: answer.clone().into_bytes(),
            linger: Duration::ZERO,
        }
    })
}
