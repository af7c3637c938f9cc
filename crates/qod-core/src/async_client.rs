//! The async driver of the call machine: the same calls as the blocking
//! [`crate::Client`], awaiting where that one blocks. It holds no call logic
//! of its own and never blocks its runtime.

use std::sync::Arc;
use std::time::Duration;

use qod_models::{
    AssignmentId, AssignmentInfo, CreateAssignment, CreateSession, Device, QosProfile,
    QosProfileFilter, QosProfileName, SessionId, SessionInfo,
};

use crate::auth::Authenticator;
use crate::operation_methods::operation_methods;
use crate::operations::{
    CreateQosAssignmentOp, CreateSessionOp, DeleteSessionOp, ExtendSessionOp,
    GetQosAssignmentByDeviceOp, GetQosAssignmentByIdOp, GetQosProfileOp, GetSessionOp,
    ListQosProfilesOp, RetrieveSessionsOp, RevokeQosAssignmentOp,
};
use crate::{
    AsyncClock, AsyncTransport, CallOptions, ClientCore, Endpoint, Error, Operation, Pollable,
    Revocation, StatusWait, Step, WaitStep,
};

/// An async QoD client over any [`AsyncTransport`], on any runtime. Its
/// futures are `Send`; share the client between tasks behind an `Arc`: they
/// share its token cache, and a burst of calls makes one token request
/// while the other tasks wait without blocking a thread.
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
///     .credentials(Credentials::bearer("abc123"));
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

    operation_methods!(async; await; Send);

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
                Step::WaitForToken(wait) => wait.await,
                Step::Done(result) => return result,
            }
        }
    }
}
