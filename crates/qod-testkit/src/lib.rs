//! Test support for the qod workspace, never published: one scripted
//! HTTP/1.1 server on loopback, [`TestServer`], for the tests of every crate.
//!
//! The server reads requests over raw sockets, records each one it reads
//! ([`Seen`]) and answers as its handler says ([`Reply`]): answers a
//! well-behaved server sends, and answers none does (stalls, drops, bodies
//! cut short or without end, any bytes at all). It counts TCP connections,
//! and stops by itself when dropped, after a minute, or after a few hundred
//! connections, so that a test cannot leave it running.
//!
//! It knows nothing of qod: helpers that build qod's types stay in each test
//! binary's own support module (a dependency on qod here would give the
//! tests two copies of its types).

#![forbid(unsafe_code)]
// Test support: a failed bind or a poisoned lock fails the test at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server lives at most.
const SERVER_LIFETIME: Duration = Duration::from_secs(60);
/// How many connections a server accepts at most.
const MAX_CONNECTIONS: usize = 500;
/// How long a connection may stay silent before the server closes it.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest request head the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body the server reads.
const MAX_BODY: usize = 1024 * 1024;

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method, as sent.
    pub method: String,
    /// The request target, as sent (path and query).
    pub path: String,
    /// The headers in the order they came, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body, as long as its `content-length` said (up to 1 MiB).
    pub body: Vec<u8>,
    /// Which connection it came on: 1 for the first the server accepted.
    pub connection: usize,
}

impl Seen {
    /// The value of the first header named `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request it read.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with this status, these headers and this body (the server
    /// adds `content-length`), then read the next request.
    Respond {
        /// The status code.
        status: u16,
        /// Headers besides `content-length`.
        headers: Vec<(&'static str, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Write these bytes as they are (a response, part of one, or more than
    /// one), then read the next request.
    Raw(Vec<u8>),
    /// Write these bytes, wait `linger` without reading, then close the
    /// connection without having said so (no `connection: close`): a server
    /// or proxy dropping a keep-alive connection it considers idle while the
    /// client's next request is on its way.
    RawThenClose {
        /// What to write first (may be empty).
        bytes: Vec<u8>,
        /// How long to wait before closing.
        linger: Duration,
    },
    /// Write these bytes (say, a head and part of its body), then say
    /// nothing more until the server is dropped.
    RawThenStall(Vec<u8>),
    /// Say nothing until the server is dropped (or the client gives up).
    Stall,
    /// Close the connection without an answer.
    Drop,
    /// Answer 200 with a JSON content type and `len` bytes of body, written
    /// as the client reads it, then close. With `announce` the length is
    /// announced in `content-length`; without, the body is chunked and only
    /// reading it can tell how large it is. [`TestServer::flooded`] tells how
    /// much of it got out.
    Flood {
        /// How many body bytes to send.
        len: u64,
        /// Whether to announce them in `content-length` (or send them chunked).
        announce: bool,
    },
}

impl Reply {
    /// An answer with this status and nothing else (an empty body).
    pub fn status(status: u16) -> Reply {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// An answer with this status and a JSON body.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A head announcing a JSON body of `announced` bytes, then only `body`,
    /// then the connection closed.
    pub fn cut_short(status: u16, body: &[u8], announced: usize) -> Reply {
        let mut bytes = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n"
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        Reply::RawThenClose {
            bytes,
            linger: Duration::ZERO,
        }
    }
}

/// The bytes of an HTTP/1.1 response with this status, content type and
/// body (and its `content-length`), for [`Reply::Raw`] and the like.
pub fn response(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let headers = [("content-type", content_type)];
    response_bytes(status, &headers, body)
}

/// The bytes of an HTTP/1.1 response with this status and a JSON body.
pub fn json(status: u16, body: &str) -> Vec<u8> {
    response(status, "application/json", body.as_bytes())
}

fn response_bytes(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} X\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A loopback port nothing listens on (it did a moment ago).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;
/// What serves one accepted connection, given its number.
type Connection = dyn Fn(TcpStream, usize, &State) + Send + Sync;

/// What the server and its connections share.
struct State {
    connections: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
    flooded: AtomicU64,
    stop: AtomicBool,
    deadline: Instant,
}

impl State {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || Instant::now() >= self.deadline
    }
}

/// A scripted server on loopback, until it is dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
}

impl TestServer {
    /// A server on a free loopback port that reads HTTP/1.1 requests and
    /// answers each as `handler` says.
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> TestServer {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        TestServer::listen(
            listener,
            Arc::new(move |stream, connection, state| {
                serve_http(stream, connection, state, &*handler);
            }),
        )
    }

