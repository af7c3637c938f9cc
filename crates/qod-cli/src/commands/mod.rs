//! The subcommands, one file per command group, and which one runs.

pub mod assignment;
pub mod completions;
pub mod profile;
pub mod sandbox;
pub mod session;

use clap::Subcommand;

use crate::cli::Cli;
use crate::failure::Failure;
use crate::output::Output;
use assignment::AssignmentCommand;
use profile::ProfileCommand;
use sandbox::SandboxArgs;
use session::SessionCommand;

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// QoS sessions
    #[command(subcommand)]
    Session(SessionCommand),
    /// QoS assignments (QoS Provisioning, QoD 1.x operators): a QoS profile
    /// for a device with no end, until revoked
    #[command(subcommand)]
    Assignment(AssignmentCommand),
    /// QoS profiles
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Run the offline sandbox in the foreground
    Sandbox(SandboxArgs),
    /// Print the completion script of a shell, e.g. qod completions bash >
    /// ~/.local/share/bash-completion/completions/qod
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// What the command creates, when it is a create.
    pub fn creates(&self) -> Option<&'static str> {
        match self {
            Command::Session(SessionCommand::Create(_)) => Some("session"),
            Command::Assignment(AssignmentCommand::Create(_)) => Some("assignment"),
            _ => None,
        }
    }
}

/// Runs the command `cli` names.
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let output = Output::new(&cli.output);
    match &cli.command {
        Command::Session(command) => session::run(&cli.global, &output, command),
        Command::Assignment(command) => assignment::run(&cli.global, &output, command),
        Command::Profile(command) => profile::run(&cli.global, &output, command),
        Command::Sandbox(args) => sandbox::run(&cli.global, args),
        Command::Completions { shell } => completions::run(*shell),
    }
}
