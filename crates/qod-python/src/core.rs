//! `Core`: a client's transport-free half (endpoint, credentials and their
//! token cache, retry policy), shared by every call a Python client starts.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use qod_core::models::XCorrelator;
use qod_core::{CallOptions, ClientCore, Endpoint};

use crate::errors::invalid;
use crate::job::Job;
use crate::{auth, operations};

/// One client's core. Threads and tasks that share it share its tokens.
#[pyclass(module = "qod._native", frozen)]
pub struct Core {
    core: Arc<ClientCore>,
}

#[pymethods]
impl Core {
    /// A core for `base_url` with the credentials `auth` describes (see
    /// `qod._native.pyi`).
    #[new]
    #[pyo3(signature = (base_url, auth=None))]
    fn new(base_url: &str, auth: Option<&Bound<'_, PyTuple>>) -> PyResult<Self> {
        let endpoint = Endpoint::new(base_url).map_err(|e| invalid("base_url", &e.to_string()))?;
        let credentials = auth::credentials(auth)?;
        let core = ClientCore::new(endpoint).with_credentials(credentials);
        Ok(Core {
            core: Arc::new(core),
        })
    }

    /// Starts `operation` with its arguments as a JSON object; nothing is
    /// built or sent until the first step.
    #[pyo3(signature = (operation, args, correlator=None, time_limit=None))]
    fn start(
        &self,
        operation: &str,
        args: &[u8],
        correlator: Option<&str>,
        time_limit: Option<f64>,
    ) -> PyResult<Job> {
        let mut options = CallOptions::new();
        if let Some(correlator) = correlator {
            let correlator = XCorrelator::parse(correlator)
                .map_err(|e| invalid("correlator", &e.to_string()))?;
            options = options.with_correlator(correlator);
        }
        if let Some(limit) = time_limit {
            let limit = Duration::try_from_secs_f64(limit)
                .map_err(|_| invalid("time_limit", "must be a number of seconds, 0 or more"))?;
            options = options.with_time_limit(limit);
        }
        // Reading the arguments never panics by design; if it ever did, the
        // caller gets an exception, not an unwinding interpreter.
        let started = catch_unwind(AssertUnwindSafe(|| {
            operations::start(&self.core, operation, args, &options)
        }));
        match started {
            Ok(machine) => Ok(Job::new(machine?)),
            Err(_) => Err(PyRuntimeError::new_err(
                "qod: starting the call failed (a bug of qod)",
            )),
        }
    }
}