    /// A server on a free loopback port that hands each connection, as it
    /// is accepted, to `handler` (for TLS, or bytes that are not HTTP).
    /// Nothing is recorded in [`seen`](TestServer::seen).
    pub fn raw(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        TestServer::listen(listener, Arc::new(move |stream, _, _| handler(stream)))
    }

    /// [`raw`](TestServer::raw) on `addr`, when that address is free (say,
    /// port 80, or 127.0.0.2 where the system routes it to loopback). With
    /// `drop` as the handler, [`connections`](TestServer::connections) tells
    /// whether anything reached it.
    pub fn try_bind_raw(
        addr: &str,
        handler: impl Fn(TcpStream) + Send + Sync + 'static,
    ) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(addr)?;
        Ok(TestServer::listen(
            listener,
            Arc::new(move |stream, _, _| handler(stream)),
        ))
    }

    fn listen(listener: TcpListener, connection: Arc<Connection>) -> TestServer {
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let state = Arc::new(State {
            connections: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            flooded: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            deadline: Instant::now() + SERVER_LIFETIME,
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            while !shared.stopped() && shared.connections.load(Ordering::SeqCst) < MAX_CONNECTIONS {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let number = shared.connections.fetch_add(1, Ordering::SeqCst) + 1;
                        stream.set_nonblocking(false).unwrap();
                        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
                        let (shared, connection) = (shared.clone(), connection.clone());
                        std::thread::spawn(move || connection(stream, number, &shared));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        TestServer { addr, state }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` and its address, then `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// The requests read so far, in the order they were read.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// How many requests read so far had this method and a path ending with
    /// `suffix`.
    pub fn count(&self, method: &str, suffix: &str) -> usize {
        self.state
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == method && s.path.ends_with(suffix))
            .count()
    }

    /// How many body bytes the latest [`Reply::Flood`] got out before the
    /// client stopped reading (or all of them).
    pub fn flooded(&self) -> u64 {
        self.state.flooded.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
    }
}

fn read_request(reader: &mut BufReader<TcpStream>, connection: usize) -> Option<Seen> {
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
        if head.len() > MAX_HEAD {
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
        .min(MAX_BODY);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method: request.method?.to_owned(),
        path: request.path?.to_owned(),
        headers,
        body,
        connection,
    })
}

fn serve_http(stream: TcpStream, connection: usize, state: &State, handler: &Handler) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader, connection) {
        state.seen.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                if writer
                    .write_all(&response_bytes(status, &headers, &body))
                    .is_err()
                {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                if writer.write_all(&bytes).is_err() {
                    return;
                }
            }
            Reply::RawThenClose { bytes, linger } => {
                let _ = writer.write_all(&bytes).and_then(|()| writer.flush());
                std::thread::sleep(linger);
                return;
            }
            Reply::RawThenStall(bytes) => {
                let _ = writer.write_all(&bytes).and_then(|()| writer.flush());
                stall(state);
                return;
            }
            Reply::Stall => {
                stall(state);
                return;
            }
            Reply::Drop => return,
            Reply::Flood { len, announce } => {
                flood(&mut writer, len, announce, &state.flooded);
                return;
            }
        }
    }
}

/// Waits until the server is dropped or its time is up.
fn stall(state: &State) {
    while !state.stopped() {
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn flood(writer: &mut TcpStream, len: u64, announce: bool, flooded: &AtomicU64) {
    let head = if announce {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n"
        )
    } else {
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_owned()
    };
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0u64;
    while sent < len {
        let n = chunk
            .len()
            .min(usize::try_from(len - sent).unwrap_or(usize::MAX));
        let written = if announce {
            writer.write_all(&chunk[..n])
        } else {
            writer
                .write_all(format!("{n:x}\r\n").as_bytes())
                .and_then(|()| writer.write_all(&chunk[..n]))
                .and_then(|()| writer.write_all(b"\r\n"))
        };
        if written.is_err() {
            return;
        }
        sent += n as u64;
        flooded.store(sent, Ordering::SeqCst);
    }
    if !announce {
        let _ = writer.write_all(b"0\r\n\r\n");
    }
}
