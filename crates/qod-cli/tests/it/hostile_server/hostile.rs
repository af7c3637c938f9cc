//! A runner for the `qod` command that bounds its time, and what the
//! hostile-server cases need besides their servers (qod-testkit's).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a `qod` run may take before it is killed and the test fails.
pub const RUN_BOUND: Duration = Duration::from_secs(20);

/// One run of the `qod` command.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// stdout and stderr together.
    pub fn all_output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Where a run's stdout or stderr goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// A pipe the test reads.
    Piped,
    /// `/dev/null`, opened write-only as a shell's `>/dev/null` does.
    Null,
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
    /// A pipe whose reader has closed it: every write fails with EPIPE.
    ReaderGone,
    /// Closed when qod starts (`>&-`, through `sh`).
    Closed,
}

impl Stream {
    fn stdio(self) -> Stdio {
        match self {
            Stream::Piped => Stdio::piped(),
            Stream::Null => Stdio::null(),
            Stream::Full => std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap()
                .into(),
            Stream::ReaderGone => {
                let (reader, writer) = std::io::pipe().unwrap();
                drop(reader);
                writer.into()
            }
            // `sh` closes it; it gets this one.
            Stream::Closed => Stdio::null(),
        }
    }
}

/// Runs `qod` with `args` and `env` (and no QOD_* variables from the
/// caller's environment); kills it and fails the test past [`RUN_BOUND`].
pub fn qod(args: &[&str], env: &[(&str, &str)]) -> Run {
    qod_writing_to(args, env, Stream::Piped, Stream::Piped)
}

/// [`qod`] with its stdout and stderr going where they say; a stream that
/// is not piped reads as empty in the [`Run`].
pub fn qod_writing_to(args: &[&str], env: &[(&str, &str)], out: Stream, err: Stream) -> Run {
    let program = env!("CARGO_BIN_EXE_qod");
    let mut command = if out == Stream::Closed || err == Stream::Closed {
        let mut script = "exec \"$0\" \"$@\"".to_owned();
        if out == Stream::Closed {
            script.push_str(" >&-");
        }
        if err == Stream::Closed {
            script.push_str(" 2>&-");
        }
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(script).arg(program);
        sh
    } else {
        Command::new(program)
    };
    command.args(args).stdin(Stdio::null());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("QOD_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let started = Instant::now();
    let mut child = command
        .stdout(out.stdio())
        .stderr(err.stdio())
        .spawn()
        .expect("qod runs");
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let read_all = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = read_all(stdout.map(|s| Box::new(s) as Box<dyn Read + Send>));
    let err = read_all(stderr.map(|s| Box::new(s) as Box<dyn Read + Send>));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > RUN_BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("qod {args:?} ran longer than {RUN_BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed,
    }
}

/// A directory for this test's files, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("qod-hostile-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs openssl with `args`, failing the test when it fails.
pub fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether any 16-character stretch of `secret` shows in `text`: a trace
/// hex dump prints 16 bytes a row, so a whole secret never shows on one
/// line, but a secret of 31 characters or more always fills one row.
pub fn leaks(text: &str, secret: &str) -> bool {
    assert!(
        secret.len() >= 31,
        "canaries must be long enough to fill a row"
    );
    let bytes = secret.as_bytes();
    (0..=bytes.len() - 16).any(|start| {
        std::str::from_utf8(&bytes[start..start + 16]).is_ok_and(|window| text.contains(window))
    })
}
