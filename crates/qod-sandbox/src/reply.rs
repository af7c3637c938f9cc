//! What a handler answers, before it becomes an HTTP response.

use http::StatusCode;
use qod_models::{ErrorCode, ErrorInfo};
use serde::Serialize;

/// A status, a JSON body (or none) and extra headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply {
                status,
                body,
                headers: Vec::new(),
            },
            Err(e) => Reply::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                &format!("Internal server error: {e}"),
            ),
        }
    }

    pub(crate) fn empty(status: StatusCode) -> Reply {
        Reply {
            status,
            body: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub(crate) fn error(status: StatusCode, code: ErrorCode, message: &str) -> Reply {
        Reply::json(status, &ErrorInfo::new(status.as_u16(), code, message))
    }

    pub(crate) fn bad_request(message: &str) -> Reply {
        Reply::error(StatusCode::BAD_REQUEST, ErrorCode::InvalidArgument, message)
    }

    pub(crate) fn unauthenticated(message: &str) -> Reply {
        Reply::error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            message,
        )
    }

    pub(crate) fn not_found(message: &str) -> Reply {
        Reply::error(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    #[must_use]
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}
