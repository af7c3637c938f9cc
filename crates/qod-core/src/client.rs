//! The blocking driver of the call machine: it sends, sleeps and waits
//! through what it is given and holds no call logic of its own.

use std::sync::Arc;
use std::time::Duration;

use qod_models::{AssignmentId, AssignmentInfo, SessionId, SessionInfo};

use crate::auth::Authenticator;
use crate::operations::{GetAssignmentOp, GetSessionOp};
use crate::{
    Api, CallOptions, ClientCore, Clock, Endpoint, Error, FetchedToken, Machine, Operation,
    StatusWait, Step, Transport,
};

/// A blocking QoD client over any [`Transport`]. It is `Send + Sync`: share
/// it between threads behind an `Arc` or a reference; they share its token
/// cache, and a burst of calls makes one token request.
///
/// The examples of its methods call a `client` made as below; the `qod`
/// crate's `Client` has the same methods over a ready transport.
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
///     .with_credentials(Credentials::bearer("abc123")?);
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
        self.core.authenticator()
    }

    /// The transport-free half of the client.
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    crate::operation_methods::operation_methods!(());

    /// Polls a session every `interval` until the network has decided
    /// (`AVAILABLE` or `UNAVAILABLE`), or `timeout` passes; `on_poll` sees
    /// each reading. A [`StatusWait`] run to its end.
    pub fn wait_for_session(
        &self,
        session_id: SessionId,
        interval: Duration,
        timeout: Duration,
        on_poll: impl FnMut(&SessionInfo),
    ) -> Result<SessionInfo, Error> {
        let read = GetSessionOp::new(session_id);
        let now = self.clock.now();
        self.run(StatusWait::new(
            &self.core, &read, interval, timeout, now, on_poll,
        ))
    }

    /// Polls a QoS assignment as [`Client::wait_for_session`] polls a session.
    pub fn wait_for_assignment(
        &self,
        assignment_id: AssignmentId,
        interval: Duration,
        timeout: Duration,
        on_poll: impl FnMut(&AssignmentInfo),
    ) -> Result<AssignmentInfo, Error> {
        let read = GetAssignmentOp::new(assignment_id);
        let now = self.clock.now();
        self.run(StatusWait::new(
            &self.core, &read, interval, timeout, now, on_poll,
        ))
    }

    /// Runs any operation with per-call options: authentication, retries and
    /// the correlator, which every error of the call carries.
    ///
    /// ```no_run
    /// # fn example(client: &qod_core::Client<impl qod_core::Transport>) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use qod_core::CallOptions;
    /// use qod_core::models::XCorrelator;
    /// use qod_core::operations::GetSessionOp;
    /// let options = CallOptions::new()
    ///     .with_correlator(XCorrelator::parse("order-4711")?)
    ///     .with_time_limit(Duration::from_secs(5));
    /// let read = GetSessionOp::new("123e4567-e89b-12d3-a456-426614174000".parse()?);
    /// let session = client.execute(&read, &options)?;
    /// # Ok(()) }
    /// ```
    pub fn execute<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        self.run(self.core.start(operation, options, self.clock.now()))
    }

    /// Fetches the token that calls of `api` use, and sends nothing else
    /// (a [`TokenFetch`] run to its end): with three-legged credentials it
    /// runs the user's flow (CIBA waits for the user's answer) for the
    /// options' subject or the credentials' default one. For handing the
    /// token to another program, or asking for consent before the first
    /// call; the client's calls then use the cached token.
    ///
    /// ```no_run
    /// # fn example(client: &qod_core::Client<impl qod_core::Transport>) -> Result<(), Box<dyn std::error::Error>> {
    /// use qod_core::{Api, CallOptions};
    /// let fetched = client.fetch_token(Api::QualityOnDemand, &CallOptions::new())?;
    /// println!("asked for {:?}", fetched.asked_scope().map(|s| s.to_string()));
    /// # Ok(()) }
    /// ```
    pub fn fetch_token(&self, api: Api, options: &CallOptions) -> Result<FetchedToken, Error> {
        self.run(self.core.fetch_token(api, options, self.clock.now()))
    }

    /// Runs any [`Machine`] to its end: the one loop of this driver.
    pub fn run<M: Machine>(&self, mut machine: M) -> Result<M::Output, Error> {
        loop {
            match machine.next_step(self.clock.now()) {
                Step::Send(request) => {
                    let result = self.transport.send(request);
                    machine.receive(result, self.clock.now());
                }
                Step::Sleep(delay) => self.clock.sleep(delay),
                Step::WaitForToken { wait, at_most } => self.clock.wait_for_token(wait, at_most),
                Step::Done(result) => return result,
            }
        }
    }
}
