//! The options every command takes (each also read from the environment,
//! shown under their own heading after a command's own): where the API is,
//! how to authenticate, and how results are printed.

use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, ValueEnum};

use crate::auth_mode::{AuthFlag, AuthMode, Given};

/// The longest `--timeout`, in seconds: an hour.
pub const MAX_TIMEOUT_SECS: u64 = 3600;

/// A switch's environment variable: true/false, 1/0, yes/no or on/off.
fn boolish() -> BoolishValueParser {
    BoolishValueParser::new()
}

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

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
    /// none, bearer (a token you have), oauth2 (client credentials), tmobile
    /// (TAAP), ciba or jwt-bearer (a user's token, naming the device),
    /// api-key; openid: qod sandbox only (CAMARA's profile)
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
    /// Client id (--auth oauth2|tmobile|ciba|jwt-bearer; qod sandbox --auth openid)
    #[arg(long, env = "QOD_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// Client secret (--auth tmobile; oauth2|ciba with --client-auth
    /// basic|post; qod sandbox --auth openid)
    #[arg(long, env = "QOD_CLIENT_SECRET", hide_env_values = true, global = true)]
    pub client_secret: Option<String>,
    /// PKCS#8 PEM RSA key that signs PoP tokens (--auth tmobile)
    #[arg(long, value_name = "FILE", env = "QOD_PRIVATE_KEY_FILE", global = true)]
    pub private_key: Option<PathBuf>,
    /// Token URL (--auth oauth2; ciba|jwt-bearer without --openid-config;
    /// tmobile: default the base URL's host and /oauth2/v2/tokens)
    #[arg(long, value_name = "URL", env = "QOD_TOKEN_URL", global = true)]
    pub token_url: Option<String>,
    /// The user CIBA asks (--auth ciba): tel:+14255550100, ipport:IP[:PORT]
    /// or operatortoken:TOKEN
    #[arg(
        long,
        value_name = "HINT",
        env = "QOD_LOGIN_HINT",
        hide_env_values = true,
        global = true
    )]
    pub login_hint: Option<String>,
    /// The user JWT Bearer asserts (--auth jwt-bearer): tel:+14255550100 or
    /// operatortoken:TOKEN
    #[arg(
        long,
        value_name = "SUBJECT",
        env = "QOD_SUBJECT",
        hide_env_values = true,
        global = true
    )]
    pub subject: Option<String>,
    /// basic, post or private-key-jwt [default: private-key-jwt with
    /// --client-key, else basic]
    #[arg(
        long,
        value_name = "METHOD",
        env = "QOD_CLIENT_AUTH",
        global = true,
        hide_possible_values = true
    )]
    pub client_auth: Option<ClientAuthArg>,
    /// PKCS#8 PEM key, RSA or P-256, that signs private-key-jwt assertions
    /// and JWT Bearer grants
    #[arg(long, value_name = "FILE", env = "QOD_CLIENT_KEY_FILE", global = true)]
    pub client_key: Option<PathBuf>,
    /// The kid of --client-key's assertions
    #[arg(long, value_name = "KID", env = "QOD_CLIENT_KEY_ID", global = true)]
    pub client_key_id: Option<String>,
    /// Scope, sent as given, e.g. dpv:RequestedServiceProvision#qod
    /// [default: the call's API scopes (three-legged: with openid, --purpose)]
    #[arg(long, value_name = "SCOPE", env = "QOD_SCOPE", global = true)]
    pub scope: Option<String>,
    /// Purpose of --auth ciba|jwt-bearer [default: dpv:RequestedServiceProvision]
    #[arg(long, value_name = "PURPOSE", env = "QOD_PURPOSE", global = true)]
    pub purpose: Option<String>,
    /// OpenID discovery URL, .../.well-known/openid-configuration (--auth
    /// ciba|jwt-bearer)
    #[arg(long, value_name = "URL", env = "QOD_OPENID_CONFIG", global = true)]
    pub openid_config: Option<String>,
    /// CIBA's backchannel authentication URL, with --token-url
    #[arg(long, value_name = "URL", env = "QOD_BC_AUTHORIZE_URL", global = true)]
    pub bc_authorize_url: Option<String>,
    /// Header of the API key (--auth api-key), e.g. X-RapidAPI-Key
    #[arg(long, value_name = "NAME", env = "QOD_API_KEY_HEADER", global = true)]
    pub api_key_header: Option<String>,
    /// API key (--auth api-key)
    #[arg(
        long,
        value_name = "KEY",
        env = "QOD_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub api_key: Option<String>,
    /// A header that is not secret, NAME:VALUE (--auth api-key; repeatable)
    #[arg(
        long,
        value_name = "NAME:VALUE",
        env = "QOD_HEADER",
        global = true,
        action = clap::ArgAction::Append
    )]
    pub header: Vec<String>,
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
    /// variables), which `Cli::parse_with_sources` fills in.
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
            AuthFlag::LoginHint => self.login_hint.is_some(),
            AuthFlag::Subject => self.subject.is_some(),
            AuthFlag::ClientAuth => self.client_auth.is_some(),
            AuthFlag::ClientKey => self.client_key.is_some(),
            AuthFlag::ClientKeyId => self.client_key_id.is_some(),
            AuthFlag::Scope => self.scope.is_some(),
            AuthFlag::Purpose => self.purpose.is_some(),
            AuthFlag::OpenidConfig => self.openid_config.is_some(),
            AuthFlag::BcAuthorizeUrl => self.bc_authorize_url.is_some(),
            AuthFlag::ApiKeyHeader => self.api_key_header.is_some(),
            AuthFlag::ApiKey => self.api_key.is_some(),
            AuthFlag::Header => !self.header.is_empty(),
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

/// Client authentication methods (explained in `--client-auth`'s help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClientAuthArg {
    /// client_secret_basic.
    Basic,
    /// client_secret_post.
    Post,
    /// private_key_jwt.
    PrivateKeyJwt,
}

impl ClientAuthArg {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ClientAuthArg::Basic => "basic",
            ClientAuthArg::Post => "post",
            ClientAuthArg::PrivateKeyJwt => "private-key-jwt",
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
