//! `Job`: one machine (a call or a status wait) that Python drives step by
//! step. A Rust panic is caught here and raised as an exception; it never
//! unwinds into the interpreter.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::SystemTime;

use http::{HeaderName, HeaderValue, Response, StatusCode};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyString, PyTuple};
use qod_core::{Delivery, RequestTimeout, Step, TransportError};

use crate::errors::{error_tuple, invalid};
use crate::json_machine::JsonMachine;
use crate::token_waiter::TokenWaiter;

/// `(STEP_SEND, method, url, headers, body, timeout_seconds)`.
pub(crate) const STEP_SEND: u8 = 0;
/// `(STEP_SLEEP, seconds)`.
pub(crate) const STEP_SLEEP: u8 = 1;
/// `(STEP_WAIT, waiter, at_most_seconds)`.
pub(crate) const STEP_WAIT: u8 = 2;
/// `(STEP_DONE, json_bytes)`.
pub(crate) const STEP_DONE: u8 = 3;
/// `(STEP_ERROR, error_tuple)`.
pub(crate) const STEP_ERROR: u8 = 4;

/// Where the driver is with the machine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// Ask for the next step.
    Ask,
    /// A request is out: hand its outcome back.
    Answer,
    /// Done, or broken by a panic: nothing more to do.
    Over,
}

/// One call or status wait, driven by Python.
#[pyclass(module = "qod._native")]
pub struct Job {
    machine: Box<dyn JsonMachine>,
    turn: Turn,
}

impl Job {
    pub(crate) fn new(machine: Box<dyn JsonMachine>) -> Self {
        Job {
            machine,
            turn: Turn::Ask,
        }
    }

    fn expect(&self, turn: Turn, what: &str) -> PyResult<()> {
        match self.turn == turn {
            true => Ok(()),
            false => Err(PyRuntimeError::new_err(format!(
                "qod: {what} out of turn (a bug of the driver)"
            ))),
        }
    }

    fn hand_over(&mut self, result: Result<Response<Vec<u8>>, TransportError>) -> PyResult<()> {
        self.expect(Turn::Answer, "an answer")?;
        let machine = &mut self.machine;
        let received = catch_unwind(AssertUnwindSafe(|| {
            machine.receive(result, SystemTime::now());
        }));
        match received {
            Ok(()) => {
                self.turn = Turn::Ask;
                Ok(())
            }
            Err(_) => {
                self.turn = Turn::Over;
                Err(PyRuntimeError::new_err(
                    "qod: the call machine failed (a bug of qod)",
                ))
            }
        }
    }
}

fn seconds(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64()
}

#[pymethods]
impl Job {
    /// What to do next, as a tuple whose first item is a `STEP_*` constant.
    fn next_step<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.expect(Turn::Ask, "a step")?;
        let machine = &mut self.machine;
        let Ok(step) = catch_unwind(AssertUnwindSafe(|| machine.next_step(SystemTime::now())))
        else {
            self.turn = Turn::Over;
            return Err(PyRuntimeError::new_err(
                "qod: the call machine failed (a bug of qod)",
            ));
        };
        match step {
            Step::Send(request) => {
                self.turn = Turn::Answer;
                let timeout = request
                    .extensions()
                    .get::<RequestTimeout>()
                    .map(|RequestTimeout(left)| seconds(*left));
                let (parts, body) = request.into_parts();
                // Text where the value is visible ASCII (every header qod
                // makes), as httpx reads it fastest; bytes otherwise.
                let headers: Vec<(&str, Bound<'py, PyAny>)> = parts
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        let value = match value.to_str() {
                            Ok(text) => PyString::new(py, text).into_any(),
                            Err(_) => PyBytes::new(py, value.as_bytes()).into_any(),
                        };
                        (name.as_str(), value)
                    })
                    .collect();
                (
                    STEP_SEND,
                    parts.method.as_str(),
                    parts.uri.to_string(),
                    headers,
                    PyBytes::new(py, &body),
                    timeout,
                )
                    .into_pyobject(py)
            }
            Step::Sleep(delay) => (STEP_SLEEP, seconds(delay)).into_pyobject(py),
            Step::WaitForToken { wait, at_most } => {
                (STEP_WAIT, TokenWaiter::new(wait), seconds(at_most)).into_pyobject(py)
            }
            Step::Done(Ok(json)) => {
                self.turn = Turn::Over;
                (STEP_DONE, PyBytes::new(py, &json)).into_pyobject(py)
            }
            Step::Done(Err(error)) => {
                self.turn = Turn::Over;
                (STEP_ERROR, error_tuple(py, &error)?).into_pyobject(py)
            }
        }
    }

    /// Hands over the answer to the request out: status, headers as
    /// `(name, value)` pairs, body.
    fn receive(
        &mut self,
        status: u16,
        headers: Vec<(PyBackedBytes, PyBackedBytes)>,
        body: &[u8],
    ) -> PyResult<()> {
        let mut builder = Response::builder().status(status);
        let mut malformed = None;
        if let Some(map) = builder.headers_mut() {
            map.reserve(headers.len());
            for (name, value) in headers {
                match (
                    HeaderName::from_bytes(&name),
                    HeaderValue::from_bytes(&value),
                ) {
                    (Ok(name), Ok(value)) => {
                        map.append(name, value);
                    }
                    _ => malformed = Some(String::from_utf8_lossy(&name).into_owned()),
                }
            }
        }
        let result = match (malformed, builder.body(body.to_vec())) {
            (None, Ok(response)) => Ok(response),
            (Some(name), _) => Err(TransportError::new(
                Delivery::MaybeSent,
                format!("the answer has a malformed header {name:?}"),
            )),
            (None, Err(e)) => Err(TransportError::new(
                Delivery::MaybeSent,
                format!("the answer is malformed: {e}"),
            )),
        };
        self.hand_over(result)
    }

    /// Hands over a transport failure of the request out: `delivery` 0 when
    /// it was not sent (a refused connection), 1 when it may have been (a
    /// timeout while reading), 2 when it cannot succeed (a refused
    /// certificate); `message` says what happened.
    fn fail(&mut self, delivery: u8, message: &str) -> PyResult<()> {
        let delivery = match delivery {
            0 => Delivery::NotSent,
            1 => Delivery::MaybeSent,
            2 => Delivery::Fatal,
            _ => return Err(invalid("delivery", "must be 0, 1 or 2")),
        };
        self.hand_over(Err(TransportError::new(delivery, message)))
    }

    /// Hands over an answer whose body ran past [`BODY_LIMIT`] bytes:
    /// `body` is what was read, up to the limit. A fatal failure, as in the
    /// Rust transports, which keeps the status and what arrived: after a
    /// create it may name the session made.
    fn cut_short(&mut self, status: u16, body: &[u8]) -> PyResult<()> {
        let message = format!("the response body is larger than the {BODY_LIMIT}-byte limit");
        let mut failure = TransportError::new(Delivery::Fatal, message);
        if let Ok(status) = StatusCode::from_u16(status) {
            let kept = &body[..body.len().min(BODY_LIMIT)];
            failure = failure.with_partial_response(status, kept.to_vec());
        }
        self.hand_over(Err(failure))
    }
}

/// The most bytes of a response body the Python side reads, as the Rust
/// transports do by default.
pub const BODY_LIMIT: usize = qod_core::transport::DEFAULT_BODY_LIMIT;
