//! The whole life of one call as a pure state machine: no I/O, no sleeping,
//! no lock held across a step. A driver asks it what to do next, does that
//! in its own way (a blocking socket, an async task, a test closure) and
//! hands back the time and each response.
//!
//! ```text
//!            Start ── invalid input ─────────────────────────────────────┐
//!              │ request built                                           │
//!              ▼                                                         │
//!   ┌──────▶ NeedToken ── another call fetches ──▶ WaitForToken ─┐       │
//!   │          │   ▲  ◀──────────── fetch ended / time left ─────┘       │
//!   │          │   └── fetch failed: its error ─────────────────────────▶│
//!   │          │ fetch ─▶ AwaitingToken ─▶ (retry: Backoff) ─▶ ...        │
//!   │          │ token ready                                             │
//!   │          ▼                                                         ▼
//!   │        Ready ──▶ AwaitingResponse ── 2xx / final error ───────▶ Done
//!   │                        │ 401 (once): token invalidated              ▲
//!   ├────────────────────────┘                                           │
//!   └── Backoff ◀── 429, 5xx, transport failure the policy retries ──────┘
//! ```

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{Method, Request, Response, StatusCode};
use qod_models::{ValidationError, XCorrelator};

use crate::auth::{
    AccessToken, AuthError, FetchId, FetchPermit, FlowStep, Scope, Subject, TokenFlow, TokenKey,
    TokenStep,
};
use crate::held::{Held, Lent};
use crate::operations::device_rule;
use crate::retry::{AttemptOutcome, RetryDecision, parse_retry_after};
use crate::{
    CallOptions, ClientCore, Delivery, Error, Machine, Operation, RequestTimeout, Step,
    TransportError,
};

/// How a call that only fetches its token ends, once the token is ready:
/// from the token (`None` for credentials without one) and what the fetch
/// asked for and was granted, when this call fetched it.
pub(crate) type TokenOnlyEnd<T> =
    fn(Option<AccessToken>, Option<Scope>, Option<Scope>) -> Result<T, Error>;

/// Where a call is. Each variant holds what the next move needs; the
/// outcome, as large as the operation's output, waits beside the state
/// ([`Call::outcome`]), and a token flow in a box (a fetch is rare), so
/// that a change of state moves only a few words.
enum State {
    /// The request is not built yet.
    Start,
    /// Look the token up (again), after waiting for this fetch if any.
    NeedToken(Option<FetchId>),
    /// Holding a subject's fetch: ask its flow for the next request (first,
    /// after a wait, or again after a backoff).
    Fetching(FetchPermit, Box<TokenFlow>),
    /// Holding a subject's fetch whose flow has read an answer: follow the
    /// step it took.
    Following(FetchPermit, Box<(TokenFlow, Result<FlowStep, AuthError>)>),
    /// Send an attempt with this token.
    Ready(Option<AccessToken>),
    /// A request of the token flow is out.
    AwaitingToken {
        permit: FetchPermit,
        flow: Box<TokenFlow>,
        sent_at: SystemTime,
        /// Whether a failure that may have reached the server may be retried.
        replayable: bool,
    },
    /// An attempt is out.
    AwaitingResponse {
        token: Option<AccessToken>,
        sent_at: SystemTime,
        /// Method and path, kept only when the exchange will be logged.
        logged: Option<(Method, String)>,
    },
    /// Sleep, then go on from the inner state.
    Backoff(Duration, Box<State>),
    /// The outcome is in [`Call::outcome`], until the driver takes it.
    Done,
    /// The driver has taken the outcome.
    Taken,
}

