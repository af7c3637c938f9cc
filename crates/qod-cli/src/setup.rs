//! A client from the global options.

use std::time::Duration;

use qod::auth::{
    ApiKeyCredentials, AssertionKey, AuthError, AuthorizationServer, ClientAuth, ClientCredentials,
    Discovery, Purpose, Scope, Subject, SubjectKind, TaapCredentials, UserCredentials,
};
use qod::core::EndpointError;
use qod::models::XCorrelator;
use qod::{ApiVersion, CallOptions, ClientBuilder, Credentials, Endpoint, Flavor, RetryPolicy};

use crate::auth_mode::{self, AuthFlag, AuthMode, Given, Reader};
use crate::failure::{Failure, chain};
use crate::files::read_key_file;
use crate::global_options::{ClientAuthArg, FlavorArg, GlobalOptions};

/// How long a command with `--auth ciba` may take, the user's answer
/// included: 5 minutes. The operator's request ends sooner when its
/// `expires_in` does (120 s in CAMARA's examples), and the command then
/// fails with "the user did not answer in time". Every other call keeps
/// the retry policy's 60 s.
pub const USER_FLOW_TIME_LIMIT: Duration = Duration::from_secs(300);

/// The credentials of a `--token`: refused, naming the flag and never
/// quoting the token, when it cannot follow `Bearer ` in a header (the
/// rules are [`Credentials::bearer`]'s).
pub fn bearer_credentials(token: &str) -> Result<Credentials, Failure> {
    Ok(Credentials::bearer(token).map_err(|e| e.renamed("--token"))?)
}

/// The endpoint, with the flavor defaulting to T-Mobile's for 0.10.
pub fn endpoint(options: &GlobalOptions) -> Result<Endpoint, Failure> {
    let base_url = options
        .base_url
        .as_deref()
        .ok_or_else(|| Failure::Input("--base-url (or QOD_BASE_URL) is required".to_owned()))?;
    let invalid = |flag: &str, error: EndpointError| {
        Failure::Input(format!("invalid `{flag}`: {}", error.reason()))
    };
    let mut builder = Endpoint::builder(base_url).allow_plain_http(options.allow_plain_http);
    if let Some(version) = &options.api_version {
        let version = version
            .parse::<ApiVersion>()
            .map_err(|e| invalid("--api-version", e))?;
        builder = builder.api_version(version);
    }
    let version = match builder.clone().build() {
        Ok(endpoint) => endpoint.api_version(),
        // A URL that passes once a version is given lacks only the version.
        Err(_) if builder.clone().api_version(ApiVersion::V1).build().is_ok() => {
            return Err(Failure::Input(format!(
                "cannot tell the API version from --base-url {base_url:?}: its path ends in \
                 neither /v0 nor /v1; give --api-version 0.10 or --api-version 1"
            )));
        }
        Err(error) => return Err(invalid("--base-url", error)),
    };
    let flavor = match (options.flavor, version) {
        (Some(FlavorArg::Tmobile), _) | (None, ApiVersion::V0_10) => Flavor::TMobile,
        _ => Flavor::Camara,
    };
    let builder = builder.flavor(flavor);
    // Added last, so that a failure here is the provisioning URL's.
    match &options.provisioning_url {
        Some(url) => builder
            .qos_provisioning_url(url)
            .build()
            .map_err(|e| invalid("--provisioning-url", e)),
        None => builder.build().map_err(|e| invalid("--base-url", e)),
    }
}

/// `error`, a refusal of `flag`'s value, named by the flag (and not
/// "invalid credentials", which the flag says better).
fn refused(flag: AuthFlag) -> impl Fn(AuthError) -> Failure {
    move |error| Failure::Input(format!("invalid `{}`: {}", flag.long(), reason(&error)))
}

/// Why `error` refused a value, in its own words.
fn reason(error: &AuthError) -> String {
    match error {
        AuthError::Config(why) => why.clone(),
        other => chain(other),
    }
}

