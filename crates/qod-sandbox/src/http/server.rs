//! HTTP serving with hyper: the accept loop and connections (with their
//! timeouts); each request goes through [`pipeline`](super::pipeline).

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::time::Instant;

use crate::api::Api;
use crate::auth::AuthState;
use crate::http::activity::{Activity, Tracked};
use crate::stats::bump;

/// What every connection serves with.
pub(crate) struct Server {
    pub(crate) api: Api,
    pub(crate) auth: AuthState,
}

/// Pauses between failed accepts: when the process is out of file
/// descriptors, accepting again at once would spin.
#[derive(Debug)]
struct AcceptBackoff {
    next: Duration,
}

impl AcceptBackoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MOST: Duration = Duration::from_secs(1);

    fn new() -> AcceptBackoff {
        AcceptBackoff { next: Self::FIRST }
    }

    fn pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(Self::MOST);
        pause
    }

    fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

/// Serves one connection until it ends, is idle mid-exchange for
/// `idle_timeout`, or takes longer than `header_read_timeout` for a head.
async fn connection(server: Arc<Server>, stream: tokio::net::TcpStream) {
    let (header_read_timeout, idle_timeout) = (
        server.api.config.header_read_timeout,
        server.api.config.idle_timeout,
    );
    let activity = Activity::new();
    let io = TokioIo::new(Tracked::new(stream, activity.clone()));
    let service = hyper::service::service_fn(move |request| server.clone().handle(request));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    loop {
        let deadline = activity.last() + idle_timeout;
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    log::debug!("connection ended: {e}");
                }
                return;
            }
            () = tokio::time::sleep_until(deadline) => {
                if activity.last() + idle_timeout <= Instant::now() {
                    log::debug!("closing a connection idle for {idle_timeout:?}");
                    return;
                }
            }
        }
    }
}

/// Serves `listener` until `shutdown` fires.
pub(crate) async fn serve(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let ticker_server = server.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(100));
        loop {
            interval.tick().await;
            ticker_server.api.tick();
        }
    });
    let mut backoff = AcceptBackoff::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    backoff.reset();
                    bump(&server.api.counters.connections);
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(server.clone(), stream));
                }
                Err(e) => {
                    bump(&server.api.counters.accept_errors);
                    let pause = backoff.pause();
                    if pause == AcceptBackoff::FIRST {
                        log::warn!("cannot accept a connection ({e}); retrying with backoff");
                    } else {
                        log::debug!("cannot accept a connection ({e}); next try in {pause:?}");
                    }
                    tokio::select! {
                        _ = &mut shutdown => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_backoff_doubles_up_to_a_second_and_resets() {
        let mut backoff = AcceptBackoff::new();
        let pauses: Vec<Duration> = (0..10).map(|_| backoff.pause()).collect();
        assert_eq!(pauses[0], Duration::from_millis(5));
        assert_eq!(pauses[1], Duration::from_millis(10));
        assert_eq!(pauses[9], Duration::from_secs(1));
        backoff.reset();
        assert_eq!(backoff.pause(), Duration::from_millis(5));
    }
}
