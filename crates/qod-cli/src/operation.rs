//! Running one operation with the client the global options describe.

use qod::CallOptions;
use qod::core::Operation;

use crate::failure::Failure;
use crate::global_options::GlobalOptions;
use crate::setup;

/// Runs `operation` with a client the options describe. Called once its
/// input is checked, so that nothing (no token request) is sent before.
pub fn run<O: Operation>(
    options: &GlobalOptions,
    operation: &O,
    call: &CallOptions,
) -> Result<O::Output, Failure> {
    Ok(setup::client(options)?.execute(operation, call)?)
}