/// A text flag's value, which `mode` needs.
fn text(value: &Option<String>, mode: AuthMode, flag: AuthFlag) -> Result<&str, Failure> {
    auth_mode::required_value(value.as_deref(), Reader::Client, mode, flag)
}

/// The credentials of `--auth`, from the flags the table in
/// [`crate::auth_mode`] gives it.
pub fn credentials(options: &GlobalOptions) -> Result<Credentials, Failure> {
    let mode = options.auth;
    auth_mode::check(Reader::Client, mode, |flag| options.source(flag))?;
    Ok(match mode {
        AuthMode::None => Credentials::None,
        AuthMode::Bearer => bearer_credentials(text(&options.token, mode, AuthFlag::Token)?)?,
        AuthMode::Oauth2 => {
            let token_url = text(&options.token_url, mode, AuthFlag::TokenUrl)?;
            let mut credentials =
                ClientCredentials::from_client_auth(token_url, client_auth(options, mode)?)
                    .map_err(refused(AuthFlag::TokenUrl))?;
            if let Some(scope) = scope(options)? {
                credentials = credentials.with_scope(scope.as_str());
            }
            Credentials::ClientCredentials(credentials)
        }
        AuthMode::Tmobile => {
            let path = auth_mode::required_value(
                options.private_key.as_deref(),
                Reader::Client,
                mode,
                AuthFlag::PrivateKey,
            )?;
            let pem = read_key_file("--private-key", path)?;
            let mut taap = TaapCredentials::from_pem(
                text(&options.client_id, mode, AuthFlag::ClientId)?,
                text(&options.client_secret, mode, AuthFlag::ClientSecret)?,
                &pem,
            )?;
            if let Some(url) = &options.token_url {
                taap = taap.with_token_url(url)?;
            }
            Credentials::TMobile(taap)
        }
        AuthMode::Ciba | AuthMode::JwtBearer => Credentials::User(user_credentials(options, mode)?),
        AuthMode::ApiKey => {
            let name = text(&options.api_key_header, mode, AuthFlag::ApiKeyHeader)?;
            let key = text(&options.api_key, mode, AuthFlag::ApiKey)?;
            let mut credentials =
                ApiKeyCredentials::new(name, key).map_err(refused(AuthFlag::ApiKeyHeader))?;
            for header in &options.header {
                let Some((name, value)) = header.split_once(':') else {
                    return Err(Failure::Input(format!(
                        "invalid `--header`: {:?} is not NAME:VALUE",
                        qod::core::printable(header)
                    )));
                };
                credentials = credentials
                    .with_header(name.trim(), value.trim())
                    .map_err(refused(AuthFlag::Header))?;
            }
            Credentials::ApiKey(credentials)
        }
        AuthMode::Openid => return Err(auth_mode::sandbox_only()),
    })
}

/// The three-legged credentials of `--auth ciba` or `--auth jwt-bearer`,
/// acting for `--login-hint` or `--subject` by default.
fn user_credentials(options: &GlobalOptions, mode: AuthMode) -> Result<UserCredentials, Failure> {
    let (flag, value) = match mode {
        AuthMode::Ciba => (AuthFlag::LoginHint, &options.login_hint),
        _ => (AuthFlag::Subject, &options.subject),
    };
    // Checked first: the user is what a mistyped command most often gets wrong.
    let subject = Subject::parse(text(value, mode, flag)?).map_err(refused(flag))?;
    if mode == AuthMode::JwtBearer && subject.kind() == SubjectKind::IpPort {
        return Err(Failure::Input(
            "invalid `--subject`: JWT Bearer asserts a tel:+… or operatortoken:… subject; \
             an ipport: device is a CIBA --login-hint (--auth ciba)"
                .to_owned(),
        ));
    }
    let client = client_auth(options, mode)?;
    let server = authorization_server(options, mode)?;
    let mut user = match mode {
        AuthMode::Ciba => UserCredentials::ciba(client, server),
        _ => UserCredentials::jwt_bearer(client, server)?,
    };
    user = user.with_default_subject(subject);
    match (scope(options)?, &options.purpose) {
        (Some(_), Some(_)) if options.source(AuthFlag::Purpose) == Given::CommandLine => {
            return Err(Failure::Input(
                "--scope is sent exactly as given, so --purpose is not added to it: put the \
                 purpose in --scope, or leave --scope out"
                    .to_owned(),
            ));
        }
        (Some(scope), _) => user = user.with_scope(scope),
        (None, Some(purpose)) => {
            user = user.with_purpose(Purpose::parse(purpose).map_err(refused(AuthFlag::Purpose))?);
        }
        (None, None) => {}
    }
    Ok(user)
}

