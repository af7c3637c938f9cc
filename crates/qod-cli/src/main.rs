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

use crate::cli::{Cli, Command};

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Session(command) => commands::session(&cli.global, &cli.output, command),
        Command::Profile(command) => commands::profile(&cli.global, &cli.output, command),
        Command::Sandbox(args) => sandbox_command::run(args),
    };
    if let Err(failure) = result {
        eprintln!("error: {failure}");
        if let Some(id) = failure.created_session() {
            // The server holds (and bills for) a session the caller has no other way to learn of.
            eprintln!("session {id} was created; delete it with: qod session delete {id}");
        }
        std::process::exit(failure.exit_code());
    }
}
