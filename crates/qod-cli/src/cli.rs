//! The command line: the global options and the subcommands, parsed, and
//! which subcommand runs.

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, ValueHint};

use crate::auth_mode::AuthFlag;
use crate::commands::{self, Command};
use crate::failure::Failure;
use crate::global_options::{GlobalOptions, OutputOptions};
use crate::output::Output;

/// The first `QOD_` variable the command reads as text whose value is not
/// UTF-8: clap refuses it without saying where the bytes were. Variables
/// holding paths take any bytes.
pub fn non_utf8_variable() -> Option<String> {
    fn search(command: &clap::Command) -> Option<String> {
        let own = command.get_arguments().find_map(|arg| {
            let takes_a_path = matches!(
                arg.get_value_hint(),
                ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
            );
            let name = arg.get_env()?;
            let value = std::env::var_os(name)?;
            (!takes_a_path && value.to_str().is_none()).then(|| name.to_string_lossy().into_owned())
        });
        own.or_else(|| command.get_subcommands().find_map(search))
    }
    search(&<Cli as clap::CommandFactory>::command())
}

/// What `qod --help` ends with.
const AFTER_HELP: &str = "\
Every global option can also be set by its environment variable, shown beside it.
RUST_LOG sets what is logged on stderr (e.g. RUST_LOG=debug); ureq's dumps of raw
traffic, which would show tokens, stay off whatever it says.

Exit status: 0 success, 2 invalid input (nothing was sent), 1 any other failure.
A reader that closes stdout early (qod ... | head -1) ends qod quietly with 0,
except after a create: its id then goes to stderr, with status 1.";

/// Quality-on-Demand from the shell: create, watch, extend and delete QoS
/// sessions, assign QoS profiles to devices until revoked (QoS
/// Provisioning), read QoS profiles, or run an offline sandbox.
#[derive(Debug, Parser)]
#[command(name = "qod", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(flatten)]
    pub output: OutputOptions,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line and the environment, noting which auth flags the
    /// command line itself gave (clap's value source).
    pub fn parse_with_sources() -> Result<Cli, clap::Error> {
        let mut matches = Cli::command().try_get_matches()?;
        // Before the values are taken out of `matches`, and their sources with them.
        let on_command_line = AuthFlag::ALL
            .into_iter()
            .filter(|flag| flag.is_global())
            .filter(|flag| matches.value_source(flag.id()) == Some(ValueSource::CommandLine))
            .collect();
        let mut cli =
            Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut Cli::command()))?;
        cli.global.auth_flags_on_command_line = on_command_line;
        Ok(cli)
    }

    /// Runs the command the command line names.
    pub fn run(&self) -> Result<(), Failure> {
        let output = Output::new(&self.output);
        let global = &self.global;
        match &self.command {
            Command::Session(command) => commands::session::run(global, &output, command),
            Command::Assignment(command) => commands::assignment::run(global, &output, command),
            Command::Profile(command) => commands::profile::run(global, &output, command),
            Command::Auth(command) => commands::auth::run(global, command),
            Command::Sandbox(args) => commands::sandbox::run(global, args),
            Command::Completions { shell } => {
                commands::completions::run(*shell, &mut Cli::command())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_global_option_reads_the_environment_and_the_readme_lists_it() {
        // The README sits beside the crate in the repository, inside it when packaged.
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let readme = [manifest.join("README.md"), manifest.join("../../README.md")]
            .into_iter()
            .find_map(|path| std::fs::read_to_string(path).ok())
            .expect("README.md");
        let command = Cli::command();
        let globals: Vec<_> = command
            .get_arguments()
            .filter(|arg| arg.is_global_set())
            .collect();
        assert!(globals.len() >= 15, "{}", globals.len());
        for arg in globals {
            let Some(var) = arg.get_env() else {
                panic!("--{} reads no environment variable", arg.get_id());
            };
            let var = var.to_string_lossy();
            assert!(var.starts_with("QOD_"), "{var}");
            assert!(
                readme.contains(&format!("`{var}`")),
                "README does not list {var}"
            );
        }
    }
}