/// `--scope`, checked (any text a form can carry, no control character).
fn scope(options: &GlobalOptions) -> Result<Option<Scope>, Failure> {
    options
        .scope
        .as_deref()
        .map(|text| Scope::verbatim(text).map_err(refused(AuthFlag::Scope)))
        .transpose()
}

/// How the client authenticates: `--client-auth`, or private-key-jwt when
/// a `--client-key` is given and basic otherwise; the secret or the key
/// the method needs.
fn client_auth(options: &GlobalOptions, mode: AuthMode) -> Result<ClientAuth, Failure> {
    let client_id = text(&options.client_id, mode, AuthFlag::ClientId)?;
    let method = match (options.client_auth, mode) {
        (Some(method), _) => method,
        (None, AuthMode::JwtBearer) => ClientAuthArg::PrivateKeyJwt,
        (None, _) if options.client_key.is_some() => ClientAuthArg::PrivateKeyJwt,
        (None, _) => ClientAuthArg::Basic,
    };
    let on_command_line = |flag| options.source(flag) == Given::CommandLine;
    let with = format!("--auth {} --client-auth {}", mode.name(), method.name());
    match method {
        ClientAuthArg::Basic | ClientAuthArg::Post => {
            if mode == AuthMode::JwtBearer {
                return Err(Failure::Input(format!(
                    "--auth jwt-bearer signs its grant with --client-key: --client-auth is \
                     private-key-jwt, not {}",
                    method.name()
                )));
            }
            if let Some(flag) = [AuthFlag::ClientKey, AuthFlag::ClientKeyId]
                .into_iter()
                .find(|&flag| on_command_line(flag))
            {
                return Err(Failure::Input(format!(
                    "{} is not used with {with}: it signs private-key-jwt assertions \
                     (--client-auth private-key-jwt)",
                    flag.long()
                )));
            }
            let secret = options.client_secret.as_deref().ok_or_else(|| {
                Failure::Input(format!(
                    "--client-secret is required with {with} (or sign with a key: \
                     --client-auth private-key-jwt --client-key FILE)"
                ))
            })?;
            let auth = match method {
                ClientAuthArg::Basic => ClientAuth::secret_basic(client_id, secret),
                _ => ClientAuth::secret_post(client_id, secret),
            };
            auth.map_err(refused(AuthFlag::ClientId))
        }
        ClientAuthArg::PrivateKeyJwt => {
            if on_command_line(AuthFlag::ClientSecret) {
                return Err(Failure::Input(format!(
                    "--client-secret is not used with {with}: the client signs with --client-key"
                )));
            }
            let path = options.client_key.as_deref().ok_or_else(|| {
                Failure::Input(format!("--client-key FILE is required with {with}"))
            })?;
            let pem = read_key_file("--client-key", path)?;
            let mut key = AssertionKey::from_pkcs8_pem(&pem).map_err(|error| {
                Failure::Input(format!(
                    "--client-key {}: {}",
                    path.display(),
                    chain(&error)
                ))
            })?;
            if let Some(kid) = &options.client_key_id {
                key = key
                    .with_kid(kid.as_str())
                    .map_err(refused(AuthFlag::ClientKeyId))?;
            }
            ClientAuth::private_key_jwt(client_id, key).map_err(refused(AuthFlag::ClientId))
        }
    }
}

