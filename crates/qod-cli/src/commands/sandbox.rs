//! `qod sandbox`: the offline server in the foreground until Ctrl-C or
//! SIGTERM, authenticating as the client's `--auth` flags say.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use qod_sandbox::{ClientPublicKey, OpenIdConfig, Sandbox, SandboxAuth, SandboxConfig};

use crate::auth_mode::{self, AuthFlag, AuthMode, Given, Reader};
use crate::failure::Failure;
use crate::files::read_key_file;
use crate::global_options::GlobalOptions;
use crate::setup::bearer_credentials;
use crate::stdio::{self, stderr_line};

/// `qod sandbox`. It authenticates as the global `--auth` flags say (the
/// client's flags and environment variables): `--auth bearer --token T`,
/// `--auth oauth2 --client-id ID --client-secret S`, `--auth tmobile
/// --client-id ID --client-secret S --client-public-key FILE`; and its own
/// `--auth openid --client-id ID` with `--client-secret S`,
/// `--client-public-key FILE` or both, which serves CAMARA's security
/// profile (discovery, CIBA, JWT Bearer, the authorization code flow).
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
    /// The client's public key, PEM or DER: RSA in SPKI or PKCS#1 (--auth tmobile, whose PoP tokens are RS256), or RSA or P-256 in SPKI (--auth openid: private_key_jwt and JWT Bearer assertions, RS256 or ES256)
    #[arg(long, env = "QOD_CLIENT_PUBLIC_KEY_FILE", value_name = "FILE")]
    pub client_public_key: Option<PathBuf>,
    /// The most sessions held at once, ended ones included for 360 s (1 to 10000000), and as many QoS assignments; beyond, a create gets 429 QUOTA_EXCEEDED
    #[arg(
        long,
        default_value_t = 100_000,
        value_parser = clap::value_parser!(u64).range(1..=10_000_000)
    )]
    pub max_sessions: u64,
    /// Give a QoS profile this maxDuration in seconds, as its answers say and as creates (and 1.x extends) are held to, e.g. QOS_E=30 to test a session keeper; repeatable, the last for a profile wins; at least the profile's minDuration
    #[arg(long, value_name = "PROFILE=SECS", value_parser = max_duration)]
    pub max_duration: Vec<(String, u32)>,
}

/// A `--max-duration PROFILE=SECS`: a profile name and a whole number of
/// seconds, at least 1 (the sandbox checks the profile and its minimum).
fn max_duration(text: &str) -> Result<(String, u32), String> {
    let (profile, seconds) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not PROFILE=SECS"))?;
    if profile.is_empty() {
        return Err(format!("{text:?} names no profile (PROFILE=SECS)"));
    }
    let seconds: u32 = seconds
        .parse()
        .map_err(|_| format!("{seconds:?} is no whole number of seconds (PROFILE=SECS)"))?;
    if seconds == 0 {
        return Err("a maxDuration is at least 1 second".to_owned());
    }
    Ok((profile.to_owned(), seconds))
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
        AuthMode::Openid => {
            let mut config = OpenIdConfig::new(&text(&global.client_id, AuthFlag::ClientId)?);
            if global.client_secret.is_some() {
                config =
                    config.client_secret(&text(&global.client_secret, AuthFlag::ClientSecret)?);
            }
            if let Some(path) = &args.client_public_key {
                config = config.client_public_key(read_key(path)?);
            }
            if global.client_secret.is_none() && args.client_public_key.is_none() {
                return Err(Failure::Input(
                    "qod sandbox --auth openid needs --client-secret (client_secret_basic and \
                     _post), --client-public-key FILE (private_key_jwt and JWT Bearer) or both"
                        .to_owned(),
                ));
            }
            SandboxAuth::OpenId(config)
        }
        // `check` refused them already.
        AuthMode::Ciba | AuthMode::JwtBearer | AuthMode::ApiKey => {
            return Err(Failure::Input(format!(
                "--auth {} is a client's mode",
                mode.name()
            )));
        }
    })
}

