//! The subcommands, one file per command group, and which one runs.

pub mod assignment;
pub mod auth;
pub mod completions;
pub mod hold;
pub mod profile;
pub mod sandbox;
pub mod session;

use clap::Subcommand;

use assignment::AssignmentCommand;
use auth::AuthCommand;
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
    /// Tokens: qod auth token prints the access token the --auth flow gets
    #[command(subcommand)]
    Auth(AuthCommand),
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

    /// The device flags the command line gave, for hints.
    pub fn device_flags(&self) -> Vec<&'static str> {
        match self {
            Command::Session(SessionCommand::Create(args)) => args.device.given_flags(),
            Command::Session(SessionCommand::Retrieve(device))
            | Command::Assignment(AssignmentCommand::Retrieve(device))
            | Command::Profile(ProfileCommand::List { device, .. }) => device.given_flags(),
            Command::Assignment(AssignmentCommand::Create(args)) => args.device.given_flags(),
            _ => Vec::new(),
        }
    }
}