/// Where a three-legged flow gets its tokens: discovered from
/// `--openid-config`, or `--token-url` (and `--bc-authorize-url` for
/// CIBA). When both ways are given, the command line's wins over a
/// variable; both on the command line, or both by variables, are refused.
fn authorization_server(
    options: &GlobalOptions,
    mode: AuthMode,
) -> Result<AuthorizationServer, Failure> {
    let discovery = options.source(AuthFlag::OpenidConfig);
    let token = options.source(AuthFlag::TokenUrl);
    let backchannel = match mode {
        AuthMode::Ciba => options.source(AuthFlag::BcAuthorizeUrl),
        _ => Given::Absent,
    };
    let explicit = token.max(backchannel);
    let discover = match (discovery, explicit) {
        (Given::Absent, Given::Absent) => {
            return Err(Failure::Input(format!(
                "--auth {} needs its authorization server: --openid-config URL (discovery), \
                 or {}",
                mode.name(),
                match mode {
                    AuthMode::Ciba => "--token-url and --bc-authorize-url",
                    _ => "--token-url",
                }
            )));
        }
        (Given::Absent, _) => false,
        (_, Given::Absent) => true,
        (discovery, explicit) if discovery != explicit => discovery > explicit,
        _ => {
            return Err(Failure::Input(
                "give --openid-config (discovery) or the URLs themselves (--token-url, \
                 --bc-authorize-url), not both"
                    .to_owned(),
            ));
        }
    };
    if discover {
        let url = options.openid_config.as_deref().unwrap_or_default();
        let discovery = Discovery::new(url).map_err(refused(AuthFlag::OpenidConfig))?;
        return Ok(AuthorizationServer::discover(discovery));
    }
    let token_url = options.token_url.as_deref().ok_or_else(|| {
        Failure::Input(format!(
            "--token-url is required with --auth {} and --bc-authorize-url (or give \
             --openid-config URL)",
            mode.name()
        ))
    })?;
    let server = AuthorizationServer::new(token_url).map_err(refused(AuthFlag::TokenUrl))?;
    match (mode, &options.bc_authorize_url) {
        (AuthMode::Ciba, Some(url)) => server
            .with_backchannel_url(url)
            .map_err(refused(AuthFlag::BcAuthorizeUrl)),
        (AuthMode::Ciba, None) => Err(Failure::Input(
            "--bc-authorize-url is required with --auth ciba and --token-url (or give \
             --openid-config URL)"
                .to_owned(),
        )),
        _ => Ok(server),
    }
}

/// The client the options describe. With `--auth ciba` its calls may
/// take [`USER_FLOW_TIME_LIMIT`], the user's answer included.
pub fn client(options: &GlobalOptions) -> Result<qod::Client, Failure> {
    let mut builder =
        ClientBuilder::with_endpoint(endpoint(options)?).credentials(credentials(options)?);
    if options.auth == AuthMode::Ciba {
        builder =
            builder.retry_policy(RetryPolicy::default().with_max_elapsed(USER_FLOW_TIME_LIMIT));
    }
    if let Some(seconds) = options.timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    Ok(builder.build()?)
}

