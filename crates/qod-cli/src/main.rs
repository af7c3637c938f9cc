//! `qod`: QoD sessions, assignments and profiles from the shell, and an offline sandbox.
//!
//! Exit status: 0 on success, 2 for invalid input (nothing was sent), 1 for
//! every other failure.

#![forbid(unsafe_code)]

mod assignment_commands;
mod cli;
mod commands;
mod device_args;
mod failure;
mod logging;
mod output;
mod progress;
mod sandbox_command;
mod setup;
mod table;
mod table_rows;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::output::Output;

fn main() {
    let cli = Cli::parse();
    logging::init(cli.output.verbose);
    let output = Output::new(&cli.output);
    let result = match &cli.command {
        Command::Session(command) => commands::session(&cli.global, &output, command),
        Command::Assignment(command) => {
            assignment_commands::assignment(&cli.global, &output, command)
        }
        Command::Profile(command) => commands::profile(&cli.global, &output, command),
        Command::Sandbox(args) => sandbox_command::run(&cli.global, args),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "qod", &mut std::io::stdout());
            Ok(())
        }
    };
    if let Err(failure) = result {
        // Messages quote servers: control characters are escaped.
        eprintln!("error: {}", qod::core::printable(&failure.to_string()));
        if let Some(hint) = failure.hint(cli.global.auth) {
            eprintln!("hint: {hint}");
        }
        if let Some(id) = failure.created_session() {
            // The server holds (and bills for) a session the caller has no other way to learn of.
            eprintln!("session {id} was created; delete it with: qod session delete {id}");
        }
        if let Some(id) = failure.created_assignment() {
            // An assignment has no end: it holds the device until revoked.
            eprintln!("assignment {id} was created; revoke it with: qod assignment revoke {id}");
        }
        std::process::exit(failure.exit_code());
    }
}
