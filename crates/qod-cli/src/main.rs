//! `qod`: QoD sessions, assignments and profiles from the shell, and an offline sandbox.
//!
//! Exit status: 0 on success, 2 for invalid input (nothing was sent), 1 for
//! every other failure. A closed pipe on stdout is not a failure (0, quietly,
//! as ripgrep does) unless a create's new id was lost with it (1).

#![forbid(unsafe_code)]

// First: the modules below use its macro.
mod stdio;

mod auth_mode;
mod cli;
mod commands;
mod device_args;
mod failure;
mod files;
mod flag;
mod global_options;
mod hint;
mod logging;
mod operation;
mod output;
mod progress;
mod setup;
mod signals;
mod sink;
mod table;
mod table_rows;
mod wait_args;

use crate::cli::Cli;
use crate::failure::Failure;
use crate::stdio::stderr_line;

fn main() {
    let cli = Cli::parse_with_sources().unwrap_or_else(|error| refuse_arguments(&error));
    logging::init(cli.output.verbose);
    let result = cli.run();
    if let Err(failure) = result {
        if failure.is_reader_gone() {
            std::process::exit(failure.exit_code());
        }
        // Messages quote servers: control characters are escaped.
        stderr_line!(
            "error: {}",
            clipped(&qod::core::printable(&failure.to_string()))
        );
        if let Some(hint) = hint::for_failure(&failure, &cli.global, &cli.command.device_flags()) {
            stderr_line!("hint: {hint}");
        }
        if let Some(made) = failure.created() {
            stderr_line!("{}", hint::created(made));
        } else if failure.nothing_sent()
            && let Some(kind) = cli.command.creates()
        {
            // A create that failed may have billed a session: say when it cannot have.
            stderr_line!("hint: the request was not sent: no {kind} was created");
        }
        std::process::exit(failure.exit_code());
    }
}

/// Ends the command when clap did not parse its arguments: `--help` and
/// `--version` print on stdout (status 0, or as any output that cannot be
/// written), errors on stderr (status 2).
fn refuse_arguments(error: &clap::Error) -> ! {
    if error.kind() == clap::error::ErrorKind::InvalidUtf8
        && let Some(variable) = cli::non_utf8_variable()
    {
        // clap does not say where the bytes were.
        stderr_line!("error: {variable} is not valid UTF-8");
        std::process::exit(2);
    }
    let rendered = error.render().to_string();
    if error.use_stderr() && rendered.chars().count() > MAX_MESSAGE {
        stderr_line!("{}", clipped(rendered.trim_end()));
        std::process::exit(error.exit_code());
    }
    let printed = error.print();
    if !error.use_stderr()
        && let Err(io_error) = printed
    {
        let failure = Failure::output(io_error);
        if !failure.is_reader_gone() {
            stderr_line!("error: {failure}");
        }
        std::process::exit(failure.exit_code());
    }
    std::process::exit(error.exit_code());
}

/// The most characters of a message printed: a value of 100 KB quoted
/// whole would bury what the message says.
const MAX_MESSAGE: usize = 2048;

/// `message`, cut to [`MAX_MESSAGE`] characters.
fn clipped(message: &str) -> std::borrow::Cow<'_, str> {
    let length = message.chars().count();
    if length <= MAX_MESSAGE {
        return message.into();
    }
    let kept: String = message.chars().take(MAX_MESSAGE).collect();
    format!("{kept}… ({} more characters)", length - MAX_MESSAGE).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_clipped() {
        assert_eq!(clipped("short"), "short");
        let long = "x".repeat(MAX_MESSAGE + 10);
        let cut = clipped(&long);
        assert!(cut.ends_with("… (10 more characters)"), "{cut}");
        assert_eq!(cut.chars().filter(|&c| c == 'x').count(), MAX_MESSAGE);
    }
}
