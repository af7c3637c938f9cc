//! The command line: global options (each also read from the environment,
//! shown under their own heading after a command's own) and subcommands.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

/// The longest `--timeout`, in seconds: an hour.
pub const MAX_TIMEOUT_SECS: u64 = 3600;
/// The shortest `--interval` between polls, in seconds.
pub const MIN_INTERVAL_SECS: f64 = 0.1;
/// The longest `--interval` between polls, in seconds: an hour.
pub const MAX_INTERVAL_SECS: f64 = 3600.0;
/// The longest `--max-wait`, in seconds: a day, the longest 0.10 session.
pub const MAX_WAIT_SECS: f64 = 86_400.0;

/// A number of seconds from `min` to `max`, fractions allowed; NaN and
/// infinities are outside every range.
fn seconds_within(text: &str, min: f64, max: f64) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (min..=max).contains(&seconds) => Ok(Duration::from_secs_f64(seconds)),
        _ => Err(format!("must be a number of seconds from {min} to {max}")),
    }
}

/// `--interval`: bounded so that a typo can neither poll the server in a
/// tight loop nor overflow a clock.
fn interval(text: &str) -> Result<Duration, String> {
    seconds_within(text, MIN_INTERVAL_SECS, MAX_INTERVAL_SECS)
}

/// `--max-wait`: 0 (one reading, no waiting) to a day, bounded so that a
/// deadline cannot overflow a clock.
fn max_wait(text: &str) -> Result<Duration, String> {
    seconds_within(text, 0.0, MAX_WAIT_SECS)
}

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
}

/// Authentication modes (explained in `--auth`'s help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// No authentication.
    None,
    /// A bearer token.
    Bearer,
    /// OAuth 2.0 client credentials.
    Oauth2,
    /// T-Mobile TAAP.
    Tmobile,
}

/// Operator flavors (explained in `--flavor`'s help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlavorArg {
    /// The CAMARA spec as written.
    Camara,
    /// T-Mobile's rules.
    Tmobile,
}

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

/// Device identifiers.
#[derive(Debug, Args, Default)]
pub struct DeviceArgs {
    /// Phone number, e.g. +14255550100
    #[arg(long)]
    pub phone: Option<String>,
    /// Public IPv4 address, optionally with the public port: 203.0.113.7:5060
    #[arg(long)]
    pub ipv4: Option<String>,
    /// Private IPv4 address behind NAT (with --ipv4)
    #[arg(long)]
    pub ipv4_private: Option<Ipv4Addr>,
    /// IPv6 address
    #[arg(long)]
    pub ipv6: Option<Ipv6Addr>,
    /// Network access identifier, e.g. 123456789@domain.com
    #[arg(long)]
    pub nai: Option<String>,
}

/// Session subcommands.
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Create a session
    Create(Box<CreateArgs>),
    /// Read a session
    Get {
        /// Session id
        id: String,
    },
    /// Delete a session
    Delete {
        /// Session id
        id: String,
    },
    /// Extend an AVAILABLE session
    Extend {
        /// Session id
        id: String,
        /// Seconds to add
        #[arg(long)]
        seconds: u32,
    },
    /// The sessions of a device (QoD 1.x)
    List(DeviceArgs),
    /// Poll until the session is AVAILABLE or UNAVAILABLE
    Wait {
        /// Session id
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// How `wait` polls.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Seconds between polls (0.1 to 3600)
    #[arg(
        long,
        value_name = "SECS",
        default_value = "1",
        value_parser = interval,
        allow_negative_numbers = true
    )]
    pub interval: Duration,
    /// Give up after this many seconds (0 to 86400)
    #[arg(
        long,
        value_name = "SECS",
        default_value = "120",
        value_parser = max_wait,
        allow_negative_numbers = true
    )]
    pub max_wait: Duration,
}