/// One call of `O`, from validation to result: a [`Machine`].
///
/// Its order: the request is validated and built before any I/O (an invalid
/// input ends the call before a token is fetched); the token is a step of
/// its own, retried under the same policy as a read (a token request is
/// harmless to repeat), and shared with the client's other calls; each
/// attempt only authorizes and signs, last; a 401 invalidates the token and
/// replays once; failures are retried or not by [`crate::RetryPolicy`];
/// nothing outlives the call's time limit; every error carries the call's
/// correlator. The module documentation draws the states.
///
/// ```
/// use std::time::SystemTime;
/// use qod_core::{CallOptions, ClientCore, Credentials, Endpoint, Machine, Step};
/// use qod_core::operations::DeleteSessionOp;
///
/// let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0")?)
///     .with_credentials(Credentials::bearer("abc123")?);
/// let op = DeleteSessionOp::new("123e4567-e89b-12d3-a456-426614174000".parse()?);
/// let mut call = core.start(&op, &CallOptions::new(), SystemTime::now());
/// let Step::Send(request) = call.next_step(SystemTime::now()) else { panic!("sends first") };
/// assert_eq!(request.headers()["authorization"], "Bearer abc123");
/// assert!(request.headers().contains_key("x-correlator"));
///
/// let response = http::Response::builder().status(204).body(Vec::new())?;
/// call.receive(Ok(response), SystemTime::now());
/// assert!(matches!(call.next_step(SystemTime::now()), Step::Done(Ok(()))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Call<'a, O: Operation> {
    core: Lent<'a, ClientCore>,
    operation: Held<'a, O>,
    correlator: XCorrelator,
    started: SystemTime,
    /// The most the whole call may take, from `started`.
    limit: Duration,
    /// The request built at the start, until the first attempt sends it.
    request: Option<Request<Vec<u8>>>,
    state: State,
    /// Set with [`State::Done`], taken with it.
    outcome: Option<Result<O::Output, Error>>,
    attempts: u32,
    token_attempts: u32,
    /// A 401 has been met: the next attempt is its one replay.
    replaying_after_401: bool,
    replayed_after_401: bool,
    /// The subject the options name, for three-legged credentials.
    subject: Option<Subject>,
    /// Whose token the call uses, once the call has started.
    key: TokenKey,
    /// The operation scope the token must cover: the operation's, or the
    /// one a token-only call names.
    scope: &'static str,
    /// Set for a call that stops at its token and sends no request of its own.
    token_only: Option<TokenOnlyEnd<O::Output>>,
    /// What the fetch this call made asked for and was granted.
    fetched_scopes: (Option<Scope>, Option<Scope>),
}

impl<O: Operation> std::fmt::Debug for Call<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &O::NAME)
            .field("correlator", &self.correlator)
            .field("attempts", &self.attempts)
            .field("token_attempts", &self.token_attempts)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// Starts a call of `operation` at `now`. Nothing is built or sent until
    /// the driver asks for the first step.
    pub fn start<'a, O: Operation>(
        &'a self,
        operation: &'a O,
        options: &CallOptions,
        now: SystemTime,
    ) -> Call<'a, O> {
        let (core, operation) = (Lent::Borrowed(self), Held::Lent(Lent::Borrowed(operation)));
        Call::start(core, operation, options, now)
    }

    /// Starts a call of `operation` at `now`, as [`ClientCore::start`]
    /// does, keeping the operation in the call: for a machine that makes
    /// its operations as it goes (a session keeper) and cannot lend them.
    pub fn start_owned<O: Operation>(
        &self,
        operation: O,
        options: &CallOptions,
        now: SystemTime,
    ) -> Call<'_, O> {
        Call::start(Lent::Borrowed(self), Held::Owned(operation), options, now)
    }
}

impl<'a, O: Operation> Call<'a, O> {
    /// A call of `operation` on `core` with `options`, at `now`, however
    /// the two are held.
    pub(crate) fn start(
        core: Lent<'a, ClientCore>,
        operation: Held<'a, O>,
        options: &CallOptions,
        now: SystemTime,
    ) -> Self {
        let correlator = options
            .correlator()
            .cloned()
            .unwrap_or_else(|| XCorrelator::from_uuid(core.id_source().next_uuid()));
        let most = core.retry_policy().max_elapsed();
        let limit = options.time_limit().map_or(most, |limit| limit.min(most));
        let subject = options.subject().cloned();
        Call::new(core, operation, correlator, now, limit, subject)
    }

    fn new(
        core: Lent<'a, ClientCore>,
        operation: Held<'a, O>,
        correlator: XCorrelator,
        now: SystemTime,
        limit: Duration,
        subject: Option<Subject>,
    ) -> Self {
        Call {
            core,
            operation,
            correlator,
            started: now,
            limit,
            request: None,
            state: State::Start,
            outcome: None,
            attempts: 0,
            token_attempts: 0,
            replaying_after_401: false,
            replayed_after_401: false,
            subject,
            key: None,
            scope: O::SCOPE,
            token_only: None,
            fetched_scopes: (None, None),
        }
    }

    /// A call that runs only the token part of a call for an operation
    /// needing `scope`, then ends as `end` says: it builds and sends no
    /// request of `operation`'s (`operation` is only there for its type).
    pub(crate) fn token_only(mut self, scope: &'static str, end: TokenOnlyEnd<O::Output>) -> Self {
        self.scope = scope;
        self.token_only = Some(end);
        self
    }

