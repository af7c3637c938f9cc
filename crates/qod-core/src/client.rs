//! The blocking client: it drives operations, authentication and retries
//! over a [`Transport`] and does no I/O of its own.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{Request, Response, StatusCode};
use qod_models::{
    CreateSession, Device, QosProfile, QosProfileFilter, QosProfileName, SessionId, SessionInfo,
    XCorrelator,
};

use crate::auth::{AccessToken, Authenticator, Credentials, TokenStep};
use crate::clock::{Clock, IdSource, RandomIds};
use crate::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetQosProfileOp, GetSessionOp,
    ListQosProfilesOp, RetrieveSessionsOp,
};
use crate::retry::{AttemptOutcome, RetryDecision, RetryPolicy, parse_retry_after};
use crate::{Endpoint, Error, Operation, Transport, TransportError};

/// Options for one call.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// The `x-correlator` to send; a fresh UUID when `None`.
    pub correlator: Option<XCorrelator>,
}

impl CallOptions {
    /// Options that send `correlator`.
    pub fn with_correlator(correlator: XCorrelator) -> Self {
        CallOptions {
            correlator: Some(correlator),
        }
    }
}

/// A QoD client over any transport. It is `Send + Sync`: share it between
/// threads behind an `Arc` or a reference; they share its token cache.
///
/// ```
/// use std::sync::Arc;
/// use std::time::{Duration, SystemTime};
/// use qod_core::{Client, Clock, Credentials, Endpoint, TransportError};
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
/// let client = Client::builder(transport, Endpoint::new("http://127.0.0.1:9/qod/v0").unwrap(), Arc::new(FixedClock))
///     .credentials(Credentials::bearer("abc123"))
///     .build();
/// client.delete_session("123e4567-e89b-12d3-a456-426614174000".parse().unwrap()).unwrap();
/// ```
pub struct Client<T: Transport> {
    transport: T,
    endpoint: Endpoint,
    auth: Authenticator,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
}

impl<T: Transport> std::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder<T: Transport> {
    client: Client<T>,
}

impl<T: Transport> ClientBuilder<T> {
    /// Sets the credentials (default: none).
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.client.auth = Authenticator::new(credentials);
        self
    }

    /// Sets the authenticator, e.g. one with another refresh margin.
    #[must_use]
    pub fn authenticator(mut self, auth: Authenticator) -> Self {
        self.client.auth = auth;
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.client.retry = retry;
        self
    }

    /// Sets where correlators, PoP ids and jitter come from (default: random).
    #[must_use]
    pub fn ids(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.client.ids = ids;
        self
    }

    /// The client.
    pub fn build(self) -> Client<T> {
        self.client
    }
}

