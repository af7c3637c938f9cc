//! What a handler answers, before it becomes an HTTP response: the CAMARA
//! error bodies the sandbox writes, and how answers write instants
//! ([`json`]). Handlers and rules answer with it without knowing of HTTP
//! serving.

pub(crate) mod json;

use http::StatusCode;
use serde::Serialize;

/// The CAMARA error codes the sandbox answers with.
pub(crate) mod code {
    pub(crate) const INVALID_ARGUMENT: &str = "INVALID_ARGUMENT";
    pub(crate) const OUT_OF_RANGE: &str = "OUT_OF_RANGE";
    pub(crate) const DURATION_OUT_OF_RANGE: &str = "QUALITY_ON_DEMAND.DURATION_OUT_OF_RANGE";
    pub(crate) const INVALID_CREDENTIAL: &str = "INVALID_CREDENTIAL";
    pub(crate) const INVALID_TOKEN: &str = "INVALID_TOKEN";
    pub(crate) const INVALID_SINK: &str = "INVALID_SINK";
    pub(crate) const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub(crate) const PERMISSION_DENIED: &str = "PERMISSION_DENIED";
    pub(crate) const NOT_FOUND: &str = "NOT_FOUND";
    pub(crate) const IDENTIFIER_NOT_FOUND: &str = "IDENTIFIER_NOT_FOUND";
    pub(crate) const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    pub(crate) const REQUEST_TIMEOUT: &str = "REQUEST_TIMEOUT";
    /// For a 415, for which the specs' yaml has no code (nor for 405):
    /// named after the status, as `METHOD_NOT_ALLOWED` and `REQUEST_TIMEOUT` are.
    pub(crate) const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    pub(crate) const CONFLICT: &str = "CONFLICT";
    pub(crate) const SESSION_EXTENSION_NOT_ALLOWED: &str =
        "QUALITY_ON_DEMAND.SESSION_EXTENSION_NOT_ALLOWED";
    pub(crate) const SERVICE_NOT_APPLICABLE: &str = "SERVICE_NOT_APPLICABLE";
    pub(crate) const MISSING_IDENTIFIER: &str = "MISSING_IDENTIFIER";
    pub(crate) const UNNECESSARY_IDENTIFIER: &str = "UNNECESSARY_IDENTIFIER";
    pub(crate) const UNSUPPORTED_IDENTIFIER: &str = "UNSUPPORTED_IDENTIFIER";
    pub(crate) const QOS_PROFILE_NOT_APPLICABLE: &str =
        "QUALITY_ON_DEMAND.QOS_PROFILE_NOT_APPLICABLE";
    pub(crate) const PROVISIONING_QOS_PROFILE_NOT_APPLICABLE: &str =
        "QOS_PROVISIONING.QOS_PROFILE_NOT_APPLICABLE";
    pub(crate) const QUOTA_EXCEEDED: &str = "QUOTA_EXCEEDED";
    pub(crate) const TOO_MANY_REQUESTS: &str = "TOO_MANY_REQUESTS";
    pub(crate) const INTERNAL: &str = "INTERNAL";
    pub(crate) const UNAVAILABLE: &str = "UNAVAILABLE";
}

/// A status, a JSON body (or none) and extra headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    pub(crate) headers: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    code: &'a str,
    message: &'a str,
}

impl Reply {
    pub(crate) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply::raw_json(status, body),
            Err(e) => Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                code::INTERNAL,
                &format!("Internal server error: {e}"),
            ),
        }
    }

    /// A body that is JSON already.
    pub(crate) fn raw_json(status: StatusCode, body: Vec<u8>) -> Reply {
        Reply {
            status,
            body,
            headers: Vec::new(),
        }
    }

    pub(crate) fn empty(status: StatusCode) -> Reply {
        Reply::raw_json(status, Vec::new())
    }

    /// `{status, code, message}`.
    pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &ErrorBody {
                status: status.as_u16(),
                code,
                message,
            },
        )
    }

    /// 400 `INVALID_ARGUMENT`.
    pub(crate) fn invalid(message: &str) -> Reply {
        Reply::error(StatusCode::BAD_REQUEST, code::INVALID_ARGUMENT, message)
    }

    /// 400 `INVALID_ARGUMENT` for a value the schema does not allow.
    pub(crate) fn schema(path: &str, rule: &str) -> Reply {
        Reply::invalid(&format!("Schema validation failed at {path}: {rule}"))
    }

    /// 400 `INVALID_ARGUMENT` for a required property that is absent.
    pub(crate) fn missing(path: &str) -> Reply {
        Reply::invalid(&format!("Expected property is missing: {path}"))
    }

    /// 400 `OUT_OF_RANGE`.
    pub(crate) fn out_of_range(message: &str) -> Reply {
        Reply::error(StatusCode::BAD_REQUEST, code::OUT_OF_RANGE, message)
    }

    pub(crate) fn unauthenticated(message: &str) -> Reply {
        Reply::error(StatusCode::UNAUTHORIZED, code::UNAUTHENTICATED, message)
    }

    pub(crate) fn forbidden(message: &str) -> Reply {
        Reply::error(StatusCode::FORBIDDEN, code::PERMISSION_DENIED, message)
    }

    pub(crate) fn not_found(message: &str) -> Reply {
        Reply::error(StatusCode::NOT_FOUND, code::NOT_FOUND, message)
    }

    pub(crate) fn unprocessable(code: &str, message: &str) -> Reply {
        Reply::error(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    #[must_use]
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_camara_error_info() {
        let reply = Reply::schema("device.phoneNumber", "must match ^\\+[1-9][0-9]{4,14}$");
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["status"], 400);
        assert_eq!(body["code"], "INVALID_ARGUMENT");
        assert_eq!(
            body["message"],
            "Schema validation failed at device.phoneNumber: must match ^\\+[1-9][0-9]{4,14}$"
        );
    }
}
