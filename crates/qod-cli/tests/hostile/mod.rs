//! A hostile HTTP/1.1 server on loopback, written with raw sockets, and a
//! runner for the `qod` command that bounds its time.
//!
//! The server counts TCP connections and requests, answers as its handler
//! says (including answers no well-behaved server sends), and stops by
//! itself after a minute or a few hundred connections, so a test cannot
//! leave it running.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server lives at most.
const SERVER_LIFETIME: Duration = Duration::from_secs(60);
/// How many connections a server accepts at most.
const MAX_CONNECTIONS: usize = 500;
/// How long a `qod` run may take before it is killed and the test fails.
pub const RUN_BOUND: Duration = Duration::from_secs(20);

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does after reading a request.
pub enum Reply {
    /// Write these bytes and wait for the next request.
    Keep(Vec<u8>),
    /// Write these bytes, wait `linger` without reading, then close without
    /// a `connection: close`: a server dropping a keep-alive connection it
    /// considers idle while the client's next request is on its way.
    CloseAfter(Vec<u8>, Duration),
}

/// An HTTP response with a JSON body (or any body) and its length.
pub fn response(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON response.
pub fn json(status: u16, body: &str) -> Vec<u8> {
    response(status, "application/json", body.as_bytes())
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;
type RawHandler = dyn Fn(TcpStream) + Send + Sync;
/// What serves one accepted connection, recording requests in the list.
type Connection = dyn Fn(TcpStream, &Mutex<Vec<Seen>>) + Send + Sync;

pub struct HostileServer {
    pub addr: SocketAddr,
    accepts: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl HostileServer {
    /// A server that reads HTTP requests and answers as `handler` says.
    pub fn http(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        Self::start(move |stream, seen| serve_http(stream, seen, &*handler))
    }

    /// A server that hands each connection to `handler` as it is accepted.
    pub fn raw(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> Self {
        let handler: Arc<RawHandler> = Arc::new(handler);
        Self::start(move |stream, _| handler(stream))
    }

    /// A server bound to `addr`, when that address is free (e.g. port 80).
    pub fn try_bind_raw(addr: &str) -> Option<Self> {
        let listener = TcpListener::bind(addr).ok()?;
        Some(Self::with_listener(listener, Arc::new(|_, _| {})))
    }

    fn start(connection: impl Fn(TcpStream, &Mutex<Vec<Seen>>) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        Self::with_listener(listener, Arc::new(connection))
    }

    fn with_listener(listener: TcpListener, connection: Arc<Connection>) -> Self {
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let accepts = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (accepts, seen, stop) = (accepts.clone(), seen.clone(), stop.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + SERVER_LIFETIME;
                while !stop.load(Ordering::SeqCst)
                    && Instant::now() < deadline
                    && accepts.load(Ordering::SeqCst) < MAX_CONNECTIONS
                {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            accepts.fetch_add(1, Ordering::SeqCst);
                            stream.set_nonblocking(false).unwrap();
                            stream
                                .set_read_timeout(Some(Duration::from_secs(5)))
                                .unwrap();
                            let (seen, connection) = (seen.clone(), connection.clone());
                            std::thread::spawn(move || connection(stream, &seen));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
            });
        }
        HostileServer {
            addr,
            accepts,
            seen,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// TCP connections accepted so far.
    pub fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }

    /// Requests read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests read so far with this method whose path ends with `suffix`.
    pub fn count(&self, method: &str, suffix: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.path.ends_with(suffix))
            .count()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    request.parse(&head).ok()?;
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse::<usize>().unwrap_or(0))
        .min(1024 * 1024);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method: request.method?.to_owned(),
        path: request.path?.to_owned(),
        headers,
        body,
    })
}

fn serve_http(stream: TcpStream, seen: &Mutex<Vec<Seen>>, handler: &Handler) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        seen.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Keep(bytes) => {
                if writer.write_all(&bytes).is_err() {
                    return;
                }
            }
            Reply::CloseAfter(bytes, linger) => {
                let _ = writer.write_all(&bytes);
                std::thread::sleep(linger);
                return;
            }
        }
    }
}

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
