//! Assembling HTTP requests.

use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Uri};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use qod_models::XCorrelator;
use serde::Serialize;

use crate::{Error, ErrorKind, Idempotent};

use crate::headers::X_CORRELATOR;

/// The media type of request and response bodies.
pub(crate) const JSON: &str = "application/json";

/// Characters escaped in a path segment (RFC 3986 `pchar` minus `/`).
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// Characters escaped in a query value.
const QUERY_VALUE: &AsciiSet = &PATH_SEGMENT.add(b'&').add(b'=').add(b'+').add(b';');

/// A path segment, percent-encoded.
pub(crate) fn segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// A query value, percent-encoded.
pub(crate) fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// A request with `accept: application/json`, the correlator, and for a
/// body `content-type: application/json`. GET and DELETE carry no body.
pub(crate) fn build<B: Serialize>(
    method: Method,
    uri: Uri,
    body: Option<&B>,
    correlator: Option<&XCorrelator>,
) -> Result<Request<Vec<u8>>, Error> {
    let bytes = match body {
        Some(body) => serde_json::to_vec(body).map_err(|e| Error::from(ErrorKind::Encode(e)))?,
        None => Vec::new(),
    };
    let mut request = Request::new(bytes);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static(JSON));
    if body.is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    if let Some(correlator) = correlator {
        let value = HeaderValue::try_from(correlator.as_str()).map_err(http::Error::from)?;
        headers.insert(X_CORRELATOR, value);
    }
    Ok(request)
}

/// `request` marked as safe to replay although its method is `POST`: a
/// read such as `retrieve-sessions`. See [`Idempotent`].
pub(crate) fn read_only(mut request: Request<Vec<u8>>) -> Request<Vec<u8>> {
    request.extensions_mut().insert(Idempotent);
    request
}
