//! CAMARA error bodies.

use serde::{Deserialize, Serialize};

use crate::open_enum;

open_enum! {
    /// The `code` of a CAMARA error, across QoD 0.10.1 and 1.1.0, QoS Profiles
    /// 1.1.0 and QoS Provisioning 0.3.0.
    pub enum ErrorCode {
        /// 400: the request does not follow the schema.
        InvalidArgument = "INVALID_ARGUMENT",
        /// 400: a value is out of range.
        OutOfRange = "OUT_OF_RANGE",
        /// 400: the duration is out of the profile's range (1.x).
        DurationOutOfRange = "QUALITY_ON_DEMAND.DURATION_OUT_OF_RANGE",
        /// 400: the sink credential kind is not supported (1.x).
        InvalidCredential = "INVALID_CREDENTIAL",
        /// 400: the sink token type is not supported (1.x).
        InvalidToken = "INVALID_TOKEN",
        /// 400: the sink is not valid (1.x).
        InvalidSink = "INVALID_SINK",
        /// 401: not authenticated.
        Unauthenticated = "UNAUTHENTICATED",
        /// 403: not allowed.
        PermissionDenied = "PERMISSION_DENIED",
        /// 403: the token's subject does not match the request.
        InvalidTokenContext = "INVALID_TOKEN_CONTEXT",
        /// 404: no such resource.
        NotFound = "NOT_FOUND",
        /// 404: the device identifier is not known (1.x).
        IdentifierNotFound = "IDENTIFIER_NOT_FOUND",
        /// 409: conflicts with an existing session, or an existing QoS
        /// assignment for the same device (QoS Provisioning).
        Conflict = "CONFLICT",
        /// 409: the session cannot be extended in its current state (1.x).
        SessionExtensionNotAllowed = "QUALITY_ON_DEMAND.SESSION_EXTENSION_NOT_ALLOWED",
        /// 410: gone.
        Gone = "GONE",
        /// 422: the service does not apply to the identifier (1.x).
        ServiceNotApplicable = "SERVICE_NOT_APPLICABLE",
        /// 422: no device identifier given and none in the token (1.x).
        MissingIdentifier = "MISSING_IDENTIFIER",
        /// 422: no given identifier is supported (1.x).
        UnsupportedIdentifier = "UNSUPPORTED_IDENTIFIER",
        /// 422: an identifier was given though the token identifies the device (1.x).
        UnnecessaryIdentifier = "UNNECESSARY_IDENTIFIER",
        /// 422: the profile exists but cannot be used now (1.x).
        QosProfileNotApplicable = "QUALITY_ON_DEMAND.QOS_PROFILE_NOT_APPLICABLE",
        /// 422: the profile exists but cannot be assigned to a device now:
        /// `INACTIVE`, `DEPRECATED` or unfit for it (QoS Provisioning).
        ProvisioningQosProfileNotApplicable = "QOS_PROVISIONING.QOS_PROFILE_NOT_APPLICABLE",
        /// 429: a business quota is exhausted.
        QuotaExceeded = "QUOTA_EXCEEDED",
        /// 429: rate limited.
        TooManyRequests = "TOO_MANY_REQUESTS",
        /// 500: server error.
        Internal = "INTERNAL",
        /// 501: not implemented.
        NotImplemented = "NOT_IMPLEMENTED",
        /// 503: unavailable.
        Unavailable = "UNAVAILABLE",
        /// 504: timeout.
        Timeout = "TIMEOUT",
    }
}

/// A CAMARA error body: `{status, code, message}`.
///
/// The spec types `status` as a plain integer, so any `int64` is read, not
/// only HTTP statuses.
///
/// ```
/// use qod_models::{ErrorCode, ErrorInfo};
/// let info: ErrorInfo = serde_json::from_str(
///     r#"{"status":409,"code":"CONFLICT","message":"Another session is created for the same device"}"#,
/// ).unwrap();
/// assert_eq!(info.code, ErrorCode::Conflict);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// The HTTP status the server meant (any integer the server wrote).
    pub status: i64,
    /// The error code.
    pub code: ErrorCode,
    /// A description.
    pub message: String,
}

impl ErrorInfo {
    /// An error body.
    pub fn new(status: impl Into<i64>, code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorInfo {
            status: status.into(),
            code,
            message: message.into(),
        }
    }
}
