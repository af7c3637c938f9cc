//! What can go wrong with a QoD call: what happened ([`ErrorKind`]), and
//! the context of the call it happened in, held once: the `x-correlator`
//! and what a create made.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use qod_models::{AssignmentInfo, ErrorCode, SessionInfo, ValidationError};

use crate::auth::AuthError;
use crate::{Api, ApiVersion, CreatedResource, RawBody, TransportError, printable};

/// An error from a QoD call.
///
/// What happened is its [`kind`](Error::kind); the context that applies to
/// any failure is held once beside it: the call's
/// [`correlator`](Error::correlator) and, after a create whose answer could
/// not be read, what the create [`created`](Error::created).
///
/// ```
/// use qod_core::{Error, ErrorKind};
/// use qod_core::models::PhoneNumber;
/// let error = Error::from(PhoneNumber::parse("12ab").unwrap_err());
/// assert!(matches!(error.kind(), ErrorKind::Invalid(_)));
/// assert!(error.nothing_sent());
/// assert_eq!(error.correlator(), None);
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    correlator: Option<String>,
    created: Option<CreatedResource>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input broke a rule of the spec; nothing was sent.
    #[error(transparent)]
    Invalid(ValidationError),
    /// The endpoint does not serve the operation (`api` at `version`);
    /// nothing was sent.
    #[error("{}", unsupported(operation, *api, *version))]
    Unsupported {
        /// The operation, by its spec name.
        operation: &'static str,
        /// The API it belongs to.
        api: Api,
        /// The endpoint's QoD version.
        version: ApiVersion,
    },
    /// The server answered with a CAMARA error.
    #[error(transparent)]
    Api(ApiError),
    /// The server answered with a status and body qod cannot read as a CAMARA error.
    #[error(transparent)]
    UnexpectedResponse(UnexpectedResponse),
    /// A success response whose body is not what the spec says. After a
    /// create, what it made exists all the same: [`Error::created`].
    #[error("cannot decode the {status} response body: {source} ({})", body.describe())]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The raw body.
        body: RawBody,
        /// What did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// Authentication failed before the call's request was sent.
    #[error(transparent)]
    Auth(AuthError),
    /// The request could not be delivered or its answer not received. The
    /// message says how far the request got; the transport's error, the
    /// source, says why.
    #[error("{}", .0.delivery().describe())]
    Transport(#[source] TransportError),
    /// A session or assignment was still not decided when the wait ran out.
    #[error("{} still {} after {waited:?}", last.what(), printable(last.status()))]
    WaitTimedOut {
        /// How long it waited.
        waited: Duration,
        /// The last reading.
        last: Box<Reading>,
    },
    /// A session keeper lost the QoS once more than its re-create budget allows.
    #[error("the QoS was lost ({reason}) after {recreates} re-creates, the keeper's budget")]
    QosLost {
        /// Why the last session was lost.
        reason: String,
        /// Re-creates made.
        recreates: u32,
    },
    /// A request body could not be serialised (e.g. a timestamp outside RFC 3339's years).
    #[error("cannot serialise the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// An HTTP request could not be assembled (a bug in qod if it ever shows).
    #[error("cannot build the HTTP request: {0}")]
    Request(#[source] http::Error),
}

/// The last reading of a wait that ran out.
#[derive(Debug, Clone)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // boxed where it is held, in ErrorKind::WaitTimedOut
pub enum Reading {
    /// A QoS session.
    Session(SessionInfo),
    /// A QoS assignment.
    Assignment(AssignmentInfo),
}

impl Reading {
    /// `session <id>` or `QoS assignment <id>`.
    fn what(&self) -> String {
        match self {
            Reading::Session(info) => format!("session {}", info.session_id),
            Reading::Assignment(info) => format!("QoS assignment {}", info.assignment_id),
        }
    }

    /// The status read, as the server sent it.
    pub fn status(&self) -> &str {
        match self {
            Reading::Session(info) => info.qos_status.as_str(),
            Reading::Assignment(info) => info.status.as_str(),
        }
    }
}

fn unsupported(operation: &str, api: Api, version: ApiVersion) -> String {
    match api {
        Api::QualityOnDemand => format!("{operation} is not part of QoD {version}"),
        other => {
            format!("{operation} needs {other}, which this endpoint (QoD {version}) does not serve")
        }
    }
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// What went wrong, consuming the error.
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// The `x-correlator` of the call: the one the server echoed, else the
    /// one sent. `None` for an error outside a call.
    pub fn correlator(&self) -> Option<&str> {
        self.inner.correlator.as_deref()
    }

    /// What a create made although its answer could not be decoded or read
    /// whole: it exists on the server, and only a delete (or a revoke) ends
    /// it. [`CreatedResource::session_id`] and
    /// [`CreatedResource::assignment_id`] give its id when it was read.
    ///
    /// ```
    /// use qod_core::{CreatedResource, Operation, operations::CreateSessionOp};
    /// use qod_models::{CreateSession, Device, PhoneNumber, QosProfileName};
    /// let create = CreateSessionOp::new(CreateSession::new(
    ///     Device::with_phone_number(PhoneNumber::parse("+14250000000")?),
    ///     QosProfileName::parse("QOS_VC")?,
    /// ));
    /// // A body cut short: not JSON, but it names the session.
    /// let answer = http::Response::builder()
    ///     .status(201)
    ///     .body(br#"{"sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "qosSta"#.to_vec())?;
    /// let error = create.parse(answer).unwrap_err();
    /// assert_eq!(
    ///     error.created().and_then(|made| made.session_id()).map(|id| id.to_string()).as_deref(),
    ///     Some("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    /// );
    /// assert!(error.to_string().starts_with("session 3fa85f64-5717-4562-b3fc-2c963f66afa6 was created, but"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn created(&self) -> Option<CreatedResource> {
        self.inner.created
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self.kind() {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::UnexpectedResponse(unexpected) => Some(unexpected.status),
            ErrorKind::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The CAMARA error code, when the server sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self.kind() {
            ErrorKind::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// Whether nothing was sent because the input was refused.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Invalid(_) | ErrorKind::Unsupported { .. }
        )
    }

    /// Whether the call's own request provably never left: the input was
    /// refused, authentication failed before it (a token that could not be
    /// fetched, or a wait for one that ran out), or the transport failed
    /// before sending. A create that ends so made nothing.
    ///
    /// ```
    /// use qod_core::{Delivery, Error, TransportError};
    /// let refused = Error::from(TransportError::new(Delivery::NotSent, "connection refused"));
    /// assert!(refused.nothing_sent());
    /// ```
    pub fn nothing_sent(&self) -> bool {
        if self.created().is_some() {
            return false;
        }
        match self.kind() {
            ErrorKind::Invalid(_)
            | ErrorKind::Unsupported { .. }
            | ErrorKind::Encode(_)
            | ErrorKind::Request(_) => true,
            // A fresh token refused by the server was sent with the request.
            ErrorKind::Auth(error) => !matches!(error, AuthError::Rejected),
            ErrorKind::Transport(source) => source.delivery() == crate::Delivery::NotSent,
            _ => false,
        }
    }

    /// Sets the correlator where the response did not carry one.
    pub(crate) fn with_correlator(mut self, sent: &str) -> Self {
        if self.inner.correlator.is_none() {
            self.inner.correlator = Some(sent.to_owned());
        }
        self
    }

    /// The correlator the server echoed, set by the status gate.
    pub(crate) fn with_echoed_correlator(mut self, echoed: Option<String>) -> Self {
        if echoed.is_some() {
            self.inner.correlator = echoed;
        }
        self
    }

    /// This error naming what a create made, when `made` says.
    pub(crate) fn naming(mut self, made: Option<CreatedResource>) -> Self {
        if made.is_some() {
            self.inner.created = made;
        }
        self
    }

    /// This error, a create's decode failure, naming what the 2xx body it
    /// could not decode shows the create made (`made` reads the body).
    pub(crate) fn naming_from(self, made: impl FnOnce(&[u8]) -> CreatedResource) -> Self {
        let created = match self.kind() {
            ErrorKind::Decode { status, body, .. } if status.is_success() => Some(made(body)),
            _ => None,
        };
        self.naming(created)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                correlator: None,
                created: None,
            }),
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        ErrorKind::Invalid(error).into()
    }
}

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        ErrorKind::Auth(error).into()
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        ErrorKind::Transport(error).into()
    }
}