    /// The `x-correlator` this call sends.
    pub fn correlator(&self) -> &XCorrelator {
        &self.correlator
    }

    /// Attempts sent so far, not counting a replay after a 401 or token requests.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    fn step(&mut self, now: SystemTime) -> Step<O::Output> {
        loop {
            match std::mem::replace(&mut self.state, State::Taken) {
                State::Start if self.token_only.is_some() => match self.check_whose() {
                    Ok(()) => self.state = State::NeedToken(None),
                    Err(broken) => self.finish(Err(broken.into())),
                },
                State::Start => match self
                    .operation
                    .to_request(self.core.endpoint(), Some(&self.correlator))
                {
                    Ok(request) => match self.check_whose() {
                        Ok(()) => {
                            self.request = Some(request);
                            self.state = State::NeedToken(None);
                        }
                        Err(broken) => self.finish(Err(broken.into())),
                    },
                    Err(error) => self.finish(Err(error)),
                },
                State::NeedToken(waited) => {
                    if let Some(step) = self.look_up_token(waited, now) {
                        return step;
                    }
                }
                State::Fetching(permit, mut flow) => {
                    let credentials = self.core.authenticator().credentials();
                    // Every token request gets an id of its own: a client
                    // assertion's `jti` must never repeat.
                    let jti = self.core.id_source().next_uuid();
                    let step = flow.request(credentials, self.core.endpoint(), now, jti);
                    if let Some(step) = self.follow_flow(permit, flow, step, now) {
                        return step;
                    }
                }
                State::Following(permit, followed) => {
                    let (flow, step) = *followed;
                    if let Some(step) = self.follow_flow(permit, Box::new(flow), step, now) {
                        return step;
                    }
                }
                State::Ready(token) if self.token_only.is_some() => {
                    let (asked, granted) = std::mem::take(&mut self.fetched_scopes);
                    if let Some(end) = self.token_only {
                        self.finish(end(token, asked, granted));
                    }
                }
                State::Ready(_) if self.time_left(now).is_zero() => {
                    // Only a token fetch can have spent the time: nothing went out.
                    self.finish(Err(TransportError::new(
                        Delivery::NotSent,
                        "the call's time limit ran out before its request could be sent",
                    )
                    .into()));
                }
                State::Ready(token) => match self.authorized_request(token.as_ref(), now) {
                    Ok(request) => {
                        if !std::mem::take(&mut self.replaying_after_401) {
                            self.attempts += 1;
                        }
                        let logged = log::log_enabled!(log::Level::Debug)
                            .then(|| (request.method().clone(), request.uri().path().to_owned()));
                        self.state = State::AwaitingResponse {
                            token,
                            sent_at: now,
                            logged,
                        };
                        return Step::Send(request);
                    }
                    Err(error) => self.finish(Err(error)),
                },
                State::Backoff(delay, then) => {
                    self.state = *then;
                    return Step::Sleep(delay);
                }
                State::Done => match self.outcome.take() {
                    Some(outcome) => return Step::Done(outcome),
                    None => unreachable!("a call is done only with its outcome"),
                },
                State::Taken => panic!("Call::next_step after Step::Done"),
                out @ (State::AwaitingToken { .. } | State::AwaitingResponse { .. }) => {
                    self.state = out;
                    panic!("Call::next_step while a request is out: call receive first");
                }
            }
        }
    }

    /// Looks the token up: ready, wait for another call's fetch (within
    /// this call's time), fetch it, or end with the error of the fetch
    /// this call waited for. A step to hand the driver, or `None` to go on.
    /// Whose token the call uses, and QoD 1.x's device rule for it: both
    /// refused before anything is sent.
    fn check_whose(&mut self) -> Result<(), ValidationError> {
        let auth = self.core.authenticator();
        device_rule::check(
            self.operation.device_field(),
            auth.legs(),
            self.core.endpoint().api_version(),
        )?;
        self.key = auth
            .token_key(self.subject.as_ref())
            .map_err(|error| ValidationError::new("subject", error.to_string()))?;
        Ok(())
    }

    fn look_up_token(
        &mut self,
        waited: Option<FetchId>,
        now: SystemTime,
    ) -> Option<Step<O::Output>> {
        let auth = self.core.authenticator();
        let version = self.core.endpoint().api_version();
        match auth.token(&self.key, self.scope, version, now, waited) {
            Ok(TokenStep::Ready(token)) => self.state = State::Ready(token),
            Ok(TokenStep::Wait(wait)) => {
                let at_most = self.time_left(now);
                if at_most.is_zero() {
                    let waited = self.elapsed(now);
                    self.finish(Err(AuthError::TokenWaitTimedOut { waited }.into()));
                    return None;
                }
                self.state = State::NeedToken(Some(wait.fetch()));
                return Some(Step::WaitForToken { wait, at_most });
            }
            Ok(TokenStep::Fetch { permit, flow }) => {
                self.state = State::Fetching(permit, Box::new(flow));
            }
            Err(error) => self.finish(Err(error.into())),
        }
        None
    }

    /// Puts the token request out, or ends the fetch when no time is left.
    /// Goes on with the fetch this call holds after its flow took `step`:
    /// sends, waits (within the call's time) or ends the fetch.
    fn follow_flow(
        &mut self,
        permit: FetchPermit,
        flow: Box<TokenFlow>,
        step: Result<FlowStep, AuthError>,
        now: SystemTime,
    ) -> Option<Step<O::Output>> {
        match step {
            Ok(FlowStep::Send {
                mut request,
                replayable,
            }) => {
                let time_left = self.time_left(now);
                if time_left.is_zero() {
                    let error = AuthError::TokenRequest {
                        source: Arc::new(TransportError::new(
                            Delivery::NotSent,
                            "the call's time limit ran out before the token request could be sent",
                        )),
                    };
                    permit.fail(error.clone());
                    self.finish(Err(error.into()));
                    return None;
                }
                request.extensions_mut().insert(RequestTimeout(time_left));
                self.token_attempts += 1;
                self.state = State::AwaitingToken {
                    permit,
                    flow,
                    sent_at: now,
                    replayable,
                };
                Some(Step::Send(request))
            }
            Ok(FlowStep::Wait(wait)) => {
                if wait >= self.time_left(now) {
                    // The flow outlives this call: the next call goes on from here.
                    permit.hand_over(*flow);
                    let waited = self.elapsed(now);
                    self.finish(Err(AuthError::TokenWaitTimedOut { waited }.into()));
                    return None;
                }
                // A new stage: its requests count their own attempts.
                self.token_attempts = 0;
                self.state = State::Backoff(wait, Box::new(State::Fetching(permit, flow)));
                None
            }
            Ok(FlowStep::Token(grant)) => {
                let token = grant.access_token().clone();
                self.fetched_scopes = (flow.scope().cloned(), grant.granted_scope().cloned());
                permit.complete(grant, flow.scope().cloned());
                self.state = State::Ready(Some(token));
                None
            }
            Ok(FlowStep::Next) => {
                self.state = State::Fetching(permit, flow);
                None
            }
            Err(error) => {
                permit.fail(error.clone());
                self.finish(Err(error.into()));
                None
            }
        }
    }

    fn take_response(
        &mut self,
        result: Result<Response<Vec<u8>>, TransportError>,
        now: SystemTime,
    ) {
        match std::mem::replace(&mut self.state, State::Taken) {
            State::AwaitingToken {
                permit,
                flow,
                sent_at,
                replayable,
            } => {
                self.log_exchange(&Method::POST, "token endpoint", &result, sent_at, now);
                self.on_token_response(result, permit, flow, replayable, now);
            }
            State::AwaitingResponse {
                token,
                sent_at,
                logged,
            } => {
                if let Some((method, path)) = &logged {
                    self.log_exchange(method, path, &result, sent_at, now);
                }
                self.on_response(result, token, now);
            }
            other => {
                self.state = other;
                panic!("Call::receive without a request out");
            }
        }
    }

    fn on_token_response(
        &mut self,
        result: Result<Response<Vec<u8>>, TransportError>,
        permit: FetchPermit,
        mut flow: Box<TokenFlow>,
        replayable: bool,
        now: SystemTime,
    ) {
        let outcome = match &result {
            Ok(response) if response.status().is_success() => None,
            Ok(response) => Some(AttemptOutcome::Status {
                status: response.status(),
                retry_after: parse_retry_after(response.headers(), now),
            }),
            Err(error) => Some(AttemptOutcome::Transport(error.delivery())),
        };
        // A token request changes nothing worth guarding, so it retries like
        // a read; a request the flow marks unreplayable, like a create.
        if let Some(outcome) = outcome
            && let Some(delay) = self.retry_delay(replayable, self.token_attempts, outcome, now)
        {
            self.state = State::Backoff(delay, Box::new(State::Fetching(permit, flow)));
            return;
        }
        match result {
            Ok(response) => {
                let credentials = self.core.authenticator().credentials();
                match flow.receive(credentials, response, now) {
                    // Ended here, so that the callers waiting for it are woken at once.
                    step @ (Ok(FlowStep::Token(_)) | Err(_)) => {
                        let _ = self.follow_flow(permit, flow, step, now);
                    }
                    step => self.state = State::Following(permit, Box::new((*flow, step))),
                }
            }
            Err(source) => {
                // However far the token request got, the call's own did not leave.
                let error = AuthError::TokenRequest {
                    source: Arc::new(source),
                };
                permit.fail(error.clone());
                self.finish(Err(error.into()));
            }
        }
    }

    fn on_response(
        &mut self,
        result: Result<Response<Vec<u8>>, TransportError>,
        token: Option<AccessToken>,
        now: SystemTime,
    ) {
        let result = match result {
            // A success is final: no retry decision, no random draw.
            Ok(response) if response.status().is_success() => {
                let parsed = self.operation.parse(response);
                self.finish(parsed);
                return;
            }
            other => other,
        };
        let outcome = match &result {
            Ok(response) => {
                let auth = self.core.authenticator();
                if response.status() == StatusCode::UNAUTHORIZED
                    && auth.can_refresh()
                    && !self.replayed_after_401
                {
                    // The server refused the token, so it did not act on the call: replay once.
                    self.replayed_after_401 = true;
                    self.replaying_after_401 = true;
                    if let Some(token) = &token {
                        auth.invalidate(&self.key, token);
                    }
                    self.state = State::NeedToken(None);
                    return;
                }
                AttemptOutcome::Status {
                    status: response.status(),
                    retry_after: parse_retry_after(response.headers(), now),
                }
            }
            Err(error) => AttemptOutcome::Transport(error.delivery()),
        };
        if let Some(delay) = self.retry_delay(O::IDEMPOTENT, self.attempts, outcome, now) {
            // The token may expire during the wait: look it up again afterwards.
            self.state = State::Backoff(delay, Box::new(State::NeedToken(None)));
            return;
        }
        let finished = match result {
            Ok(response) => self.operation.parse(response),
            Err(source) => {
                // A 2xx create whose body could not be read whole still made what it asked for.
                let created = source.partial_response().and_then(|partial| {
                    self.operation
                        .created_resource(partial.status, &partial.body)
                });
                Err(Error::from(source).naming(created))
            }
        };
        self.finish(finished);
    }

    /// How long to wait before trying again, or `None` to stop.
    fn retry_delay(
        &self,
        idempotent: bool,
        attempt: u32,
        outcome: AttemptOutcome,
        now: SystemTime,
    ) -> Option<Duration> {
        let elapsed = self.elapsed(now);
        let jitter = self.core.id_source().next_uuid().as_u64_pair().0;
        // The call's own limit, which may be shorter than the policy's.
        let policy = self.core.retry_policy().with_max_elapsed(self.limit);
        match policy.decide(idempotent, attempt, elapsed, outcome, jitter) {
            RetryDecision::RetryAfter(delay) => {
                log::debug!(
                    "{} retrying in {delay:?} after {outcome:?} x-correlator={}",
                    O::NAME,
                    self.correlator
                );
                Some(delay)
            }
            _ => None,
        }
    }

    /// The request for the next attempt, authorized and (for TAAP) signed last.
    ///
    /// The first attempt sends the request built at the start. A retry,
    /// which is rare, builds it again from the operation: `to_request` is a
    /// pure function of the operation, the endpoint and the correlator, so
    /// the bytes are the same, and no call pays for a copy it seldom needs
    /// (a copy cost as much as the rest of the client's work on a GET).
    fn authorized_request(
        &mut self,
        token: Option<&AccessToken>,
        now: SystemTime,
    ) -> Result<Request<Vec<u8>>, Error> {
        let mut request = match self.request.take() {
            Some(built) => built,
            None => self
                .operation
                .to_request(self.core.endpoint(), Some(&self.correlator))?,
        };
        self.core
            .authenticator()
            .authorize(&mut request, token, now, self.core.jti())?;
        request
            .extensions_mut()
            .insert(RequestTimeout(self.time_left(now)));
        Ok(request)
    }

    /// How long the call has run at `now`.
    fn elapsed(&self, now: SystemTime) -> Duration {
        now.duration_since(self.started).unwrap_or(Duration::ZERO)
    }

    /// What is left of the call's time at `now`.
    fn time_left(&self, now: SystemTime) -> Duration {
        self.limit.saturating_sub(self.elapsed(now))
    }

    fn finish(&mut self, outcome: Result<O::Output, Error>) {
        self.outcome = Some(outcome.map_err(|e| e.with_correlator(self.correlator.as_str())));
        self.state = State::Done;
    }

    /// One debug line per exchange: method, path, status, correlator,
    /// attempt, elapsed. Never headers or bodies.
    fn log_exchange(
        &self,
        method: &Method,
        path: &str,
        result: &Result<Response<Vec<u8>>, TransportError>,
        sent_at: SystemTime,
        now: SystemTime,
    ) {
        if !log::log_enabled!(log::Level::Debug) {
            return;
        }
        let elapsed = now.duration_since(sent_at).unwrap_or(Duration::ZERO);
        let (correlator, attempt) = (&self.correlator, self.attempts.max(1));
        match result {
            Ok(response) => log::debug!(
                "{method} {path} -> {} x-correlator={correlator} attempt={attempt} elapsed={elapsed:?}",
                response.status().as_u16()
            ),
            Err(error) => log::debug!(
                "{method} {path} -> {}: {error} x-correlator={correlator} attempt={attempt} elapsed={elapsed:?}",
                error.delivery().describe()
            ),
        }
    }
}

