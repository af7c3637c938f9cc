//! The reqwest transport over real loopback HTTP: what goes out, what comes
//! back, and how each failure is classified.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use http::{Request, Response};
use qod_core::{AsyncTransport, Delivery, TransportError};
use qod_reqwest::ReqwestTransport;
use qod_testkit::{Reply, TestServer, closed_port};

fn get(url: &str) -> Request<Vec<u8>> {
    Request::get(url).body(Vec::new()).unwrap()
}

async fn send(
    transport: &ReqwestTransport,
    request: Request<Vec<u8>>,
) -> Result<Response<Vec<u8>>, TransportError> {
    transport.send(request).await
}

#[tokio::test]
async fn every_status_comes_back_as_a_response() {
    let server = TestServer::start(|seen| {
        let status = seen.path.trim_start_matches('/').parse().unwrap();
        Reply::Respond {
            status,
            headers: vec![("x-correlator", "c-1".to_owned())],
            // A 204 has no body.
            body: if status == 204 {
                Vec::new()
            } else {
                format!("status {status}").into_bytes()
            },
        }
    });
    let transport = ReqwestTransport::new().unwrap();
    for status in [200, 201, 204, 400, 401, 404, 409, 429, 500, 502, 503, 504] {
        let response = send(&transport, get(&server.url(&format!("/{status}"))))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["x-correlator"], "c-1");
        let expected = if status == 204 {
            Vec::new()
        } else {
            format!("status {status}").into_bytes()
        };
        assert_eq!(response.body(), &expected, "{status}");
    }
}

#[tokio::test]
async fn requests_go_out_as_built_and_only_replayable_ones_share_a_connection() {
    let server = TestServer::start(|_| Reply::status(204));
    let transport = ReqwestTransport::new().unwrap();
    for _ in 0..5 {
        send(&transport, get(&server.url("/sessions/1")))
            .await
            .unwrap();
    }
    let delete = Request::delete(server.url("/sessions/1"))
        .header("x-correlator", "order-42")
        .body(Vec::new())
        .unwrap();
    send(&transport, delete).await.unwrap();
    let body = br#"{"requestedAdditionalDuration":60}"#.to_vec();
    let post = Request::post(server.url("/sessions/1/extend"))
        .header("content-type", "application/json")
        .body(body.clone())
        .unwrap();
    send(&transport, post).await.unwrap();
    let mut empty_post = Request::post(server.url("/retrieve-sessions"))
        .body(Vec::new())
        .unwrap();
    empty_post.extensions_mut().insert(qod_core::Idempotent);
    send(&transport, empty_post).await.unwrap();

    let seen = server.seen();
    assert_eq!(seen.len(), 8);
    assert_eq!(
        server.connections(),
        2,
        "one kept-alive connection for the reads and the read-only POST, one of its own for extend"
    );
    let get = &seen[0];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        ("GET", "/sessions/1")
    );
    assert_eq!(
        get.header("content-length"),
        None,
        "no content-length on GET"
    );
    assert_eq!(get.header("transfer-encoding"), None);
    assert_eq!(get.header("user-agent"), Some(qod_reqwest::USER_AGENT));
    assert!(qod_reqwest::USER_AGENT.starts_with("qod/"));
    assert_eq!(
        get.header("accept-encoding"),
        None,
        "no compression asked for"
    );
    let delete = &seen[5];
    assert_eq!(delete.method, "DELETE");
    assert_eq!(
        delete.header("content-length"),
        None,
        "no content-length on DELETE"
    );
    assert_eq!(delete.header("x-correlator"), Some("order-42"));
    let post = &seen[6];
    assert_eq!(post.method, "POST");
    assert_eq!(post.header("content-length"), Some("34"));
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(post.body, body);
    assert_eq!(
        seen[7].header("content-length"),
        Some("0"),
        "a POST says it is empty"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = TestServer::start(|seen| match seen.path.strip_prefix("/start/") {
        Some(status) => Reply::Respond {
            status: status.parse().unwrap(),
            headers: vec![("location", "/elsewhere".to_owned())],
            body: Vec::new(),
        },
        None => Reply::status(200),
    });
    let transport = ReqwestTransport::new().unwrap();
    for (n, status) in [301, 302, 303, 307, 308].into_iter().enumerate() {
        let response = send(&transport, get(&server.url(&format!("/start/{status}"))))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["location"], "/elsewhere");
        assert_eq!(server.seen().len(), n + 1, "{status} was not followed");
    }
}

