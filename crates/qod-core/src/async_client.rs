//! The async driver of the call machine: the same calls as the blocking
//! [`crate::Client`], awaiting where that one blocks. It holds no call logic
//! of its own and never blocks its runtime.

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::{
    AsyncClock, AsyncTransport, CallOptions, ClientCore, Endpoint, Error, Operation, Step,
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
///     .credentials(Credentials::bearer("abc123")?);
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
        self.core.auth()
    }

    /// The transport-free half of the client.
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    crate::operation_methods!(
        async await;
        crate: "qod_core",
        prelude: concat!(
            "# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n",
            "# use std::future::Future;\n",
            "# use std::pin::Pin;\n",
            "# use std::time::{Duration, SystemTime};\n",
            "# struct SystemClock;\n",
            "# impl qod_core::AsyncClock for SystemClock {\n",
            "#     fn now(&self) -> SystemTime { SystemTime::now() }\n",
            "#     fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> { unimplemented!() }\n",
            "# }\n",
            "# let transport = |_: http::Request<Vec<u8>>| async { Err::<http::Response<Vec<u8>>, _>(qod_core::TransportError::new(qod_core::Delivery::NotSent, \"offline\")) };\n",
            "# let endpoint = qod_core::Endpoint::new(\"https://api.example.com/quality-on-demand/v1\")?;\n",
            "# let client = qod_core::AsyncClient::new(transport, qod_core::ClientCore::new(endpoint), std::sync::Arc::new(SystemClock));\n",
        ),
        await: ".await",
        epilogue: "# Ok(())\n# }\n",
    );

    crate::wait_methods::wait_methods!(async; await; Send);

    /// Runs any operation with per-call options: authentication, retries and
    /// the correlator, which every error of the call carries.
    pub async fn execute<O: Operation + Sync>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error>
    where
        O::Output: Send,
    {
        let mut call = self.core.start(operation, options, self.clock.now());
        loop {
            match call.next_step(self.clock.now()) {
                Step::Send(request) => {
                    let result = self.transport.send(request).await;
                    call.receive(result, self.clock.now());
                }
                Step::Sleep(delay) => self.clock.sleep(delay).await,
                Step::WaitForToken { wait, at_most } => {
                    first_of(wait, self.clock.sleep(at_most)).await
                }
                Step::Done(result) => return result,
            }
        }
    }
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