impl<O: Operation> Drop for Call<'_, O> {
    /// A call dropped while its fetch waits for a user's answer (a
    /// cancelled task) hands the flow to the next caller: the user is not
    /// asked again.
    fn drop(&mut self) {
        let state = std::mem::replace(&mut self.state, State::Taken);
        let parked = match state {
            State::Backoff(_, then) => match *then {
                State::Fetching(permit, flow) => Some((permit, flow)),
                _ => None,
            },
            State::Fetching(permit, flow) | State::AwaitingToken { permit, flow, .. } => {
                Some((permit, flow))
            }
            _ => None,
        };
        if let Some((permit, flow)) = parked
            && flow.can_resume()
        {
            permit.hand_over(*flow);
        }
    }
}

impl<O: Operation> Machine for Call<'_, O> {
    type Output = O::Output;

    fn next_step(&mut self, now: SystemTime) -> Step<O::Output> {
        self.step(now)
    }

    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime) {
        self.take_response(result, now);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use qod_models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};

    use super::*;
    use crate::auth::ClientCredentials;
    use crate::operations::CreateSessionOp;
    use crate::{CallOptions, Credentials, Endpoint, ErrorKind};

    fn two_legged(api: &str) -> ClientCore {
        let credentials =
            ClientCredentials::new("https://auth.example.com/token", "client", "secret").unwrap();
        ClientCore::new(Endpoint::new(api).unwrap())
            .with_credentials(Credentials::ClientCredentials(credentials))
    }

    fn profile() -> QosProfileName {
        QosProfileName::parse("QOS_E").unwrap()
    }

    fn server() -> ApplicationServer {
        ApplicationServer::ipv4("198.51.100.10".parse().unwrap())
    }

    #[test]
    fn a_two_legged_create_without_a_device_is_refused_before_anything_is_sent() {
        let core = two_legged("https://api.example.com/quality-on-demand/v1");
        let body = CreateSession::for_token_device(profile())
            .with_application_server(server())
            .with_duration(60);
        let op = CreateSessionOp::new(body);
        let now = SystemTime::UNIX_EPOCH;
        let mut call = core.start(&op, &CallOptions::new(), now);
        let Step::Done(Err(error)) = call.next_step(now) else {
            panic!("refused before any request, the token request included");
        };
        let ErrorKind::Invalid(broken) = error.kind() else {
            panic!("{error:?}");
        };
        assert_eq!(broken.field(), "device");
        assert!(error.nothing_sent());
    }

    #[test]
    fn a_two_legged_create_with_a_device_goes_out() {
        let core = two_legged("https://api.example.com/quality-on-demand/v1");
        let device = Device::with_phone_number(PhoneNumber::parse("+14255550100").unwrap());
        let body = CreateSession::new(device, profile())
            .with_application_server(server())
            .with_duration(60);
        let op = CreateSessionOp::new(body);
        let now = SystemTime::UNIX_EPOCH;
        let mut call = core.start(&op, &CallOptions::new(), now);
        // The token request comes first.
        assert!(matches!(call.next_step(now), Step::Send(_)));
    }
}
