//! `qod auth token`: runs the `--auth` flow and prints the access token,
//! the only command that prints one; stderr says which flow, endpoints and
//! scope it used.

use clap::{Subcommand, ValueEnum};
use qod::auth::{UserCredentials, UserGrant};
use qod::{Api, Credentials, Endpoint};

use crate::auth_mode::AuthMode;
use crate::failure::Failure;
use crate::global_options::GlobalOptions;
use crate::output::write_stdout;
use crate::setup;
use crate::stdio::stderr_line;

/// Auth subcommands.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Run the --auth flow and print the access token on stdout (the only
    /// command that prints one); stderr says the flow, its endpoints and the
    /// scope asked for
    Token {
        /// The API whose calls the token is for: quality-on-demand,
        /// qos-profiles or qos-provisioning (three-legged flows and 1.x client
        /// credentials ask for its scopes)
        #[arg(
            long,
            value_enum,
            default_value = "quality-on-demand",
            hide_possible_values = true
        )]
        api: ApiArg,
    },
}

/// The APIs a token can be asked for (explained in `--api`'s help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiArg {
    /// QoD sessions.
    QualityOnDemand,
    /// QoS Profiles.
    QosProfiles,
    /// QoS Provisioning.
    QosProvisioning,
}

impl From<ApiArg> for Api {
    fn from(api: ApiArg) -> Api {
        match api {
            ApiArg::QualityOnDemand => Api::QualityOnDemand,
            ApiArg::QosProfiles => Api::QosProfiles,
            ApiArg::QosProvisioning => Api::QosProvisioning,
        }
    }
}

/// Runs an auth command.
pub fn run(options: &GlobalOptions, command: &AuthCommand) -> Result<(), Failure> {
    match command {
        AuthCommand::Token { api } => token(options, *api),
    }
}

fn token(options: &GlobalOptions, api: ApiArg) -> Result<(), Failure> {
    if matches!(options.auth, AuthMode::None | AuthMode::ApiKey) {
        return Err(Failure::Input(format!(
            "--auth {} uses no access token: give the --auth mode that fetches one (oauth2, \
             tmobile, ciba, jwt-bearer) or brings one (bearer)",
            options.auth.name()
        )));
    }
    let call = setup::call_options(options)?;
    // Every flag is checked here, before anything is sent.
    let client = setup::client(options)?;
    let credentials = client.authenticator().credentials();
    stderr_line!("auth: {}", flow(credentials));
    for (what, url) in endpoints(credentials, client.endpoint()) {
        stderr_line!("auth: {what} {url}");
    }
    let fetched = client.fetch_token(api.into(), &call)?;
    if let Credentials::User(user) = credentials
        && user.server().discovery().is_some()
    {
        // Read from the metadata by the fetch.
        for (what, url) in server_urls(user) {
            stderr_line!("auth: {what} {url} (discovered)");
        }
    }
    let asked = match (fetched.asked_scope(), &options.scope) {
        (Some(scope), _) => Some(scope.to_string()),
        (None, Some(given)) if options.auth != AuthMode::Bearer => Some(given.clone()),
        _ => None,
    };
    match (asked, options.auth) {
        (_, AuthMode::Bearer) => {}
        (Some(scope), _) => stderr_line!("auth: scope asked {scope}"),
        (None, _) => stderr_line!("auth: scope asked: none"),
    }
    if let Some(granted) = fetched.granted_scope() {
        stderr_line!("auth: scope granted {granted}");
    }
    write_stdout(&format!("{}\n", fetched.access_token().secret()))
}

/// The flow in words, with whom it is for and how the client
/// authenticates; never a secret (an operator token prints redacted).
fn flow(credentials: &Credentials) -> String {
    match credentials {
        Credentials::Bearer(_) => "the bearer token given (--token); nothing is fetched".to_owned(),
        Credentials::ClientCredentials(credentials) => format!(
            "client credentials for client {} ({})",
            credentials.client_auth().client_id(),
            credentials.client_auth().method()
        ),
        Credentials::TMobile(_) => {
            "T-Mobile TAAP: client credentials with a proof-of-possession token".to_owned()
        }
        Credentials::User(user) => {
            let whom = user
                .default_subject()
                .map_or_else(|| "no subject".to_owned(), ToString::to_string);
            let client = user.client_auth();
            let signed = client
                .key()
                .map(|key| format!(", {}", key.algorithm().as_str()))
                .unwrap_or_default();
            let by = format!(
                "client {} ({}{signed})",
                client.client_id(),
                client.method()
            );
            match user.grant() {
                UserGrant::Ciba => format!(
                    "CIBA (poll mode) for {whom}, {by}: waiting for the user's answer \
                     (at most {} s)",
                    setup::USER_FLOW_TIME_LIMIT.as_secs()
                ),
                UserGrant::JwtBearer => format!("JWT Bearer for {whom}, {by}"),
                _ => format!("a three-legged grant for {whom}, {by}"),
            }
        }
        _ => "credentials without a token".to_owned(),
    }
}

/// The endpoints the flow sends to, as far as they are known before it
/// runs (a discovered server's come from its metadata, after).
fn endpoints(credentials: &Credentials, endpoint: &Endpoint) -> Vec<(&'static str, String)> {
    match credentials {
        Credentials::ClientCredentials(credentials) => {
            vec![("token URL", credentials.token_url().to_string())]
        }
        Credentials::TMobile(taap) => taap
            .token_url(endpoint)
            .map(|url| vec![("token URL", url.to_string())])
            .unwrap_or_default(),
        Credentials::User(user) => match user.server().discovery() {
            Some(discovery) => vec![("discovery URL", discovery.url().to_string())],
            None => server_urls(user),
        },
        _ => Vec::new(),
    }
}

/// The backchannel (CIBA's) and token URLs of a user's server, where known.
fn server_urls(user: &UserCredentials) -> Vec<(&'static str, String)> {
    let server = user.server();
    let mut urls = Vec::new();
    if user.grant() == UserGrant::Ciba
        && let Some(url) = server.backchannel_url()
    {
        urls.push(("backchannel URL", url.to_string()));
    }
    if let Some(url) = server.token_url() {
        urls.push(("token URL", url.to_string()));
    }
    urls
}
