//! What can go wrong with a QoD call.

use std::fmt;

use http::StatusCode;
use qod_models::{AssignmentId, ErrorCode, SessionId, ValidationError, redact_secrets_in_text};

use crate::{ApiVersion, CreatedResource, RawBody, printable};

/// How much of an unexpected body an error message quotes.
const SNIPPET_LEN: usize = 200;

/// An error from a QoD operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input broke a rule of the spec; nothing was sent.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The operation does not exist in the endpoint's API version; nothing was sent.
    #[error("{operation} is not part of QoD {version}")]
    Unsupported {
        /// The operation.
        operation: &'static str,
        /// The endpoint's version.
        version: ApiVersion,
    },
    /// The server answered with a CAMARA error.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The server answered with a status and body qod cannot read as a CAMARA error.
    #[error(transparent)]
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// A success response whose body is not what the spec says.
    ///
    /// After a create, what it made (a session, a QoS assignment) exists
    /// all the same: `created` then names it when the body does, so that it
    /// can be deleted or revoked.
    #[error(
        "{}cannot decode the {status} response body: {source} ({})",
        created_prefix(created),
        describe_body(body)
    )]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The `x-correlator` of the call, when known.
        correlator: Option<String>,
        /// What a create made, when the body names it.
        created: Option<CreatedResource>,
        /// The raw body.
        body: RawBody,
        /// What did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// Authentication failed before the call could be made.
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    /// The request could not be delivered or its answer not received. The
    /// message says how far the request got; the transport's error, the
    /// source, says why.
    ///
    /// When a create's answer arrived with a 2xx status but its body could
    /// not be read whole (over the limit, cut short), what it made exists
    /// all the same: `created` then names it when the part read does.
    #[error("{}{}", transport_summary(source, created), correlator.as_deref().map(|c| format!(" (x-correlator {c})")).unwrap_or_default())]
    Transport {
        /// What the transport said.
        #[source]
        source: crate::TransportError,
        /// The `x-correlator` sent with the call.
        correlator: Option<String>,
        /// What a create made, when the part of the answer that arrived
        /// names it.
        created: Option<CreatedResource>,
    },
    /// A session was still `REQUESTED` when the wait ran out.
    #[error("session {} still {} after {waited:?}", last.session_id, printable(last.qos_status.as_str()))]
    WaitTimedOut {
        /// How long it waited.
        waited: std::time::Duration,
        /// The last reading.
        last: Box<qod_models::SessionInfo>,
    },
    /// A QoS assignment was still `REQUESTED` when the wait ran out.
    #[error("QoS assignment {} still {} after {waited:?}", last.assignment_id, printable(last.status.as_str()))]
    AssignmentWaitTimedOut {
        /// How long it waited.
        waited: std::time::Duration,
        /// The last reading.
        last: Box<qod_models::AssignmentInfo>,
    },
    /// A request body could not be serialised (e.g. a timestamp outside RFC 3339's years).
    #[error("cannot serialise the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// An HTTP request could not be assembled (a bug in qod if it ever shows).
    #[error("cannot build the HTTP request: {0}")]
    Request(#[from] http::Error),
    /// A driver of [`crate::Call`] broke its protocol, e.g. asked for the
    /// next step while a request was out (a bug in that driver).
    #[error("call driver error: {0}")]
    Driver(&'static str),
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedResponse(unexpected) => Some(unexpected.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The CAMARA error code, when the server sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// The `x-correlator` of the call, when known.
    pub fn correlator(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.correlator.as_deref(),
            Error::UnexpectedResponse(unexpected) => unexpected.correlator.as_deref(),
            Error::Decode { correlator, .. } | Error::Transport { correlator, .. } => {
                correlator.as_deref()
            }
            _ => None,
        }
    }

    /// The id of a session that a create made although its answer could not
    /// be decoded or read whole: it exists on the server, and only a delete
    /// ends it.
    ///
    /// ```
    /// use qod_core::{Operation, operations::CreateSessionOp};
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
    ///     error.created_session_id().map(|id| id.to_string()).as_deref(),
    ///     Some("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn created_session_id(&self) -> Option<SessionId> {
        self.created_resource()
            .as_ref()
            .and_then(CreatedResource::session_id)
    }

    /// The id of a QoS assignment that a create made although its answer
    /// could not be decoded or read whole: it exists on the server, and only
    /// a revoke ends it.
    pub fn created_assignment_id(&self) -> Option<AssignmentId> {
        self.created_resource()
            .as_ref()
            .and_then(CreatedResource::assignment_id)
    }

    /// What a create made although its answer could not be decoded or read
    /// whole, whatever it is: a session or a QoS assignment.
    ///
    /// ```
    /// use qod_core::{CreatedResource, Operation, operations::CreateQosAssignmentOp};
    /// use qod_models::{CreateAssignment, Device, PhoneNumber, QosProfileName};
    /// let create = CreateQosAssignmentOp::new(CreateAssignment::new(
    ///     Device::with_phone_number(PhoneNumber::parse("+14250000000")?),
    ///     QosProfileName::parse("QOS_L")?,
    /// ));
    /// let answer = http::Response::builder()
    ///     .status(201)
    ///     .body(br#"{"assignmentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "stat"#.to_vec())?;
    /// let error = create.parse(answer).unwrap_err();
    /// assert_eq!(
    ///     error.created_resource(),
    ///     Some(CreatedResource::Assignment("3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?))
    /// );
    /// assert!(error.to_string().starts_with("QoS assignment 3fa85f64-5717-4562-b3fc-2c963f66afa6 was created, but"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn created_resource(&self) -> Option<CreatedResource> {
        match self {
            Error::Decode { created, .. } | Error::Transport { created, .. } => *created,
            _ => None,
        }
    }

    /// Whether nothing was sent because the input was refused.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::Invalid(_) | Error::Unsupported { .. })
    }

    /// Whether the call's own request provably never left: the input was
    /// refused, authentication failed before it (a token that could not be
    /// fetched, or a wait for one that ran out), or the transport failed
    /// before sending. A create that ends so made nothing.
    ///
    /// ```
    /// use qod_core::{Delivery, Error, TransportError};
    /// let refused = Error::Transport {
    ///     source: TransportError::new(Delivery::NotSent, "connection refused"),
    ///     correlator: None,
    ///     created: None,
    /// };
    /// assert!(refused.nothing_sent());
    /// ```
    pub fn nothing_sent(&self) -> bool {
        match self {
            Error::Invalid(_)
            | Error::Unsupported { .. }
            | Error::Encode(_)
            | Error::Request(_) => true,
            // A fresh token refused by the server was sent with the request.
            Error::Auth(error) => !matches!(error, crate::auth::AuthError::Rejected),
            Error::Transport {
                source, created, ..
            } => created.is_none() && source.delivery() == crate::Delivery::NotSent,
            _ => false,
        }
    }

    /// Sets the correlator where the response did not carry one.
    pub(crate) fn with_correlator(mut self, sent: Option<&str>) -> Self {
        let Some(sent) = sent else { return self };
        let slot = match &mut self {
            Error::Api(api) => &mut api.correlator,
            Error::UnexpectedResponse(unexpected) => &mut unexpected.correlator,
            Error::Decode { correlator, .. } | Error::Transport { correlator, .. } => correlator,
            _ => return self,
        };
        if slot.is_none() {
            *slot = Some(sent.to_owned());
        }
        self
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
    /// The `x-correlator` echoed by the server, or the one sent.
    pub correlator: Option<String>,
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
        )?;
        if let Some(correlator) = &self.correlator {
            write!(f, " (x-correlator {correlator})")?;
        }
        Ok(())
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
    /// The `x-correlator` of the call, when known.
    pub correlator: Option<String>,
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
        write!(f, "unexpected HTTP {} response", self.status.as_u16())?;
        if let Some(correlator) = &self.correlator {
            write!(f, " (x-correlator {correlator})")?;
        }
        write!(f, ": {}", describe_body(&self.body))
    }
}

