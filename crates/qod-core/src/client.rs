//! The blocking driver of the call machine: it sends, sleeps and waits
//! through what it is given and holds no call logic of its own.

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
    CallOptions, ClientCore, Clock, Endpoint, Error, Operation, Pollable, Revocation, StatusWait,
    Step, Transport, WaitStep,
};

/// A blocking QoD client over any [`Transport`]. It is `Send + Sync`: share
/// it between threads behind an `Arc` or a reference; they share its token
/// cache, and a burst of calls makes one token request.
///
/// ```
/// use std::sync::Arc;
/// use std::time::{Duration, SystemTime};
/// use qod_core::{Client, ClientCore, Clock, Credentials, Endpoint, TransportError};
///
/// struct FixedClock;
/// impl Clock for FixedClock {
///     fn now(&self) -> SystemTime { SystemTime::UNIX_EPOCH }
///     fn sleep(&self, _: Duration) {}
/// }
/// let transport = |request: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> {
///     assert_eq!(request.headers()["authorization"], "Bearer abc123");
///     Ok(http::Response::builder().status(204).body(Vec::new()).unwrap())
/// };
/// let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0")?)
///     .credentials(Credentials::bearer("abc123"));
/// let client = Client::new(transport, core, Arc::new(FixedClock));
/// client.delete_session("123e4567-e89b-12d3-a456-426614174000".parse()?)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client<T: Transport> {
    transport: T,
    core: ClientCore,
    clock: Arc<dyn Clock>,
}

impl<T: Transport> std::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Client<T> {
    /// A client that runs `core`'s calls over `transport`, telling time,
    /// sleeping and waiting with `clock`.
    pub fn new(transport: T, core: ClientCore, clock: Arc<dyn Clock>) -> Self {
        Client {
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

    operation_methods!(;;);

    /// Runs any operation with per-call options: authentication, retries and
    /// the correlator, which every error of the call carries.
    pub fn execute<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        let mut call = self.core.start(operation, options, self.clock.now());
        loop {
            match call.next_step(self.clock.now()) {
                Step::Send(request) => {
                    let result = self.transport.send(request);
                    call.receive(result, self.clock.now());
                }
                Step::Sleep(delay) => self.clock.sleep(delay),
                Step::WaitForToken(wait) => self.clock.wait_for_token(wait),
                Step::Done(result) => return result,
            }
        }
    }
}
