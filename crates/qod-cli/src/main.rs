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
        Command::Session(command) => commands::session(&cli.global, command),
        Command::Profile(command) => commands::profile(&cli.global, command),
        Command::Sandbox(args) => sandbox_command::run(args),
    };
    if let Err(failure) = result {
        eprintln!("error: {failure}");
        std::process::exit(failure.exit_code());
    }
}