impl std::error::Error for UnexpectedResponse {}

/// The start of a decode or transport error's message when a create made
/// something.
fn created_prefix(created: &Option<CreatedResource>) -> String {
    match created {
        None => String::new(),
        Some(CreatedResource::UnnamedSession) => "a session was probably created (the server \
            answered with success), but its id could not be read; on QoD 1.x retrieving the \
            device's sessions finds it: "
            .to_owned(),
        Some(CreatedResource::UnnamedAssignment) => "a QoS assignment was probably created \
            (the server answered with success), but its id could not be read; retrieving the \
            device's assignment finds it: "
            .to_owned(),
        Some(made) => format!("{made} was created, but "),
    }
}

/// What a transport error says happened: how far the request got, or,
/// after a create was answered with success, that the answer could not be
/// read whole.
fn transport_summary(source: &crate::TransportError, created: &Option<CreatedResource>) -> String {
    match created {
        Some(_) => format!(
            "{}its answer could not be read whole",
            created_prefix(created)
        ),
        None => source.delivery().describe().to_owned(),
    }
}

/// A body for a message, never silent: `empty body`, `N bytes, not UTF-8
/// text`, or `body: ` and its start as text.
pub(crate) fn describe_body(body: &[u8]) -> String {
    match head_text(body) {
        Some(_) if body.is_empty() => "empty body".to_owned(),
        Some(_) => format!("body: {}", snippet(body)),
        None => format!("{} bytes, not UTF-8 text", body.len()),
    }
}

/// The start of a body as text, for messages, with secrets redacted and
/// what could drive a terminal escaped. An empty body or one that is not
/// UTF-8 text says so.
pub(crate) fn snippet(body: &[u8]) -> String {
    let Some(head) = head_text(body) else {
        return format!("{} bytes, not UTF-8 text", body.len());
    };
    if body.is_empty() {
        return "empty body".to_owned();
    }
    let mut text = printable(&redact_secrets_in_text(head)).into_owned();
    if body.len() > head.len() {
        text.push('…');
    }
    text
}

/// The first [`SNIPPET_LEN`] bytes of `body` as text (shorter when that cut
/// a character in two), or `None` when they are not UTF-8.
fn head_text(body: &[u8]) -> Option<&str> {
    let head = &body[..body.len().min(SNIPPET_LEN)];
    match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        // Only a character cut by the end of the head: the text before it.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).ok()
        }
        Err(_) => None,
    }
}