/// Assignment subcommands.
#[derive(Debug, Subcommand)]
pub enum AssignmentCommand {
    /// Assign a QoS profile to a device, until revoked
    Create(AssignmentCreateArgs),
    /// Read an assignment
    Get {
        /// Assignment id
        id: String,
    },
    /// The assignment of a device
    Retrieve(DeviceArgs),
    /// Revoke an assignment
    Revoke {
        /// Assignment id
        id: String,
    },
    /// Poll until the assignment is AVAILABLE or UNAVAILABLE
    Wait {
        /// Assignment id
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `qod assignment create`.
#[derive(Debug, Args)]
pub struct AssignmentCreateArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// QoS profile, e.g. QOS_L
    #[arg(long)]
    pub profile: String,
    /// Notification sink, https
    #[arg(long)]
    pub sink: Option<String>,
    /// Access token the server puts on notifications (valid for a year: an
    /// assignment has no end)
    #[arg(long, requires = "sink")]
    pub sink_token: Option<String>,
}

/// `qod session create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// QoS profile, e.g. QOS_VC or QOS_E
    #[arg(long)]
    pub profile: String,
    /// Duration in seconds
    #[arg(long)]
    pub duration: Option<u32>,
    /// Application server IPv4 address or network (1.2.3.4 or 1.2.3.0/24)
    #[arg(long)]
    pub app_server_ipv4: Option<String>,
    /// Application server IPv6 address or network
    #[arg(long)]
    pub app_server_ipv6: Option<String>,
    /// Device ports, e.g. 5010-5020,5060
    #[arg(long)]
    pub device_ports: Option<String>,
    /// Application server ports, e.g. 443,8000-8010
    #[arg(long)]
    pub app_server_ports: Option<String>,
    /// Notification URL (QoD 0.10)
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Token the server puts on notifications (QoD 0.10, 20 to 256 characters)
    #[arg(long, requires = "webhook_url")]
    pub webhook_token: Option<String>,
    /// Notification sink, https (QoD 1.x)
    #[arg(long)]
    pub sink: Option<String>,
    /// Access token the server puts on notifications (QoD 1.x)
    #[arg(long, requires = "sink")]
    pub sink_token: Option<String>,
}

/// Profile subcommands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Read one profile
    Get {
        /// Profile name
        name: String,
    },
    /// List profiles
    List {
        /// Only this name
        #[arg(long)]
        name: Option<String>,
        /// Only this status (ACTIVE, INACTIVE, DEPRECATED)
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        device: DeviceArgs,
    },
}

/// `qod sandbox`. It authenticates as the global `--auth` flags say (the
/// client's flags and environment variables): `--auth bearer --token T`,
/// `--auth oauth2 --client-id ID --client-secret S`, `--auth tmobile
/// --client-id ID --client-secret S --client-public-key FILE`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:9091")]
    pub addr: String,
    /// Milliseconds a session or QoS assignment stays REQUESTED before it is AVAILABLE (0 to 3600000); for sessions under /qod/v0 only with --v0-requested-phase
    #[arg(
        long,
        default_value_t = 500,
        value_parser = clap::value_parser!(u64).range(0..=3_600_000)
    )]
    pub available_after_ms: u64,
    /// Under /qod/v0, answer a create with REQUESTED and turn AVAILABLE later (by default AVAILABLE at once, as T-Mobile does)
    #[arg(long)]
    pub v0_requested_phase: bool,
    /// Revoke QoS assignments asynchronously: answer a revoke of an AVAILABLE assignment 202 (still AVAILABLE, DELETE_REQUESTED) and end it this many milliseconds later (0 to 3600000); by default a revoke is done at once, 204
    #[arg(
        long,
        value_name = "MS",
        value_parser = clap::value_parser!(u64).range(0..=3_600_000)
    )]
    pub async_revoke_ms: Option<u64>,
    /// The TAAP client's RSA public key: PEM or DER, SPKI or PKCS#1 (--auth tmobile)
    #[arg(long, env = "QOD_CLIENT_PUBLIC_KEY_FILE", value_name = "FILE")]
    pub client_public_key: Option<PathBuf>,
    /// The most sessions held at once, ended ones included for 360 s (1 to 10000000), and as many QoS assignments; beyond, a create gets 429 QUOTA_EXCEEDED
    #[arg(
        long,
        default_value_t = 100_000,
        value_parser = clap::value_parser!(u64).range(1..=10_000_000)
    )]
    pub max_sessions: u64,
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

    #[test]
    fn intervals_are_bounded() {
        assert_eq!(interval("0.1"), Ok(Duration::from_millis(100)));
        assert_eq!(interval("3600"), Ok(Duration::from_secs(3600)));
        for bad in [
            "1e30", "1e-300", "0", "-1", "NaN", "inf", "0.09", "3601", "x", "",
        ] {
            assert!(interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn max_waits_take_fractions_and_are_bounded() {
        assert_eq!(max_wait("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(max_wait("0"), Ok(Duration::ZERO));
        assert_eq!(max_wait("-0"), Ok(Duration::ZERO));
        assert_eq!(max_wait("86400"), Ok(Duration::from_secs(86_400)));
        for bad in ["1e30", "-1", "-0.5", "NaN", "inf", "-inf", "86401", "x", ""] {
            let error = max_wait(bad).unwrap_err();
            assert!(error.contains("0 to 86400"), "{bad}: {error}");
        }
    }
}
