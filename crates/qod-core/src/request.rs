//! Assembling HTTP requests.

use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Uri};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use qod_models::XCorrelator;
use serde::Serialize;

use crate::Error;
use crate::response::X_CORRELATOR;

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
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(ACCEPT, HeaderValue::from_static(JSON));
    if let Some(correlator) = correlator {
        builder = builder.header(
            X_CORRELATOR,
            HeaderValue::try_from(correlator.as_str()).map_err(http::Error::from)?,
        );
    }
    let bytes = match body {
        Some(body) => {
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static(JSON));
            serde_json::to_vec(body).map_err(Error::Encode)?
        }
        None => Vec::new(),
    };
    Ok(builder.body(bytes)?)
}
