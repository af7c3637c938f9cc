//! Verifying a notification a webhook or sink received.

use http::Request;
use pyo3::prelude::*;
use qod_core::models::QosStatusChangedEvent;

use crate::errors::invalid;

/// Checks a session's status notification (method POST, headers, body, and
/// the token the sink expects, if any) and returns its event as JSON.
#[pyfunction]
#[pyo3(signature = (headers, body, expected_token=None))]
pub(crate) fn verify_notification(
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    expected_token: Option<&str>,
) -> PyResult<Vec<u8>> {
    let mut builder = Request::builder().method("POST").uri("/");
    for (name, value) in &headers {
        builder = builder.header(name.as_str(), value.as_slice());
    }
    let request = builder
        .body(body)
        .map_err(|e| invalid("headers", &e.to_string()))?;
    let event: QosStatusChangedEvent = qod_core::notification::verify(&request, expected_token)
        .map_err(|e| invalid("notification", &e.to_string()))?;
    serde_json::to_vec(&event).map_err(|e| invalid("notification", &e.to_string()))
}
