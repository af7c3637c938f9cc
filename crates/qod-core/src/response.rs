//! The one status gate every response passes through.

use http::response::Parts;
use http::{HeaderMap, Response};
use qod_models::ErrorCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, ErrorKind, UnexpectedResponse};
use crate::headers::X_CORRELATOR;

/// A CAMARA error body read leniently: servers send `status` as a string,
/// leave out `message`, or add fields.
#[derive(Deserialize)]
struct LenientErrorInfo {
    code: String,
    #[serde(default)]
    message: Option<serde_json::Value>,
}

fn response_correlator(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&X_CORRELATOR)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Passes a 2xx response's body on; turns everything else into an error.
///
/// A non-2xx body with a string `code` is a CAMARA [`ApiError`]; any other
/// body is kept whole in an [`UnexpectedResponse`].
fn gate(parts: &Parts, body: Vec<u8>) -> Result<Vec<u8>, Error> {
    if parts.status.is_success() {
        return Ok(body);
    }
    let kind = match serde_json::from_slice::<LenientErrorInfo>(&body) {
        Ok(info) => {
            let message = match info.message {
                Some(serde_json::Value::String(text)) => text,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            ErrorKind::Api(ApiError {
                status: parts.status,
                code: ErrorCode::from(info.code),
                message,
                body: body.into(),
            })
        }
        Err(_) => ErrorKind::UnexpectedResponse(UnexpectedResponse {
            status: parts.status,
            body: body.into(),
        }),
    };
    Err(Error::from(kind).with_echoed_correlator(response_correlator(&parts.headers)))
}

/// Gates a response and parses its body as `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(response: Response<Vec<u8>>) -> Result<T, Error> {
    let (parts, body) = response.into_parts();
    let body = gate(&parts, body)?;
    serde_json::from_slice(&body).map_err(|source| {
        Error::from(ErrorKind::Decode {
            status: parts.status,
            body: body.into(),
            source,
        })
        .with_echoed_correlator(response_correlator(&parts.headers))
    })
}

/// Gates a response whose body, if any, carries nothing (DELETE → 204).
pub(crate) fn parse_empty(response: Response<Vec<u8>>) -> Result<(), Error> {
    let (parts, body) = response.into_parts();
    gate(&parts, body).map(|_| ())
}