/// The per-call options (the correlator).
pub fn call_options(options: &GlobalOptions) -> Result<CallOptions, Failure> {
    Ok(match &options.correlator {
        Some(text) => CallOptions::new().with_correlator(
            XCorrelator::parse(text.as_str()).map_err(|e| e.renamed("--correlator"))?,
        ),
        None => CallOptions::default(),
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    const EC_KEY: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../qod-core/tests/fixtures/test-ec-p256.pem"
    );
    const EC_PUBLIC: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../qod-sandbox/tests/fixtures/test-ec-p256.spki.pem"
    );
    const BASE: &str = "https://api.example.com/quality-on-demand/v1";

    /// The credentials of `qod --base-url BASE ARGS profile list`.
    fn credentials_of(args: &[&str]) -> Result<Credentials, Failure> {
        let mut line = vec!["qod", "--base-url", BASE];
        line.extend_from_slice(args);
        line.extend(["profile", "list"]);
        let mut cli = Cli::try_parse_from(line).expect("parses");
        // As `Cli::parse_with_sources` notes them: every auth flag here is
        // on the command line.
        cli.global.auth_flags_on_command_line = AuthFlag::ALL.to_vec();
        credentials(&cli.global)
    }

    fn refusal(args: &[&str]) -> String {
        let error = credentials_of(args).expect_err("refused");
        assert_eq!(error.exit_code(), 2, "{args:?}: {error}");
        error.to_string()
    }

    const CIBA: [&str; 6] = [
        "--auth",
        "ciba",
        "--client-id",
        "app",
        "--login-hint",
        "tel:+14255550100",
    ];

    fn ciba(more: &[&'static str]) -> Vec<&'static str> {
        let mut args = CIBA.to_vec();
        args.extend_from_slice(more);
        args
    }

    const URLS: [&str; 4] = [
        "--token-url",
        "https://as.example.com/token",
        "--bc-authorize-url",
        "https://as.example.com/bc-authorize",
    ];

    #[test]
    fn ciba_with_a_secret_or_a_key_acts_for_the_login_hint() {
        let mut with_secret = ciba(&["--client-secret", "s3cret"]);
        with_secret.extend(URLS);
        let Credentials::User(user) = credentials_of(&with_secret).unwrap() else {
            panic!("three-legged");
        };
        assert_eq!(user.grant(), qod::auth::UserGrant::Ciba);
        assert_eq!(
            user.default_subject().map(ToString::to_string).as_deref(),
            Some("tel:+14255550100")
        );
        assert_eq!(user.client_auth().method().as_str(), "client_secret_basic");
        assert_eq!(
            user.server()
                .backchannel_url()
                .map(ToString::to_string)
                .as_deref(),
            Some("https://as.example.com/bc-authorize")
        );

        let discovered = ciba(&[
            "--client-key",
            EC_KEY,
            "--client-key-id",
            "key-1",
            "--openid-config",
            "https://as.example.com/.well-known/openid-configuration",
        ]);
        let Credentials::User(user) = credentials_of(&discovered).unwrap() else {
            panic!("three-legged");
        };
        // A key given: private_key_jwt without saying so.
        assert_eq!(user.client_auth().method().as_str(), "private_key_jwt");
        assert_eq!(
            user.client_auth().key().and_then(|k| k.kid()),
            Some("key-1")
        );
        assert!(user.server().discovery().is_some());
    }

    #[test]
    fn what_the_three_legged_modes_refuse_before_anything_is_sent() {
        let with_urls = |more: &[&'static str]| {
            let mut args = ciba(more);
            args.extend(URLS);
            args
        };
        for (args, says) in [
            (
                ciba(&["--client-secret", "s"]),
                "--openid-config URL (discovery), or --token-url",
            ),
            (
                ciba(&[
                    "--client-secret",
                    "s",
                    "--token-url",
                    "https://as.example.com/token",
                ]),
                "--bc-authorize-url is required",
            ),
            (
                with_urls(&[
                    "--client-secret",
                    "s",
                    "--openid-config",
                    "https://as.example.com/.well-known/openid-configuration",
                ]),
                "not both",
            ),
            (
                with_urls(&[]),
                "--client-secret is required with --auth ciba --client-auth basic",
            ),
            (
                with_urls(&["--client-auth", "private-key-jwt", "--client-secret", "s"]),
                "--client-secret is not used with --auth ciba --client-auth private-key-jwt",
            ),
            (
                with_urls(&[
                    "--client-auth",
                    "post",
                    "--client-secret",
                    "s",
                    "--client-key",
                    EC_KEY,
                ]),
                "--client-key is not used with --auth ciba --client-auth post",
            ),
            (
                with_urls(&["--client-key", EC_PUBLIC]),
                "not the private key",
            ),
            (
                with_urls(&["--client-key", "/no/such/key.pem"]),
                "--client-key /no/such/key.pem",
            ),
            (
                with_urls(&[
                    "--client-secret",
                    "s",
                    "--scope",
                    "a\u{1}b",
                    "--purpose",
                    "dpv:X",
                ]),
                "--scope",
            ),
            (
                with_urls(&[
                    "--client-secret",
                    "s",
                    "--scope",
                    "dpv:A#qod",
                    "--purpose",
                    "dpv:B",
                ]),
                "put the purpose in --scope",
            ),
            (
                with_urls(&["--client-secret", "s", "--purpose", "dpv:A#qod"]),
                "invalid `--purpose`",
            ),
            (
                with_urls(&["--client-secret", "s", "--token", "t"]),
                "--token is not used with --auth ciba",
            ),
        ] {
            let text = refusal(&args);
            assert!(text.contains(says), "{args:?}: {text}");
        }
        let mut malformed = vec![
            "--auth",
            "ciba",
            "--client-id",
            "app",
            "--client-secret",
            "s",
        ];
        malformed.extend(URLS);
        for hint in [
            "+14255550100",
            "tel:+1 425",
            "operatortoken:",
            "tel:+14255550100\n",
        ] {
            let mut args = malformed.clone();
            args.extend(["--login-hint", hint]);
            let text = refusal(&args);
            assert!(
                text.starts_with("invalid `--login-hint`: login hint: "),
                "{hint:?}: {text}"
            );
        }
        let plain = refusal(&[
            "--auth",
            "ciba",
            "--client-id",
            "app",
            "--client-secret",
            "s",
            "--login-hint",
            "tel:+14255550100",
            "--token-url",
            "http://as.example.com/token",
            "--bc-authorize-url",
            "https://as.example.com/bc-authorize",
        ]);
        assert!(plain.contains("plain http only to loopback"), "{plain}");
    }

    #[test]
    fn jwt_bearer_signs_for_its_subject_with_the_key() {
        let base = [
            "--auth",
            "jwt-bearer",
            "--client-id",
            "app",
            "--token-url",
            "https://as.example.com/token",
        ];
        let with = |more: &[&'static str]| {
            let mut args = base.to_vec();
            args.extend_from_slice(more);
            args
        };
        let Credentials::User(user) = credentials_of(&with(&[
            "--subject",
            "operatortoken:abc",
            "--client-key",
            EC_KEY,
        ]))
        .unwrap() else {
            panic!("three-legged");
        };
        assert_eq!(user.grant(), qod::auth::UserGrant::JwtBearer);
        assert_eq!(
            user.default_subject().map(ToString::to_string).as_deref(),
            Some("operatortoken:[redacted]")
        );
        for (args, says) in [
            (
                with(&["--subject", "tel:+14255550100"]),
                "--client-key FILE is required with --auth jwt-bearer",
            ),
            (
                with(&["--subject", "ipport:203.0.113.7", "--client-key", EC_KEY]),
                "an ipport: device is a CIBA --login-hint",
            ),
            (
                with(&[
                    "--subject",
                    "tel:+14255550100",
                    "--client-key",
                    EC_KEY,
                    "--client-auth",
                    "basic",
                ]),
                "--client-auth is private-key-jwt, not basic",
            ),
            (
                with(&[
                    "--subject",
                    "tel:+14255550100",
                    "--client-key",
                    EC_KEY,
                    "--client-secret",
                    "s",
                ]),
                "--client-secret is not used with --auth jwt-bearer",
            ),
            (
                with(&[
                    "--subject",
                    "tel:+14255550100",
                    "--client-key",
                    EC_KEY,
                    "--bc-authorize-url",
                    "https://as.example.com/bc",
                ]),
                "--bc-authorize-url is not used with --auth jwt-bearer",
            ),
        ] {
            let text = refusal(&args);
            assert!(text.contains(says), "{args:?}: {text}");
        }
    }

    #[test]
    fn oauth2_signs_with_a_key_and_sends_a_given_scope() {
        let Credentials::ClientCredentials(credentials) = credentials_of(&[
            "--auth",
            "oauth2",
            "--token-url",
            "https://as.example.com/token",
            "--client-id",
            "app",
            "--client-auth",
            "private-key-jwt",
            "--client-key",
            EC_KEY,
            "--scope",
            "dpv:RequestedServiceProvision#qod",
        ])
        .unwrap() else {
            panic!("client credentials");
        };
        assert_eq!(
            credentials.client_auth().method().as_str(),
            "private_key_jwt"
        );
        let text = refusal(&[
            "--auth",
            "oauth2",
            "--token-url",
            "https://as.example.com/token",
            "--client-id",
            "app",
        ]);
        assert!(
            text.contains("--client-secret is required with --auth oauth2"),
            "{text}"
        );
        let text = refusal(&[
            "--auth",
            "oauth2",
            "--token-url",
            "https://as.example.com/token",
            "--client-id",
            "app",
            "--client-secret",
            "s",
            "--purpose",
            "dpv:A",
        ]);
        assert!(
            text.contains("--purpose is not used with --auth oauth2"),
            "{text}"
        );
    }

    #[test]
    fn api_keys_and_extra_headers() {
        let Credentials::ApiKey(credentials) = credentials_of(&[
            "--auth",
            "api-key",
            "--api-key-header",
            "X-RapidAPI-Key",
            "--api-key",
            "k3y-value",
            "--header",
            "X-RapidAPI-Host: network-as-code.nokia.rapidapi.com",
            "--header",
            "X-Other:1",
        ])
        .unwrap() else {
            panic!("api key");
        };
        assert!(!format!("{credentials:?}").contains("k3y-value"));
        for (args, says) in [
            (
                vec!["--auth", "api-key", "--api-key", "k"],
                "--api-key-header is required",
            ),
            (
                vec!["--auth", "api-key", "--api-key-header", "X-K"],
                "--api-key is required",
            ),
            (
                vec![
                    "--auth",
                    "api-key",
                    "--api-key-header",
                    "X-K",
                    "--api-key",
                    "k",
                    "--header",
                    "nocolon",
                ],
                "is not NAME:VALUE",
            ),
            (
                vec![
                    "--auth",
                    "api-key",
                    "--api-key-header",
                    "Content-Length",
                    "--api-key",
                    "k",
                ],
                "qod sets this header itself",
            ),
            (
                vec![
                    "--auth",
                    "api-key",
                    "--api-key-header",
                    "X-K",
                    "--api-key",
                    "secret\u{7}",
                ],
                "visible ASCII",
            ),
            (
                vec!["--auth", "bearer", "--token", "t", "--header", "X-A:1"],
                "--header is not used",
            ),
        ] {
            let text = refusal(&args);
            assert!(text.contains(says), "{args:?}: {text}");
            assert!(!text.contains("secret\u{7}"), "{text}");
        }
    }

    #[test]
    fn bearer_tokens_are_header_values() {
        assert!(bearer_credentials("abc-._~+/123==").is_ok());
        assert!(bearer_credentials(&"a".repeat(qod::auth::MAX_BEARER_TOKEN_BYTES)).is_ok());
        assert!(bearer_credentials(&"a".repeat(qod::auth::MAX_BEARER_TOKEN_BYTES + 1)).is_err());
        for bad in [
            "",
            "tök",
            "two words",
            "tab\there",
            "nl\nx",
            "del\u{7f}",
            " ",
            "nul\u{0}",
        ] {
            let error = bearer_credentials(bad).unwrap_err();
            assert_eq!(error.exit_code(), 2);
            let text = error.to_string();
            assert!(text.starts_with("invalid `--token`: it "), "{text}");
            assert!(
                bad.len() < 3 || !text.contains(bad),
                "the token is not quoted: {text}"
            );
        }
    }
}