impl<T: Transport> Client<T> {
    /// A builder for a client of `endpoint` over `transport`, waiting and
    /// telling time with `clock`.
    pub fn builder(transport: T, endpoint: Endpoint, clock: Arc<dyn Clock>) -> ClientBuilder<T> {
        ClientBuilder {
            client: Client {
                transport,
                endpoint,
                auth: Authenticator::new(Credentials::None),
                retry: RetryPolicy::default(),
                clock,
                ids: Arc::new(RandomIds),
            },
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The authenticator and its token cache.
    pub fn authenticator(&self) -> &Authenticator {
        &self.auth
    }

    /// Creates a session. Never replayed once it may have reached the server.
    pub fn create_session(&self, body: &CreateSession) -> Result<SessionInfo, Error> {
        self.execute(&CreateSessionOp::new(body.clone()), &CallOptions::default())
    }

    /// Reads a session.
    pub fn get_session(&self, session_id: SessionId) -> Result<SessionInfo, Error> {
        self.execute(&GetSessionOp::new(session_id), &CallOptions::default())
    }

    /// Deletes a session.
    pub fn delete_session(&self, session_id: SessionId) -> Result<(), Error> {
        self.execute(&DeleteSessionOp::new(session_id), &CallOptions::default())
    }

    /// Extends an `AVAILABLE` session by `additional_seconds`.
    pub fn extend_session(
        &self,
        session_id: SessionId,
        additional_seconds: u32,
    ) -> Result<SessionInfo, Error> {
        self.execute(
            &ExtendSessionOp::new(session_id, additional_seconds),
            &CallOptions::default(),
        )
    }

    /// The sessions of a device (1.x).
    pub fn retrieve_sessions(&self, device: Option<Device>) -> Result<Vec<SessionInfo>, Error> {
        self.execute(&RetrieveSessionsOp::new(device), &CallOptions::default())
    }

    /// One QoS profile.
    pub fn get_qos_profile(&self, name: &QosProfileName) -> Result<QosProfile, Error> {
        self.execute(&GetQosProfileOp::new(name.clone()), &CallOptions::default())
    }

    /// The QoS profiles that match `filter`.
    pub fn list_qos_profiles(&self, filter: &QosProfileFilter) -> Result<Vec<QosProfile>, Error> {
        self.execute(
            &ListQosProfilesOp::new(filter.clone()),
            &CallOptions::default(),
        )
    }

    /// Polls a session every `interval` until it is no longer `REQUESTED`
    /// (it became `AVAILABLE`, or `UNAVAILABLE`), or `timeout` passes.
    /// `on_poll` sees each reading, e.g. to show progress.
    pub fn wait_for_session(
        &self,
        session_id: SessionId,
        interval: Duration,
        timeout: Duration,
        mut on_poll: impl FnMut(&SessionInfo),
    ) -> Result<SessionInfo, Error> {
        let started = self.clock.now();
        loop {
            let info = self.get_session(session_id)?;
            on_poll(&info);
            if info.qos_status != qod_models::QosStatus::Requested {
                return Ok(info);
            }
            let waited = self
                .clock
                .now()
                .duration_since(started)
                .unwrap_or(Duration::ZERO);
            if waited.saturating_add(interval) > timeout {
                return Err(Error::WaitTimedOut {
                    waited,
                    last: Box::new(info),
                });
            }
            self.clock.sleep(interval);
        }
    }

    /// Runs any operation with per-call options: authentication, retries and
    /// the correlator, which every error of the call carries.
    pub fn execute<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        let correlator = options
            .correlator
            .clone()
            .unwrap_or_else(|| XCorrelator::from_uuid(self.ids.next_uuid()));
        self.run(operation, &correlator)
            .map_err(|e| e.with_correlator(Some(correlator.as_str())))
    }

    fn run<O: Operation>(
        &self,
        operation: &O,
        correlator: &XCorrelator,
    ) -> Result<O::Output, Error> {
        let started = self.clock.now();
        let mut attempt = 0_u32;
        let mut refreshed_after_401 = false;
        loop {
            attempt += 1;
            let token = match self.token(correlator) {
                Ok(token) => token,
                Err(Error::Transport { source, correlator }) => {
                    // Fetching a token twice is harmless, so a token request retries like a read.
                    let outcome = AttemptOutcome::Transport(source.delivery());
                    if self.wait_for_retry(true, attempt, started, outcome) {
                        continue;
                    }
                    return Err(Error::Transport { source, correlator });
                }
                Err(other) => return Err(other),
            };
            let mut request = operation.to_request(&self.endpoint, Some(correlator))?;
            self.auth.authorize(
                &mut request,
                token.as_ref(),
                self.clock.now(),
                self.ids.next_uuid(),
            )?;
            let result = self.send_logged(request, correlator, attempt);
            let outcome = match &result {
                Ok(response) => {
                    if response.status() == StatusCode::UNAUTHORIZED
                        && self.auth.can_refresh()
                        && !refreshed_after_401
                    {
                        // The server refused the token, so it did not act on the call: replay once.
                        refreshed_after_401 = true;
                        if let Some(token) = &token {
                            self.auth.invalidate(token);
                        }
                        attempt -= 1;
                        continue;
                    }
                    AttemptOutcome::Status {
                        status: response.status(),
                        retry_after: parse_retry_after(response.headers(), self.clock.now()),
                    }
                }
                Err(error) => AttemptOutcome::Transport(error.delivery()),
            };
            if self.wait_for_retry(O::IDEMPOTENT, attempt, started, outcome) {
                continue;
            }
            return match result {
                Ok(response) => operation.parse(response),
                Err(source) => Err(Error::Transport {
                    source,
                    correlator: None,
                }),
            };
        }
    }

    /// A fresh PoP `jti` when the credentials sign requests; nil otherwise,
    /// which saves a random draw per call.
    fn jti(&self) -> uuid::Uuid {
        if self.auth.signs_requests() {
            self.ids.next_uuid()
        } else {
            uuid::Uuid::nil()
        }
    }

    /// Asks the policy; sleeps and says `true` when the call should go again.
    fn wait_for_retry(
        &self,
        idempotent: bool,
        attempt: u32,
        started: SystemTime,
        outcome: AttemptOutcome,
    ) -> bool {
        // A success is final: skip the clock and the random draw.
        if let AttemptOutcome::Status { status, .. } = outcome
            && status.is_success()
        {
            return false;
        }
        let elapsed = self
            .clock
            .now()
            .duration_since(started)
            .unwrap_or(Duration::ZERO);
        let jitter = self.ids.next_uuid().as_u64_pair().0;
        match self
            .retry
            .decide(idempotent, attempt, elapsed, outcome, jitter)
        {
            RetryDecision::RetryAfter(delay) => {
                log::debug!("retrying in {delay:?} after {outcome:?}");
                self.clock.sleep(delay);
                true
            }
            _ => false,
        }
    }

    /// The token for the next attempt, fetching one through the transport when needed.
    fn token(&self, correlator: &XCorrelator) -> Result<Option<AccessToken>, Error> {
        let step = self
            .auth
            .token(&self.endpoint, self.clock.now(), self.jti())?;
        match step {
            TokenStep::Ready(token) => Ok(token),
            TokenStep::Fetch { request, permit } => {
                let response = self.send_logged(request, correlator, 1).map_err(|source| {
                    Error::Transport {
                        source,
                        correlator: None,
                    }
                })?;
                Ok(Some(self.auth.finish_fetch(
                    permit,
                    response,
                    self.clock.now(),
                )?))
            }
        }
    }

    /// Sends one request and logs one debug line: method, path, status,
    /// correlator, elapsed. Never headers or bodies.
    fn send_logged(
        &self,
        request: Request<Vec<u8>>,
        correlator: &XCorrelator,
        attempt: u32,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        if !log::log_enabled!(log::Level::Debug) {
            return self.transport.send(request);
        }
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let started = self.clock.now();
        let result = self.transport.send(request);
        let elapsed = self
            .clock
            .now()
            .duration_since(started)
            .unwrap_or(Duration::ZERO);
        match &result {
            Ok(response) => log::debug!(
                "{method} {path} -> {} x-correlator={correlator} attempt={attempt} elapsed={elapsed:?}",
                response.status().as_u16()
            ),
            Err(error) => log::debug!(
                "{method} {path} -> {}: {error} x-correlator={correlator} attempt={attempt} elapsed={elapsed:?}",
                error.delivery().describe()
            ),
        }
        result
    }
}
