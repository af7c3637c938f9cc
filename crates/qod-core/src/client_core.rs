//! What every driver of the call machine shares: the endpoint, the
//! authenticator with its token cache, the retry policy and the source of ids.

use std::sync::Arc;
use std::time::Duration;

use qod_models::XCorrelator;

use crate::auth::{Authenticator, Credentials, Subject};
use crate::clock::{IdSource, RandomIds};
use crate::{Endpoint, RetryPolicy};

/// Options for one call: the one way to set what differs from call to call.
///
/// ```
/// use std::time::Duration;
/// use qod_core::CallOptions;
/// use qod_core::models::XCorrelator;
/// let options = CallOptions::new()
///     .with_correlator(XCorrelator::parse("order-42")?)
///     .with_time_limit(Duration::from_secs(5));
/// assert_eq!(options.correlator().map(XCorrelator::as_str), Some("order-42"));
/// assert_eq!(options.time_limit(), Some(Duration::from_secs(5)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    correlator: Option<XCorrelator>,
    time_limit: Option<Duration>,
    subject: Option<Subject>,
}

impl CallOptions {
    /// Default options: a fresh correlator per call, and the retry policy's
    /// [`RetryPolicy::max_elapsed`] for time.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Sends `correlator` as the call's `x-correlator` (every attempt).
    #[must_use]
    pub fn with_correlator(mut self, correlator: XCorrelator) -> Self {
        self.correlator = Some(correlator);
        self
    }

    /// Ends the call within `limit` of its start, everything included:
    /// token fetch and waits for another call's fetch, attempts, backoff.
    /// The shorter of this and [`RetryPolicy::max_elapsed`] applies.
    #[must_use]
    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Makes the call for `subject`, whose three-legged token it uses (the
    /// user of a CIBA, JWT Bearer or authorization code flow): one client
    /// serves many users, each with a token of their own. Two-legged
    /// credentials ignore it.
    #[must_use]
    pub fn with_subject(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// The subject, when one was set.
    pub fn subject(&self) -> Option<&Subject> {
        self.subject.as_ref()
    }

    /// The correlator to send, when one was set.
    pub fn correlator(&self) -> Option<&XCorrelator> {
        self.correlator.as_ref()
    }

    /// The time limit, when one was set.
    pub fn time_limit(&self) -> Option<Duration> {
        self.time_limit
    }
}

/// The transport-free half of a client: it starts [`Call`](crate::Call)s, which the
/// blocking [`crate::Client`], the [`crate::AsyncClient`] or your own driver
/// run to the end. Cloning shares the token cache.
///
/// ```
/// use std::time::Duration;
/// use qod_core::{ClientCore, Credentials, Endpoint, RetryPolicy};
/// let core = ClientCore::new(Endpoint::new("https://api.example.com/quality-on-demand/v1")?)
///     .with_credentials(Credentials::bearer("my-token")?)
///     .with_retry_policy(RetryPolicy::default().with_max_attempts(2));
/// assert_eq!(core.retry_policy().max_attempts(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ClientCore {
    endpoint: Endpoint,
    auth: Authenticator,
    retry: RetryPolicy,
    ids: Arc<dyn IdSource>,
}

impl std::fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCore")
            .field("endpoint", &self.endpoint)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// A core for `endpoint`: no credentials, the default retry policy, random ids.
    pub fn new(endpoint: Endpoint) -> Self {
        ClientCore {
            endpoint,
            auth: Authenticator::new(Credentials::None),
            retry: RetryPolicy::default(),
            ids: Arc::new(RandomIds),
        }
    }

    /// With `credentials`, and a fresh token cache.
    #[must_use]
    pub fn with_credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.auth = Authenticator::new(credentials.into());
        self
    }

    /// With `auth`, e.g. one with another refresh margin.
    #[must_use]
    pub fn with_authenticator(mut self, auth: Authenticator) -> Self {
        self.auth = auth;
        self
    }

    /// With `retry` for its calls.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// With `ids` as where correlators, PoP ids and jitter come from.
    #[must_use]
    pub fn with_ids(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.ids = ids;
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The authenticator and its token cache.
    pub fn authenticator(&self) -> &Authenticator {
        &self.auth
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn id_source(&self) -> &dyn IdSource {
        &*self.ids
    }

    /// A fresh PoP `jti` when the credentials sign requests; nil otherwise,
    /// which saves a random draw per call.
    pub(crate) fn jti(&self) -> uuid::Uuid {
        if self.auth.signs_requests() {
            self.ids.next_uuid()
        } else {
            uuid::Uuid::nil()
        }
    }
}
