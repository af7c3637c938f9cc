//! The async driver of the call machine: the same calls as the blocking
//! [`crate::Client`], awaiting where that one blocks. It holds no call logic
//! of its own and never blocks its runtime.

use std::sync::Arc;
use std::time::Duration;

use qod_models::{AssignmentId, AssignmentInfo, SessionId, SessionInfo};

use crate::auth::Authenticator;
use crate::operations::{GetAssignmentOp, GetSessionOp};
use crate::{
    Api, AsyncClock, AsyncTransport, CallOptions, ClientCore, Endpoint, Error, FetchedToken,
    Machine, Operation, StatusWait, Step,
};

/// An async QoD client over any [`AsyncTransport`], on any runtime. Its
/// futures are `Send`; share the client between tasks behind an `Arc`: they
/// share its token cache, and a burst of calls makes one token request
/// while the other tasks wait without blocking a thread.
///
/// The examples of its methods call a `client` made as below; the `qod`
/// crate's `AsyncClient` has the same methods over reqwest on tokio.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::sync::Arc;
/// use std::time::{Duration, SystemTime};
/// use qod_core::{AsyncClient, AsyncClock, ClientCore, Credentials, Endpoint, TransportError};
///
/// struct NoWaitClock;
/// impl AsyncClock for NoWaitClock {
///     fn now(&self) -> SystemTime { SystemTime::UNIX_EPOCH }
///     fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> { Box::pin(async {}) }
/// }
/// let transport = |request: http::Request<Vec<u8>>| async move {
///     assert_eq!(request.headers()["authorization"], "Bearer abc123");
///     Ok::<_, TransportError>(http::Response::builder().status(204).body(Vec::new()).unwrap())
/// };
/// let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0")?)
///     .with_credentials(Credentials::bearer("abc123")?);
/// let client = AsyncClient::new(transport, core, Arc::new(NoWaitClock));
/// let deleted = client.delete_session("123e4567-e89b-12d3-a456-426614174000".parse()?);
/// // Any executor runs it; this example polls it by hand.
/// let mut deleted = std::pin::pin!(deleted);
/// let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// assert!(matches!(deleted.as_mut().poll(&mut cx), std::task::Poll::Ready(Ok(()))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AsyncClient<T: AsyncTransport> {
    transport: T,
    core: ClientCore,
    clock: Arc<dyn AsyncClock>,
}

impl<T: AsyncTransport> std::fmt::Debug for AsyncClient<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncClient")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl<T: AsyncTransport> AsyncClient<T> {
    /// A client that runs `core`'s calls over `transport`, telling time and
    /// sleeping with `clock`.
    pub fn new(transport: T, core: ClientCore, clock: Arc<dyn AsyncClock>) -> Self {
        AsyncClient {
            transport,
            core,
            clock,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        self.core.endpoint()
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The authenticator and its token cache.
    pub fn authenticator(&self) -> &Authenticator {
        self.core.authenticator()
    }

    /// The transport-free half of the client.
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    crate::operation_methods::operation_methods!((async await));

    /// Polls a session every `interval` until the network has decided
    /// (`AVAILABLE` or `UNAVAILABLE`), or `timeout` passes; `on_poll` sees
    /// each reading. A [`StatusWait`] run to its end.
    pub async fn wait_for_session(
        &self,
        session_id: SessionId,
        interval: Duration,
        timeout: Duration,
        on_poll: impl FnMut(&SessionInfo) + Send,
    ) -> Result<SessionInfo, Error> {
        let read = GetSessionOp::new(session_id);
        let now = self.clock.now();
        self.run(StatusWait::new(
            &self.core, &read, interval, timeout, now, on_poll,
        ))
        .await
    }

    /// Polls a QoS assignment as [`AsyncClient::wait_for_session`] polls a session.
    pub async fn wait_for_assignment(
        &self,
        assignment_id: AssignmentId,
        interval: Duration,
        timeout: Duration,
        on_poll: impl FnMut(&AssignmentInfo) + Send,
    ) -> Result<AssignmentInfo, Error> {
        let read = GetAssignmentOp::new(assignment_id);
        let now = self.clock.now();
        self.run(StatusWait::new(
            &self.core, &read, interval, timeout, now, on_poll,
        ))
        .await
    }

    /// Runs any operation with per-call options: authentication, retries and
    /// the correlator, which every error of the call carries. See
    /// [`crate::Client::execute`] for an example.
    pub async fn execute<O: Operation + Send + Sync>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error>
    where
        O::Output: Send,
    {
        self.run(self.core.start(operation, options, self.clock.now()))
            .await
    }

    /// Fetches the token that calls of `api` use, and sends nothing else,
    /// as [`crate::Client::fetch_token`] does.
    pub async fn fetch_token(
        &self,
        api: Api,
        options: &CallOptions,
    ) -> Result<FetchedToken, Error> {
        self.run(self.core.fetch_token(api, options, self.clock.now()))
            .await
    }

    /// Runs any [`Machine`] to its end: the one loop of this driver.
    // Not an `async fn`: its future would hold the machine twice, as the
    // argument and as the body's binding of it (1 272 bytes each for a
    // `Call` of `GetSessionOp`); the `async move` block holds it once.
    #[allow(clippy::manual_async_fn)]
    pub fn run<M: Machine + Send>(
        &self,
        mut machine: M,
    ) -> impl Future<Output = Result<M::Output, Error>>
    where
        M::Output: Send,
    {
        async move {
            loop {
                // The step is taken apart before any await: a `Step` held
                // across one would be kept in this future, as large as the
                // call's output (864 bytes for a `SessionInfo`).
                let awaited = match machine.next_step(self.clock.now()) {
                    Step::Send(request) => Awaited::Send(request),
                    Step::Sleep(delay) => Awaited::Sleep(delay),
                    Step::WaitForToken { wait, at_most } => Awaited::Token(wait, at_most),
                    Step::Done(result) => return result,
                };
                match awaited {
                    Awaited::Send(request) => {
                        let result = self.transport.send(request).await;
                        machine.receive(result, self.clock.now());
                    }
                    Awaited::Sleep(delay) => self.clock.sleep(delay).await,
                    Awaited::Token(wait, at_most) => {
                        first_of(wait, self.clock.sleep(at_most)).await
                    }
                }
            }
        }
    }
}

/// A [`Step`] that [`AsyncClient::run`] awaits: one without an outcome.
#[allow(clippy::large_enum_variant)] // one at a time; a boxed request would cost an allocation
enum Awaited {
    Send(http::Request<Vec<u8>>),
    Sleep(Duration),
    Token(crate::auth::TokenWait, Duration),
}

/// Resolves when either future does: a token wait bounded by a sleep.
async fn first_of(
    mut wait: crate::auth::TokenWait,
    mut timer: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
) {
    use std::future::Future;
    use std::task::Poll;
    std::future::poll_fn(|cx| {
        if std::pin::Pin::new(&mut wait).poll(cx).is_ready() || timer.as_mut().poll(cx).is_ready() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}
