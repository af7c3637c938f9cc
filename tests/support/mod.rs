//! A scripted HTTP/1.1 server on loopback for transport tests: it counts
//! connections and requests and can answer, stall, drop or flood.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};

/// A device known by its phone number.
pub fn phone(number: &str) -> Device {
    Device::with_phone_number(PhoneNumber::parse(number).unwrap())
}

/// A create request for `device` with `profile` and `seconds`, to the test application server.
pub fn session_request(device: Device, profile: &str, seconds: u32) -> CreateSession {
    CreateSession::new(device, QosProfileName::parse(profile).unwrap())
        .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse().unwrap()))
        .with_duration(seconds)
}

/// A QOS_E request for the device with phone `number`.
pub fn phone_session(number: &str, seconds: u32) -> CreateSession {
    session_request(phone(number), "QOS_E", seconds)
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub connection: usize,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
pub enum Action {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then say nothing until the client gives up.
    Stall,
    /// Read the request, then close the connection without answering.
    Drop,
    /// Answer 200 with a body of `len` bytes, written in chunks as it goes.
    Stream { len: u64 },
    /// Answer, wait `after` without reading, then close the connection
    /// without having said so (no `connection: close`): a server or proxy
    /// dropping a keep-alive connection it considers idle while the next
    /// request is on its way.
    RespondThenClose {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        after: Duration,
    },
    /// Announce a `content-length` of `announced`, send only `body`, close.
    CutShort {
        status: u16,
        body: Vec<u8>,
        announced: usize,
    },
}

impl Action {
    pub fn json(status: u16, body: &str) -> Action {
        Action::Respond {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Action + Send + Sync;

pub struct TestServer {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    pub fn start(handler: impl Fn(&Seen) -> Action + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (connections, requests, stop) =
                (connections.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let id = connections.fetch_add(1, Ordering::SeqCst) + 1;
                    let (requests, handler, stop) =
                        (requests.clone(), handler.clone(), stop.clone());
                    std::thread::spawn(move || serve(stream, id, &requests, &*handler, &stop));
                }
            });
        }
        TestServer {
            addr,
            connections,
            requests,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
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
        .map_or(0, |(_, v)| v.parse::<usize>().unwrap_or(0));
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

fn serve(
    stream: TcpStream,
    connection: usize,
    requests: &Mutex<Vec<Seen>>,
    handler: &Handler,
    stop: &AtomicBool,
) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some(seen) = read_request(&mut reader, connection) {
        requests.lock().unwrap().push(seen.clone());
        match handler(&seen) {
            Action::CutShort {
                status,
                body,
                announced,
            } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n"
                );
                let _ = writer
                    .write_all(head.as_bytes())
                    .and_then(|()| writer.write_all(&body))
                    .and_then(|()| writer.flush());
                return;
            }
            Action::RespondThenClose {
                status,
                headers,
                body,
                after,
            } => {
                let _ = write_response(&mut writer, status, headers, &body);
                std::thread::sleep(after);
                return;
            }
            Action::Respond {
                status,
                headers,
                body,
            } => {
                if write_response(&mut writer, status, headers, &body).is_err() {
                    return;
                }
            }
            Action::Stall => {
                while !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return;
            }
            Action::Drop => return,
            Action::Stream { len } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n"
                );
                if writer.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut left = len;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if writer.write_all(&chunk[..n]).is_err() {
                        return;
                    }
                    left -= n as u64;
                }
            }
        }
    }
}

fn write_response(
    writer: &mut TcpStream,
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    writer.write_all(body)
}

/// A port on loopback where nothing listens.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Answers every request (a token for a path ending in `/token`, 201 with
/// `session` to a POST, 200 with it otherwise), then drops the connection
/// 3 ms later without reading what arrived meanwhile, as proxies that close
/// idle keep-alive connections do.
pub fn dropping_server(session: String) -> TestServer {
    TestServer::start(move |seen| {
        let (status, body) = if seen.path.ends_with("/token") {
            (
                200,
                r#"{"access_token":"tok-1234567890","token_type":"Bearer","expires_in":3600}"#
                    .to_owned(),
            )
        } else if seen.method == "POST" {
            (201, session.clone())
        } else {
            (200, session.clone())
        };
        Action::RespondThenClose {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.into_bytes(),
            after: Duration::from_millis(3),
        }
    })
}