#[tokio::test]
async fn a_body_of_the_limit_is_read_and_one_byte_more_is_refused() {
    let server = TestServer::start(|seen| {
        let size = if seen.path == "/exact" { 1024 } else { 1025 };
        if seen.path == "/chunked-over" {
            return Reply::Flood {
                len: 1025,
                announce: false,
            };
        }
        Reply::Respond {
            status: 200,
            headers: Vec::new(),
            body: vec![b'x'; size],
        }
    });
    let transport = ReqwestTransport::builder()
        .body_limit(1024)
        .build()
        .unwrap();
    let exact = send(&transport, get(&server.url("/exact"))).await.unwrap();
    assert_eq!(exact.body().len(), 1024);
    for path in ["/over", "/chunked-over"] {
        let error = send(&transport, get(&server.url(path))).await.unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal, "{path}");
        assert!(
            error.to_string().contains("1024-byte limit"),
            "{path}: {error}"
        );
    }
}

#[tokio::test]
async fn a_100_mib_body_is_refused_long_before_its_end() {
    for announce in [true, false] {
        let server = TestServer::start(move |_| Reply::Flood {
            len: 100 * 1024 * 1024,
            announce,
        });
        let transport = ReqwestTransport::new().unwrap();
        let error = send(&transport, get(&server.url("/flood")))
            .await
            .unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("1048576-byte limit"), "{error}");
        // Give the server's writes time to fail once the client is gone.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let flooded = server.flooded();
        assert!(
            flooded < 32 * 1024 * 1024,
            "announce={announce}: the server got {flooded} bytes out before the refusal"
        );
    }
}

#[tokio::test]
async fn a_refused_connection_is_not_sent() {
    let transport = ReqwestTransport::new().unwrap();
    let url = format!("http://127.0.0.1:{}/qod/v0/sessions", closed_port());
    let post = Request::post(url).body(b"{}".to_vec()).unwrap();
    let error = send(&transport, post).await.unwrap_err();
    assert_eq!(error.delivery(), Delivery::NotSent, "{error}");
    assert!(error.to_string().contains("cannot connect"), "{error}");
    assert!(
        !error.to_string().contains("127.0.0.1"),
        "no URL in the message: {error}"
    );
}

#[tokio::test]
async fn a_stalled_server_is_timed_out_within_the_bound_and_may_have_acted() {
    let server = TestServer::start(|_| Reply::Stall);
    let transport = ReqwestTransport::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = send(&transport, get(&server.url("/slow")))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.delivery(), Delivery::MaybeSent, "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(
        elapsed < Duration::from_secs(5),
        "a 300 ms timeout took {elapsed:?}"
    );
    assert_eq!(server.seen().len(), 1, "the request had reached the server");
}

#[tokio::test]
async fn the_overall_timeout_covers_reading_the_body() {
    // The head and 10 of the 100 bytes it announces, then nothing.
    let server = TestServer::start(|_| {
        Reply::RawThenStall(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789".to_vec())
    });
    let transport = ReqwestTransport::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = send(&transport, get(&server.url("/slow-body")))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.delivery(), Delivery::MaybeSent, "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert!(
        elapsed < Duration::from_secs(5),
        "a 300 ms timeout took {elapsed:?}"
    );
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_may_have_been_sent() {
    let server = TestServer::start(|_| Reply::Drop);
    let transport = ReqwestTransport::new().unwrap();
    let post = Request::post(server.url("/sessions"))
        .body(b"{}".to_vec())
        .unwrap();
    let error = send(&transport, post).await.unwrap_err();
    assert_eq!(error.delivery(), Delivery::MaybeSent, "{error}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_unusable_request_is_fatal() {
    let transport = ReqwestTransport::new().unwrap();
    let error = send(&transport, get("ftp://127.0.0.1/file"))
        .await
        .unwrap_err();
    assert_eq!(error.delivery(), Delivery::Fatal, "{error}");
    let error = send(&transport, get("/relative/only")).await.unwrap_err();
    assert_eq!(error.delivery(), Delivery::Fatal, "{error}");
}

#[tokio::test]
async fn native_tls_without_its_feature_is_refused_at_build() {
    let built = ReqwestTransport::builder().native_tls(true).build();
    if cfg!(feature = "native-tls") {
        assert!(built.is_ok());
    } else {
        let error = built.unwrap_err();
        assert_eq!(error.delivery(), Delivery::Fatal);
        assert!(error.to_string().contains("native-tls"), "{error}");
    }
}
