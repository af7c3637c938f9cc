//! A scripted HTTP/1.1 server on loopback over raw sockets: it records what
//! it saw and can answer, stall, drop or flood.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the server saw it.
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

/// What the server does with a request.
pub enum Reply {
    /// Answers with this status, headers and body (content-length added).
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Sends `len` bytes of body, chunked (no content-length) or announced,
    /// until done or the client goes away.
    Flood { len: u64, announce: bool },
    /// Never answers (for a while).
    Stall,
    /// Sends the head and part of the body, then nothing more (for a while).
    StallInBody,
    /// Closes the connection without an answer.
    Drop,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// The server, until the test ends.
pub struct TestServer {
    address: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Connections accepted.
    pub connections: Arc<AtomicUsize>,
    /// Body bytes a flood got out before the client stopped reading.
    pub flooded: Arc<AtomicU64>,
}

impl TestServer {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let server = TestServer {
            address,
            seen: Arc::default(),
            connections: Arc::default(),
            flooded: Arc::default(),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let (seen, connections, flooded) = (
            server.seen.clone(),
            server.connections.clone(),
            server.flooded.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                connections.fetch_add(1, Ordering::SeqCst);
                let (handler, seen, flooded) = (handler.clone(), seen.clone(), flooded.clone());
                std::thread::spawn(move || serve(stream, &*handler, &seen, &flooded));
            }
        });
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<Seen>>, flooded: &AtomicU64) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        seen.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} Scripted\r\n");
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
                    return;
                }
            }
            Reply::Flood { len, announce } => {
                flood(&mut writer, len, announce, flooded);
                return;
            }
            Reply::Stall => {
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            Reply::StallInBody => {
                let _ =
                    writer.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
                let _ = writer.flush();
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            Reply::Drop => return,
        }
    }
}

fn flood(writer: &mut TcpStream, len: u64, announce: bool, flooded: &AtomicU64) {
    let head = if announce {
        format!("HTTP/1.1 200 OK\r\ncontent-length: {len}\r\n\r\n")
    } else {
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
    };
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0u64;
    while sent < len {
        let n = chunk.len().min(usize::try_from(len - sent).unwrap());
        let written = if announce {
            writer.write_all(&chunk[..n])
        } else {
            writer
                .write_all(format!("{n:x}\r\n").as_bytes())
                .and_then(|()| writer.write_all(&chunk[..n]))
                .and_then(|()| writer.write_all(b"\r\n"))
        };
        if written.is_err() {
            break;
        }
        sent += n as u64;
        flooded.store(sent, Ordering::SeqCst);
    }
    if !announce {
        let _ = writer.write_all(b"0\r\n\r\n");
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse::<usize>().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

/// A loopback port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
