//! `qod sandbox`: the offline server in the foreground until Ctrl-C or
//! SIGTERM, authenticating as the client's `--auth` flags say.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use qod_sandbox::{ClientPublicKey, Sandbox, SandboxAuth, SandboxConfig};

use crate::auth_mode::{self, AuthFlag, AuthMode, Given, Reader};
use crate::failure::Failure;
use crate::files::read_key_file;
use crate::global_options::GlobalOptions;
use crate::setup::bearer_credentials;
use crate::stdio::{self, stderr_line};

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

fn read_key(path: &Path) -> Result<ClientPublicKey, Failure> {
    let bytes = read_key_file("--client-public-key", path)?;
    ClientPublicKey::from_pem_or_der(&bytes)
        .map_err(|e| Failure::Input(format!("--client-public-key {}: {e}", path.display())))
}

/// The sandbox's auth from the client's flags (and their environment
/// variables), as the table in [`crate::auth_mode`] says.
fn auth(global: &GlobalOptions, args: &SandboxArgs) -> Result<SandboxAuth, Failure> {
    let mode = global.auth;
    auth_mode::check(Reader::Sandbox, mode, |flag| match flag {
        AuthFlag::ClientPublicKey if args.client_public_key.is_some() => Given::CommandLine,
        flag => global.source(flag),
    })?;
    // A value the mode needs, not empty.
    let text = |value: &Option<String>, flag: AuthFlag| match auth_mode::required_value(
        value.as_deref(),
        Reader::Sandbox,
        mode,
        flag,
    )? {
        "" => Err(Failure::Input(format!("{} must not be empty", flag.long()))),
        value => Ok(value.to_owned()),
    };
    Ok(match mode {
        AuthMode::None => SandboxAuth::None,
        AuthMode::Bearer => {
            let token = text(&global.token, AuthFlag::Token)?;
            // The tokens a client can send, by the client's own rules.
            bearer_credentials(&token)?;
            SandboxAuth::Bearer(vec![token])
        }
        AuthMode::Oauth2 => SandboxAuth::ClientCredentials {
            client_id: text(&global.client_id, AuthFlag::ClientId)?,
            client_secret: text(&global.client_secret, AuthFlag::ClientSecret)?,
        },
        AuthMode::Tmobile => {
            let client_id = text(&global.client_id, AuthFlag::ClientId)?;
            let client_secret = text(&global.client_secret, AuthFlag::ClientSecret)?;
            let path = auth_mode::required_value(
                args.client_public_key.as_deref(),
                Reader::Sandbox,
                mode,
                AuthFlag::ClientPublicKey,
            )?;
            let key = read_key(path)?;
            if key.pkcs1_der().is_none() {
                return Err(Failure::Input(format!(
                    "--client-public-key {}: a {} key; TAAP's PoP tokens are RS256, \
                     so --auth tmobile needs an RSA key",
                    path.display(),
                    key.jws_algorithm()
                )));
            }
            SandboxAuth::taap(&client_id, &client_secret, &key)
        }
    })
}

/// What the sandbox accepts, for the start-up line (no secrets).
fn describe(auth: &SandboxAuth, mode: AuthMode) -> String {
    match auth {
        SandboxAuth::ClientCredentials { client_id, .. } | SandboxAuth::Taap { client_id, .. } => {
            format!("auth {} for client {client_id}", mode.name())
        }
        SandboxAuth::Bearer(_) => "auth bearer (the token given)".to_owned(),
        _ => "no auth".to_owned(),
    }
}

/// Runs the sandbox until Ctrl-C or SIGTERM.
pub fn run(global: &GlobalOptions, args: &SandboxArgs) -> Result<(), Failure> {
    let auth = auth(global, args)?;
    let described = describe(&auth, global.auth);
    let config = SandboxConfig {
        address: args.addr.clone(),
        available_after: Duration::from_millis(args.available_after_ms),
        v0_requested_phase: args.v0_requested_phase,
        async_revoke_after: args.async_revoke_ms.map(Duration::from_millis),
        max_sessions: usize::try_from(args.max_sessions).unwrap_or(usize::MAX),
        auth,
        ..SandboxConfig::default()
    };
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|e| Failure::Other(format!("cannot handle signals: {e}")))?;
    let sandbox = Sandbox::start(config).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => Failure::Input(e.to_string()),
        _ => Failure::Other(format!("cannot listen on {}: {e}", args.addr)),
    })?;
    let listening = sandbox.address();
    if !listening.ip().is_loopback() {
        // Its credentials are the ones given on the command line, over plain http.
        stderr_line!(
            "warning: qod sandbox listens on {listening}, reachable beyond this machine; \
             it has no real security (plain http, test credentials): prefer 127.0.0.1"
        );
    }
    {
        let mut urls = format!(
            "{}\n{}\n{}\n{}\n",
            sandbox.v0_url(),
            sandbox.v1_url(),
            sandbox.profiles_url(),
            sandbox.provisioning_url()
        );
        if let Some(token_url) = sandbox.token_url() {
            urls.push_str(&token_url);
            urls.push('\n');
        }
        stdio::to_stdout(urls.as_bytes())
            .map_err(|e| Failure::Other(format!("cannot write the URLs: {e}")))?;
    }
    stderr_line!(
        "qod sandbox: serving QoD 0.10.1, 1.1.0, QoS Profiles 1.1.0 and QoS Provisioning 0.3.0 with {described}; Ctrl-C to stop"
    );
    let _ = stopped.recv();
    let stats = sandbox.stats();
    let sandbox_assignments = sandbox.assignment_count();
    sandbox.stop();
    stderr_line!(
        "qod sandbox: stopped after {} requests, {} sessions created, {} assignments stored",
        stats.requests,
        stats.sessions_created,
        sandbox_assignments
    );
    Ok(())
}
