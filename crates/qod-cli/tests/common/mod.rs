//! Running the `qod` command in the tests, and a server for the one answer
//! no sandbox gives.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

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

/// A server that answers one request with a 201 whose body is `body`, and
/// the base URL `http://…{base_path}` to reach it.
pub fn one_answer_server(body: &'static str, base_path: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut request_body = vec![0; length];
        reader.read_exact(&mut request_body).unwrap();
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        reader.get_mut().write_all(answer.as_bytes()).unwrap();
    });
    format!("http://{address}{base_path}")
}
