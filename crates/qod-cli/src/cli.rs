//! The command line: global options (each also read from the environment,
//! shown under their own heading after a command's own) and subcommands.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, ValueEnum, ValueHint};

use crate::auth_mode::{AuthFlag, AuthMode, Given};
use crate::commands::Command;

/// The longest `--timeout`, in seconds: an hour.
pub const MAX_TIMEOUT_SECS: u64 = 3600;
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

/// A switch's environment variable: true/false, 1/0, yes/no or on/off.
fn boolish() -> BoolishValueParser {
    BoolishValueParser::new()
}

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

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
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// JSON as the API sends it.
    Json,
    /// One row per item, times in RFC 3339.
    Table,
}

/// What is printed, and how.
#[derive(Debug, Args)]
#[command(next_help_heading = GLOBAL)]
pub struct OutputOptions {
    /// json as the API sends it, or table: a row per item, times in RFC 3339
    /// [default: table on a terminal, json otherwise]
    #[arg(
        long,
        value_name = "FORMAT",
        env = "QOD_OUTPUT",
        global = true,
        hide_possible_values = true
    )]
    pub output: Option<OutputFormat>,
    /// Print the secrets a server echoes (a webhook's notificationAuthToken, a
    /// sinkCredential's tokens) instead of "[redacted]"
    #[arg(long, env = "QOD_SHOW_SECRETS", global = true, value_parser = boolish())]
    pub show_secrets: bool,
    /// Print one line per HTTP exchange on stderr: method, path, status,
    /// x-correlator, time taken (never a header, token or body)
    #[arg(short, long, env = "QOD_VERBOSE", global = true, value_parser = boolish())]
    pub verbose: bool,
}

/// How to reach and authenticate to the API.
#[derive(Debug, Args)]
#[command(next_help_heading = GLOBAL)]
pub struct GlobalOptions {
    /// API base URL, ending in /v0 (QoD 0.10, e.g. T-Mobile's) or /v1 (QoD 1.x)
    #[arg(long, value_name = "URL", env = "QOD_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Wire version: 0.10 or 1 (inferred from the base path when absent)
    #[arg(long, value_name = "VERSION", env = "QOD_API_VERSION", global = true)]
    pub api_version: Option<String>,
    /// Operator rules: tmobile (optional applicationServer, duration at least
    /// 60 s; default for 0.10) or camara (the spec as written; default for 1)
    #[arg(long, env = "QOD_FLAVOR", global = true, hide_possible_values = true)]
    pub flavor: Option<FlavorArg>,
    /// none (a local sandbox), bearer (a token you have), oauth2 (client
    /// credentials) or tmobile (TAAP: token plus proof of possession)
    #[arg(
        long,
        value_name = "MODE",
        env = "QOD_AUTH",
        value_enum,
        default_value = "none",
        global = true,
        hide_possible_values = true
    )]
    pub auth: AuthMode,
    /// Bearer token (--auth bearer)
    #[arg(long, env = "QOD_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// Client id (--auth oauth2|tmobile)
    #[arg(long, env = "QOD_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// Client secret (--auth oauth2|tmobile)
    #[arg(long, env = "QOD_CLIENT_SECRET", hide_env_values = true, global = true)]
    pub client_secret: Option<String>,
    /// PKCS#8 PEM RSA key that signs PoP tokens (--auth tmobile)
    #[arg(long, value_name = "FILE", env = "QOD_PRIVATE_KEY_FILE", global = true)]
    pub private_key: Option<PathBuf>,
    /// Token URL (--auth oauth2; for tmobile it defaults to the base URL's
    /// scheme and host with the path /oauth2/v2/tokens)
    #[arg(long, value_name = "URL", env = "QOD_TOKEN_URL", global = true)]
    pub token_url: Option<String>,
    /// x-correlator to send (a fresh UUID by default)
    #[arg(long, env = "QOD_CORRELATOR", global = true)]
    pub correlator: Option<String>,
    /// QoS Provisioning base URL, for `qod assignment` (by default a 1.x
    /// --base-url's .../quality-on-demand/v1 with .../qos-provisioning/v0.3
    /// in its place; a 0.10 base URL has none)
    #[arg(long, value_name = "URL", env = "QOD_PROVISIONING_URL", global = true)]
    pub provisioning_url: Option<String>,
    /// Timeout of each HTTP exchange, in seconds (1 to 3600)
    #[arg(
        long,
        value_name = "SECS",
        env = "QOD_TIMEOUT",
        global = true,
        value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS)
    )]
    pub timeout: Option<u64>,
    /// Allow plain http to hosts other than loopback (tokens cross the network in clear text)
    #[arg(long, env = "QOD_ALLOW_PLAIN_HTTP", global = true, value_parser = boolish())]
    pub allow_plain_http: bool,
    /// The auth flags the command line gave (not their environment
    /// variables), which [`Cli::parse_with_sources`] fills in.
    #[arg(skip)]
    pub auth_flags_on_command_line: Vec<AuthFlag>,
}

impl GlobalOptions {
    /// Where `flag`'s value came from; never given for a flag that is not
    /// a global option.
    pub fn source(&self, flag: AuthFlag) -> Given {
        let present = match flag {
            AuthFlag::Token => self.token.is_some(),
            AuthFlag::ClientId => self.client_id.is_some(),
            AuthFlag::ClientSecret => self.client_secret.is_some(),
            AuthFlag::PrivateKey => self.private_key.is_some(),
            AuthFlag::TokenUrl => self.token_url.is_some(),
            AuthFlag::ClientPublicKey => false,
        };
        if !present {
            Given::Absent
        } else if self.auth_flags_on_command_line.contains(&flag) {
            Given::CommandLine
        } else {
            Given::Environment
        }
    }
}

/// Operator flavors (explained in `--flavor`'s help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlavorArg {
    /// The CAMARA spec as written.
    Camara,
    /// T-Mobile's rules.
    Tmobile,
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
