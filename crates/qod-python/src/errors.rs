//! Errors as plain data for the Python side, which raises `qod.Error` and
//! its subclasses from them.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::{PyErr, create_exception};
use qod_core::{Error, ErrorKind};

create_exception!(
    _native,
    NativeInvalidInput,
    pyo3::exceptions::PyValueError,
    "Bad input, refused before anything was sent: `args` are the field and the rule."
);

/// A refusal of `field` for breaking `rule`, before anything is sent.
pub(crate) fn invalid(field: &str, rule: &str) -> PyErr {
    NativeInvalidInput::new_err((field.to_owned(), rule.to_owned()))
}

/// `error` as a tuple: `(kind, text, status, code, message, correlator,
/// created_session_id, created_assignment_id)`, where kind is `invalid`
/// (nothing was sent), `api` (the server answered with an error) or `error`.
pub(crate) fn error_tuple<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyTuple>> {
    let kind = match error.kind() {
        _ if error.is_invalid_input() => "invalid",
        _ if error.status().is_some() => "api",
        _ => "error",
    };
    let (code, message) = match error.kind() {
        ErrorKind::Api(api) => (
            Some(api.code.as_str().to_owned()),
            Some(api.message.clone()),
        ),
        _ => (None, None),
    };
    let created = error.created();
    PyTuple::new(
        py,
        [
            kind.into_pyobject(py)?.into_any(),
            error.to_string().into_pyobject(py)?.into_any(),
            error.status().map(|s| s.as_u16()).into_pyobject(py)?,
            code.into_pyobject(py)?,
            message.into_pyobject(py)?,
            error.correlator().into_pyobject(py)?,
            created
                .and_then(|c| c.session_id())
                .map(|id| id.to_string())
                .into_pyobject(py)?,
            created
                .and_then(|c| c.assignment_id())
                .map(|id| id.to_string())
                .into_pyobject(py)?,
        ],
    )
}
