//! `qod`: QoD sessions and profiles from the shell, and an offline sandbox.
//!
//! Exit status: 0 on success, 2 for invalid input (nothing was sent), 1 for
//! every other failure.

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod device_args;
mod failure;
mod sandbox_command;
mod setup;

use clap::Parser;
use qod::ureq_transport::WithoutRawTraffic;

use crate::cli::{Cli, Command};

/// Logs as `RUST_LOG` says (warnings by default), except ureq's hex dumps
/// of raw traffic, which would print tokens and credentials at trace level.
fn init_logging() {
    let logger =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).build();
    let max_level = logger.filter();
    if log::set_boxed_logger(Box::new(WithoutRawTraffic::new(logger))).is_ok() {
        log::set_max_level(max_level);
    }
}

fn main() {
    init_logging();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Session(command) => commands::session(&cli.global, &cli.output, command),
        Command::Profile(command) => commands::profile(&cli.global, &cli.output, command),
        Command::Sandbox(args) => sandbox_command::run(&cli.global, args),
    };
    if let Err(failure) = result {
        // Messages quote servers: control characters are escaped.
        eprintln!("error: {}", qod::core::printable(&failure.to_string()));
        if let Some(id) = failure.created_session() {
            // The server holds (and bills for) a session the caller has no other way to learn of.
            eprintln!("session {id} was created; delete it with: qod session delete {id}");
        }
        std::process::exit(failure.exit_code());
    }
}
