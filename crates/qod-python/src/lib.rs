//! The native half of the `qod` Python package: qod-core's call machine,
//! driven by a few lines of Python that do the HTTP with httpx.
//!
//! It speaks plain data only, so that a binding for another language can
//! follow the same pattern: a step is a tuple (send: method, URL, headers
//! as `(str, bytes)` pairs, body bytes and timeout seconds; sleep: seconds;
//! wait for another call's token: a [`TokenWaiter`] and seconds; done: the
//! result as JSON bytes, or an error as a tuple of its parts), an answer is
//! a status, headers and a body, and a transport failure is a delivery kind
//! (`qod_core::Delivery`: not sent, maybe sent, fatal) and a message. Time
//! is read from the system clock here and handed to the machine.

mod auth;
mod core;
mod errors;
mod job;
mod json_machine;
mod notification;
mod operations;
mod token_waiter;

use pyo3::prelude::*;

pub use crate::core::Core;
pub use crate::job::Job;
pub use crate::token_waiter::TokenWaiter;

/// The module `qod._native`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Core>()?;
    module.add_class::<Job>()?;
    module.add_class::<TokenWaiter>()?;
    let py = module.py();
    module.add(
        "NativeInvalidInput",
        py.get_type::<errors::NativeInvalidInput>(),
    )?;
    module.add_function(wrap_pyfunction!(notification::verify_notification, module)?)?;
    module.add("BODY_LIMIT", job::BODY_LIMIT)?;
    module.add("STEP_SEND", job::STEP_SEND)?;
    module.add("STEP_SLEEP", job::STEP_SLEEP)?;
    module.add("STEP_WAIT", job::STEP_WAIT)?;
    module.add("STEP_DONE", job::STEP_DONE)?;
    module.add("STEP_ERROR", job::STEP_ERROR)?;
    Ok(())
}