/// What the sandbox accepts, for the start-up line (no secrets).
fn describe(auth: &SandboxAuth, mode: AuthMode) -> String {
    match auth {
        SandboxAuth::ClientCredentials { client_id, .. } | SandboxAuth::Taap { client_id, .. } => {
            format!("auth {} for client {client_id}", mode.name())
        }
        SandboxAuth::OpenId(config) => format!("auth openid for client {}", config.client_id()),
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
        max_durations: args.max_duration.clone(),
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
        if let Some(discovery) = sandbox.openid_configuration_url() {
            urls.push_str(&discovery);
            urls.push('\n');
        }
        stdio::to_stdout(urls.as_bytes())
            .map_err(|e| Failure::Other(format!("cannot write the URLs: {e}")))?;
    }
    stderr_line!(
        "qod sandbox: serving QoD 0.10.1, 1.1.0, QoS Profiles 1.1.0 and QoS Provisioning 0.3.0 with {described}; Ctrl-C to stop"
    );
    if let Some(discovery) = sandbox.openid_configuration_url() {
        stderr_line!(
            "qod sandbox: OpenID discovery at {discovery} (CIBA's test numbers: qod_sandbox::test_assets)"
        );
    }
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;
    use crate::commands::Command;

    const RSA_PUBLIC: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../qod-sandbox/tests/fixtures/test-rsa-2048.spki.pem"
    );
    const EC_PUBLIC: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../qod-sandbox/tests/fixtures/test-ec-p256.spki.pem"
    );

    /// The sandbox's auth from `args` after `qod --auth openid sandbox`.
    fn openid(args: &[&str]) -> Result<SandboxAuth, Failure> {
        let mut line = vec!["qod", "--auth", "openid"];
        line.extend_from_slice(args);
        let cli = Cli::try_parse_from(line).expect("parses");
        let Command::Sandbox(sandbox) = &cli.command else {
            panic!("not qod sandbox");
        };
        auth(&cli.global, sandbox)
    }

    #[test]
    fn openid_from_a_secret_a_key_or_both() {
        let secret =
            openid(&["--client-id", "app", "--client-secret", "s3cret", "sandbox"]).unwrap();
        let SandboxAuth::OpenId(config) = &secret else {
            panic!("{secret:?}");
        };
        assert_eq!(config.client_id(), "app");
        let shown = format!("{secret:?} {}", describe(&secret, AuthMode::Openid));
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("auth openid for client app"), "{shown}");
        for key in [RSA_PUBLIC, EC_PUBLIC] {
            let auth = openid(&["--client-id", "app", "sandbox", "--client-public-key", key]);
            assert!(
                matches!(auth, Ok(SandboxAuth::OpenId(_))),
                "{key}: {auth:?}"
            );
        }
        let both = openid(&[
            "--client-id",
            "app",
            "--client-secret",
            "s",
            "sandbox",
            "--client-public-key",
            RSA_PUBLIC,
        ]);
        assert!(matches!(both, Ok(SandboxAuth::OpenId(_))));
        // The sandbox starts with it and says where discovery is.
        let sandbox = Sandbox::start(SandboxConfig {
            address: "127.0.0.1:0".to_owned(),
            auth: secret,
            ..SandboxConfig::default()
        })
        .unwrap();
        assert!(sandbox.openid_configuration_url().is_some());
        assert_eq!(
            sandbox.token_url(),
            Some(format!("{}/oauth2/token", sandbox.base_url()))
        );
    }

    #[test]
    fn what_openid_refuses() {
        for (args, says) in [
            (&["sandbox"][..], "--client-id is required"),
            (&["--client-id", "app", "sandbox"], "--client-secret"),
            (
                &["--client-id", "", "--client-secret", "s", "sandbox"],
                "must not be empty",
            ),
            (
                &["--client-id", "app", "--client-secret", "", "sandbox"],
                "must not be empty",
            ),
            (
                &["--client-id", "app", "--token", "t", "sandbox"],
                "--token",
            ),
            (
                &[
                    "--client-id",
                    "app",
                    "sandbox",
                    "--client-public-key",
                    "/no/such/file.pem",
                ],
                "--client-public-key",
            ),
        ] {
            let error = openid(args).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{args:?}");
            assert!(error.to_string().contains(says), "{args:?}: {error}");
        }
        // A client command refuses the mode.
        let cli = Cli::try_parse_from([
            "qod",
            "--base-url",
            "http://127.0.0.1:9091/quality-on-demand/v1",
            "--auth",
            "openid",
            "profile",
            "list",
        ])
        .expect("parses");
        let error = crate::setup::client(&cli.global).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("qod sandbox only"), "{error}");
    }

    #[test]
    fn max_durations_from_the_command_line() {
        let cli = Cli::try_parse_from([
            "qod",
            "sandbox",
            "--max-duration",
            "QOS_E=30",
            "--max-duration",
            "QOS_L=5",
        ])
        .expect("parses");
        let Command::Sandbox(sandbox) = &cli.command else {
            panic!("not qod sandbox");
        };
        assert_eq!(
            sandbox.max_duration,
            [("QOS_E".to_owned(), 30), ("QOS_L".to_owned(), 5)]
        );
        for bad in ["QOS_E", "=30", "QOS_E=", "QOS_E=0", "QOS_E=-1", "QOS_E=1.5"] {
            assert!(
                Cli::try_parse_from(["qod", "sandbox", "--max-duration", bad]).is_err(),
                "{bad}"
            );
        }
        // The sandbox refuses a profile it does not have as bad input.
        let error = Sandbox::start(SandboxConfig {
            address: "127.0.0.1:0".to_owned(),
            max_durations: vec![("QOS_NONE".to_owned(), 30)],
            ..SandboxConfig::default()
        })
        .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    }

    #[test]
    fn tmobile_still_wants_an_rsa_key() {
        let cli = Cli::try_parse_from([
            "qod",
            "--auth",
            "tmobile",
            "--client-id",
            "a",
            "--client-secret",
            "b",
            "sandbox",
            "--client-public-key",
            EC_PUBLIC,
        ])
        .expect("parses");
        let Command::Sandbox(sandbox) = &cli.command else {
            panic!("not qod sandbox");
        };
        let error = auth(&cli.global, sandbox).unwrap_err();
        assert!(error.to_string().contains("needs an RSA key"), "{error}");
    }
}
