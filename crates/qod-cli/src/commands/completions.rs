//! `qod completions`: a shell's completion script, from the command's own
//! definitions.

use crate::failure::Failure;
use crate::output::write_stdout;

/// Prints the completion script of `shell` for `command` (the whole
/// command line's definition).
pub fn run(shell: clap_complete::Shell, command: &mut clap::Command) -> Result<(), Failure> {
    // Into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, command, "qod", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}