impl From<http::Error> for Error {
    fn from(error: http::Error) -> Self {
        ErrorKind::Request(error).into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("correlator", &self.inner.correlator)
            .field("created", &self.inner.created)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.inner.created, self.kind()) {
            (Some(made), ErrorKind::Transport(_)) => {
                write!(
                    f,
                    "{}its answer could not be read whole",
                    created_prefix(made)
                )?;
            }
            (Some(made), kind) => write!(f, "{}{kind}", created_prefix(made))?,
            (None, kind) => write!(f, "{kind}")?,
        }
        // Where a request was made, the correlator finds it in the server's logs.
        let reached = matches!(
            self.kind(),
            ErrorKind::Api(_)
                | ErrorKind::UnexpectedResponse(_)
                | ErrorKind::Decode { .. }
                | ErrorKind::Transport(_)
        );
        if reached && let Some(correlator) = &self.inner.correlator {
            write!(f, " (x-correlator {correlator})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner.kind)
    }
}

/// The start of a message when a create made something.
fn created_prefix(made: &CreatedResource) -> String {
    match made {
        CreatedResource::UnnamedSession => "a session was probably created (the server answered \
            with success), but its id could not be read; on QoD 1.x retrieving the device's \
            sessions finds it: "
            .to_owned(),
        CreatedResource::UnnamedAssignment => "a QoS assignment was probably created (the \
            server answered with success), but its id could not be read; retrieving the \
            device's assignment finds it: "
            .to_owned(),
        made => format!("{made} was created, but "),
    }
}

/// A CAMARA error response: `{status, code, message}`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The CAMARA code.
    pub code: ErrorCode,
    /// The server's message.
    pub message: String,
    /// The raw body.
    pub body: RawBody,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code and message are the server's words: escaped, they cannot
        // drive the terminal they are printed on.
        write!(
            f,
            "HTTP {} {}: {}",
            self.status.as_u16(),
            printable(&self.code.to_string()),
            printable(&self.message)
        )
    }
}

impl std::error::Error for ApiError {}

/// A response that is neither the documented success nor a CAMARA error,
/// e.g. T-Mobile's `{reasonCode, systemMessage, userMessage}` or an HTML page.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The raw body.
    pub body: RawBody,
}

impl UnexpectedResponse {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unexpected HTTP {} response: {}",
            self.status.as_u16(),
            self.body.snippet()
        )
    }
}

impl std::error::Error for UnexpectedResponse {}
