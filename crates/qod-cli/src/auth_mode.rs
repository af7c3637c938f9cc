//! The `--auth` modes and the flags each accepts: one table, read by the
//! client commands and by `qod sandbox`, from which both say "--x is
//! required with --auth y" and "--x is not used with --auth y".

use clap::ValueEnum;

use crate::failure::Failure;

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
    /// CIBA (three-legged): the operator asks the user `--login-hint` names.
    Ciba,
    /// The JWT Bearer grant (three-legged): the client asserts `--subject`.
    JwtBearer,
    /// An API key in a header (a gateway such as RapidAPI), no OAuth.
    ApiKey,
    /// CAMARA's security profile (OpenID Connect, CIBA, JWT Bearer):
    /// `qod sandbox` only, which then serves it.
    Openid,
}

impl AuthMode {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Bearer => "bearer",
            AuthMode::Oauth2 => "oauth2",
            AuthMode::Tmobile => "tmobile",
            AuthMode::Ciba => "ciba",
            AuthMode::JwtBearer => "jwt-bearer",
            AuthMode::ApiKey => "api-key",
            AuthMode::Openid => "openid",
        }
    }

    /// Whether its tokens act for one user (three-legged), whose device
    /// the token names.
    pub fn is_three_legged(self) -> bool {
        matches!(self, AuthMode::Ciba | AuthMode::JwtBearer)
    }
}

/// Who reads the auth flags: a client command, or `qod sandbox`, which
/// checks what a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Client,
    Sandbox,
}

/// A flag that some auth modes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlag {
    Token,
    ClientId,
    ClientSecret,
    PrivateKey,
    TokenUrl,
    /// `qod sandbox`'s own; the others are global options.
    ClientPublicKey,
    LoginHint,
    Subject,
    ClientAuth,
    ClientKey,
    ClientKeyId,
    Scope,
    Purpose,
    OpenidConfig,
    BcAuthorizeUrl,
    ApiKeyHeader,
    ApiKey,
    Header,
}

/// The flags a mode needs, and the ones it takes besides; any other that
/// was given is refused.
#[derive(Debug, Clone, Copy)]
pub struct ModeFlags {
    pub required: &'static [AuthFlag],
    pub optional: &'static [AuthFlag],
}

/// The table: which flags `reader` needs and takes with `mode`.
///
/// | `--auth` | needs | takes besides |
/// |---|---|---|
/// | `none` | | |
/// | `bearer` | `--token` | |
/// | `oauth2` | `--token-url`, `--client-id` | `--client-secret`, `--client-auth`, `--client-key`, `--client-key-id`, `--scope` |
/// | `tmobile` | `--private-key`, `--client-id`, `--client-secret` | `--token-url` |
/// | `ciba` | `--client-id`, `--login-hint` | `--client-secret`, `--client-auth`, `--client-key`, `--client-key-id`, `--scope`, `--purpose`, `--openid-config`, `--token-url`, `--bc-authorize-url` |
/// | `jwt-bearer` | `--client-id`, `--subject`, `--client-key` | `--client-auth`, `--client-key-id`, `--scope`, `--purpose`, `--openid-config`, `--token-url` |
/// | `api-key` | `--api-key-header`, `--api-key` | `--header` |
///
/// What depends on another flag is checked where the credentials are
/// built ([`crate::setup`]): a secret for `--client-auth basic|post`, a
/// key for `private-key-jwt`; `--openid-config`, or `--token-url` (with
/// `--bc-authorize-url` for CIBA).
pub fn accepted(reader: Reader, mode: AuthMode) -> ModeFlags {
    use AuthFlag::{
        ApiKey, ApiKeyHeader, BcAuthorizeUrl, ClientAuth, ClientId, ClientKey, ClientKeyId,
        ClientPublicKey, ClientSecret, Header, LoginHint, OpenidConfig, PrivateKey, Purpose, Scope,
        Subject, Token, TokenUrl,
    };
    let (required, optional): (&'static [AuthFlag], &'static [AuthFlag]) = match (reader, mode) {
        (_, AuthMode::None) => (&[], &[]),
        // Never read: `check` refuses these modes first.
        (Reader::Client, AuthMode::Openid)
        | (Reader::Sandbox, AuthMode::Ciba | AuthMode::JwtBearer | AuthMode::ApiKey) => (&[], &[]),
        // A secret, a public key or both: `qod sandbox` asks for one.
        (Reader::Sandbox, AuthMode::Openid) => (&[ClientId], &[ClientSecret, ClientPublicKey]),
        (_, AuthMode::Bearer) => (&[Token], &[]),
        (Reader::Client, AuthMode::Oauth2) => (
            &[TokenUrl, ClientId],
            &[ClientSecret, ClientAuth, ClientKey, ClientKeyId, Scope],
        ),
        (Reader::Client, AuthMode::Ciba) => (
            &[ClientId, LoginHint],
            &[
                ClientSecret,
                ClientAuth,
                ClientKey,
                ClientKeyId,
                Scope,
                Purpose,
                OpenidConfig,
                TokenUrl,
                BcAuthorizeUrl,
            ],
        ),
        (Reader::Client, AuthMode::JwtBearer) => (
            &[ClientId, Subject, ClientKey],
            &[
                ClientAuth,
                ClientKeyId,
                Scope,
                Purpose,
                OpenidConfig,
                TokenUrl,
            ],
        ),
        (Reader::Client, AuthMode::ApiKey) => (&[ApiKeyHeader, ApiKey], &[Header]),
        (Reader::Client, AuthMode::Tmobile) => (&[PrivateKey, ClientId, ClientSecret], &[TokenUrl]),
        // The sandbox serves its own token URL and checks PoP tokens with
        // the client's public key.
        (Reader::Sandbox, AuthMode::Oauth2) => (&[ClientId, ClientSecret], &[]),
        (Reader::Sandbox, AuthMode::Tmobile) => (&[ClientId, ClientSecret, ClientPublicKey], &[]),
    };
    ModeFlags { required, optional }
}

/// Where a flag's value came from, in the order of what wins: the
/// command line over a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Given {
    Absent,
    /// By its `QOD_` variable.
    Environment,
    CommandLine,
}

impl AuthFlag {
    /// Every auth flag, in the order of `--help`.
    pub const ALL: [AuthFlag; 18] = [
        AuthFlag::Token,
        AuthFlag::ClientId,
        AuthFlag::ClientSecret,
        AuthFlag::PrivateKey,
        AuthFlag::TokenUrl,
        AuthFlag::ClientPublicKey,
        AuthFlag::LoginHint,
        AuthFlag::Subject,
        AuthFlag::ClientAuth,
        AuthFlag::ClientKey,
        AuthFlag::ClientKeyId,
        AuthFlag::Scope,
        AuthFlag::Purpose,
        AuthFlag::OpenidConfig,
        AuthFlag::BcAuthorizeUrl,
        AuthFlag::ApiKeyHeader,
        AuthFlag::ApiKey,
        AuthFlag::Header,
    ];

    /// Its clap id: the name of its field.
    pub fn id(self) -> &'static str {
        match self {
            AuthFlag::Token => "token",
            AuthFlag::ClientId => "client_id",
            AuthFlag::ClientSecret => "client_secret",
            AuthFlag::PrivateKey => "private_key",
            AuthFlag::TokenUrl => "token_url",
            AuthFlag::ClientPublicKey => "client_public_key",
            AuthFlag::LoginHint => "login_hint",
            AuthFlag::Subject => "subject",
            AuthFlag::ClientAuth => "client_auth",
            AuthFlag::ClientKey => "client_key",
            AuthFlag::ClientKeyId => "client_key_id",
            AuthFlag::Scope => "scope",
            AuthFlag::Purpose => "purpose",
            AuthFlag::OpenidConfig => "openid_config",
            AuthFlag::BcAuthorizeUrl => "bc_authorize_url",
            AuthFlag::ApiKeyHeader => "api_key_header",
            AuthFlag::ApiKey => "api_key",
            AuthFlag::Header => "header",
        }
    }

    /// Whether every command takes it (a global option).
    pub fn is_global(self) -> bool {
        self != AuthFlag::ClientPublicKey
    }

    /// Its name on the command line.
    pub fn long(self) -> &'static str {
        match self {
            AuthFlag::Token => "--token",
            AuthFlag::ClientId => "--client-id",
            AuthFlag::ClientSecret => "--client-secret",
            AuthFlag::PrivateKey => "--private-key",
            AuthFlag::TokenUrl => "--token-url",
            AuthFlag::ClientPublicKey => "--client-public-key",
            AuthFlag::LoginHint => "--login-hint",
            AuthFlag::Subject => "--subject",
            AuthFlag::ClientAuth => "--client-auth",
            AuthFlag::ClientKey => "--client-key",
            AuthFlag::ClientKeyId => "--client-key-id",
            AuthFlag::Scope => "--scope",
            AuthFlag::Purpose => "--purpose",
            AuthFlag::OpenidConfig => "--openid-config",
            AuthFlag::BcAuthorizeUrl => "--bc-authorize-url",
            AuthFlag::ApiKeyHeader => "--api-key-header",
            AuthFlag::ApiKey => "--api-key",
            AuthFlag::Header => "--header",
        }
    }

    /// The environment variable it is also read from.
    pub fn env(self) -> &'static str {
        match self {
            AuthFlag::Token => "QOD_TOKEN",
            AuthFlag::ClientId => "QOD_CLIENT_ID",
            AuthFlag::ClientSecret => "QOD_CLIENT_SECRET",
            AuthFlag::PrivateKey => "QOD_PRIVATE_KEY_FILE",
            AuthFlag::TokenUrl => "QOD_TOKEN_URL",
            AuthFlag::ClientPublicKey => "QOD_CLIENT_PUBLIC_KEY_FILE",
            AuthFlag::LoginHint => "QOD_LOGIN_HINT",
            AuthFlag::Subject => "QOD_SUBJECT",
            AuthFlag::ClientAuth => "QOD_CLIENT_AUTH",
            AuthFlag::ClientKey => "QOD_CLIENT_KEY_FILE",
            AuthFlag::ClientKeyId => "QOD_CLIENT_KEY_ID",
            AuthFlag::Scope => "QOD_SCOPE",
            AuthFlag::Purpose => "QOD_PURPOSE",
            AuthFlag::OpenidConfig => "QOD_OPENID_CONFIG",
            AuthFlag::BcAuthorizeUrl => "QOD_BC_AUTHORIZE_URL",
            AuthFlag::ApiKeyHeader => "QOD_API_KEY_HEADER",
            AuthFlag::ApiKey => "QOD_API_KEY",
            AuthFlag::Header => "QOD_HEADER",
        }
    }

    /// How a message that asks for it writes it: a file flag with FILE.
    pub fn usage(self) -> String {
        match self {
            AuthFlag::PrivateKey | AuthFlag::ClientPublicKey | AuthFlag::ClientKey => {
                format!("{} FILE", self.long())
            }
            _ => self.long().to_owned(),
        }
    }

    /// Whether only a client reads it: `qod sandbox` scripts its users by
    /// number and checks what a client sends with its own flags.
    fn is_clients_only(self) -> bool {
        !matches!(
            self,
            AuthFlag::Token
                | AuthFlag::ClientId
                | AuthFlag::ClientSecret
                | AuthFlag::ClientPublicKey
        )
    }
}

/// Refuses a flag `mode` does not use, then asks for the first flag it
/// needs that has no value. `given` says where each flag's value came
/// from. A client refuses only what the command line gives, so that a
/// `QOD_` variable kept for another mode does not break a command; the
/// sandbox refuses a variable too, since whoever set it for the sandbox
/// expects it to count.
pub fn check(
    reader: Reader,
    mode: AuthMode,
    given: impl Fn(AuthFlag) -> Given,
) -> Result<(), Failure> {
    match (reader, mode) {
        (Reader::Client, AuthMode::Openid) => return Err(sandbox_only()),
        (Reader::Sandbox, AuthMode::Ciba | AuthMode::JwtBearer | AuthMode::ApiKey) => {
            return Err(clients_only(mode));
        }
        _ => {}
    }
    let accepted = accepted(reader, mode);
    let refusable = |flag| match (reader, given(flag)) {
        (_, Given::CommandLine) | (Reader::Sandbox, Given::Environment) => true,
        (Reader::Client, Given::Environment) | (_, Given::Absent) => false,
    };
    let takes = |flag| accepted.required.contains(&flag) || accepted.optional.contains(&flag);
    if let Some(flag) = AuthFlag::ALL
        .into_iter()
        .find(|&flag| !takes(flag) && refusable(flag))
    {
        return Err(not_used(reader, mode, flag));
    }
    match accepted
        .required
        .iter()
        .find(|&&flag| given(flag) == Given::Absent)
    {
        Some(&flag) => Err(required(reader, mode, flag)),
        None => Ok(()),
    }
}

/// What a client command says of `--auth openid`.
pub fn sandbox_only() -> Failure {
    Failure::Input(
        "--auth openid is a mode of qod sandbox only (it serves discovery, CIBA, JWT Bearer \
         and the authorization code flow); a client command uses another --auth"
            .to_owned(),
    )
}

/// What `qod sandbox` says of a client's mode.
fn clients_only(mode: AuthMode) -> Failure {
    Failure::Input(match mode {
        AuthMode::ApiKey => "--auth api-key is a client's mode; qod sandbox checks no API key: \
             run it with --auth none (a client's extra headers reach it all the same)"
            .to_owned(),
        _ => format!(
            "--auth {} is a client's mode; qod sandbox serves it with --auth openid \
             --client-id ID (and --client-secret S, --client-public-key FILE or both)",
            mode.name()
        ),
    })
}

/// `flag`'s value, which `mode` needs.
pub fn required_value<T: ?Sized>(
    value: Option<&T>,
    reader: Reader,
    mode: AuthMode,
    flag: AuthFlag,
) -> Result<&T, Failure> {
    value.ok_or_else(|| required(reader, mode, flag))
}

/// "--x is required with --auth y".
fn required(reader: Reader, mode: AuthMode, flag: AuthFlag) -> Failure {
    let command = match reader {
        Reader::Client => "",
        Reader::Sandbox => "qod sandbox ",
    };
    Failure::Input(format!(
        "{} is required with {command}--auth {}",
        flag.usage(),
        mode.name()
    ))
}

/// "--x is not used with --auth y", or what the sandbox does instead of
/// a flag that is only the client's.
fn not_used(reader: Reader, mode: AuthMode, flag: AuthFlag) -> Failure {
    let (name, env, mode) = (flag.long(), flag.env(), mode.name());
    Failure::Input(match (reader, flag) {
        (Reader::Client, _) => format!(
            "{name} is not used with --auth {mode}: give the --auth mode that uses it, \
             or leave it out"
        ),
        (Reader::Sandbox, AuthFlag::PrivateKey) => format!(
            "{name} ({env}) is the client's; the sandbox checks PoP tokens with the client's \
             public key: --client-public-key FILE \
             (openssl pkey -in KEY.pem -pubout -out KEY.pub.pem)"
        ),
        (Reader::Sandbox, AuthFlag::TokenUrl) => format!(
            "{name} ({env}) is the client's; the sandbox serves its own token URL and prints it"
        ),
        (Reader::Sandbox, flag) if flag.is_clients_only() => format!(
            "{name} ({env}) is the client's; qod sandbox --auth {mode} does not read it \
             (in --auth openid its users are scripted by number: qod_sandbox::test_assets)"
        ),
        (Reader::Sandbox, _) => format!(
            "{name} ({env}) is not used by qod sandbox --auth {mode}: give the --auth mode \
             that uses it, or leave it out"
        ),
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn names_are_the_command_lines() {
        for mode in AuthMode::value_variants() {
            let value = mode.to_possible_value().expect("a visible mode");
            assert_eq!(value.get_name(), mode.name());
        }
    }

    #[test]
    fn every_auth_flag_names_its_argument() {
        let command = crate::cli::Cli::command();
        let sandbox = command.find_subcommand("sandbox").expect("qod sandbox");
        for flag in AuthFlag::ALL {
            let arg = match flag.is_global() {
                true => command
                    .get_arguments()
                    .find(|arg| arg.get_id() == flag.id()),
                false => sandbox
                    .get_arguments()
                    .find(|arg| arg.get_id() == flag.id()),
            };
            let arg = arg.unwrap_or_else(|| panic!("no argument {}", flag.id()));
            assert_eq!(arg.is_global_set(), flag.is_global(), "{flag:?}");
            assert_eq!(format!("--{}", arg.get_long().unwrap_or("")), flag.long());
            assert_eq!(
                arg.get_env().map(|env| env.to_string_lossy().into_owned()),
                Some(flag.env().to_owned())
            );
        }
    }

    #[test]
    fn every_mode_takes_no_flag_twice_and_only_the_sandbox_reads_the_public_key() {
        for mode in AuthMode::value_variants() {
            for reader in [Reader::Client, Reader::Sandbox] {
                let flags = accepted(reader, *mode);
                for flag in flags.required {
                    assert!(!flags.optional.contains(flag), "{mode:?} {flag:?}");
                }
                let public_key = flags.required.contains(&AuthFlag::ClientPublicKey);
                assert!(!public_key || reader == Reader::Sandbox);
            }
        }
    }

    #[test]
    fn a_client_refuses_only_what_the_command_line_gives() {
        let only = |wanted: AuthFlag, source: Given| {
            move |flag: AuthFlag| {
                if flag == wanted {
                    source
                } else {
                    Given::Absent
                }
            }
        };
        let error = check(
            Reader::Client,
            AuthMode::None,
            only(AuthFlag::Token, Given::CommandLine),
        )
        .unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert_eq!(
            error.to_string(),
            "--token is not used with --auth none: give the --auth mode that uses it, \
             or leave it out"
        );
        assert!(
            check(
                Reader::Client,
                AuthMode::None,
                only(AuthFlag::Token, Given::Environment)
            )
            .is_ok()
        );
        let error = check(
            Reader::Sandbox,
            AuthMode::None,
            only(AuthFlag::Token, Given::Environment),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("--token (QOD_TOKEN) is not used"),
            "{error}"
        );
    }

    #[test]
    fn what_is_missing_is_named_with_its_mode() {
        let nothing = |_| Given::Absent;
        let error = check(Reader::Client, AuthMode::Tmobile, nothing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--private-key FILE is required with --auth tmobile"
        );
        let error = check(Reader::Client, AuthMode::Oauth2, nothing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--token-url is required with --auth oauth2"
        );
        let error = check(Reader::Sandbox, AuthMode::Oauth2, nothing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--client-id is required with qod sandbox --auth oauth2"
        );
        // Environment values count as given.
        let from_env = |_| Given::Environment;
        assert!(check(Reader::Client, AuthMode::Tmobile, from_env).is_ok());
    }

    #[test]
    fn three_legged_and_api_key_modes_name_what_they_need_in_order() {
        let given = |flags: &'static [AuthFlag]| {
            move |flag| match flags.contains(&flag) {
                true => Given::CommandLine,
                false => Given::Absent,
            }
        };
        use AuthFlag::{ApiKeyHeader, ClientId, ClientKey, Header, LoginHint, Subject, Token};
        for (mode, flags, says) in [
            (
                AuthMode::Ciba,
                &[][..],
                "--client-id is required with --auth ciba",
            ),
            (
                AuthMode::Ciba,
                &[ClientId],
                "--login-hint is required with --auth ciba",
            ),
            (
                AuthMode::JwtBearer,
                &[ClientId],
                "--subject is required with --auth jwt-bearer",
            ),
            (
                AuthMode::JwtBearer,
                &[ClientId, Subject],
                "--client-key FILE is required with --auth jwt-bearer",
            ),
            (
                AuthMode::ApiKey,
                &[],
                "--api-key-header is required with --auth api-key",
            ),
            (
                AuthMode::ApiKey,
                &[ApiKeyHeader],
                "--api-key is required with --auth api-key",
            ),
            (
                AuthMode::Ciba,
                &[ClientId, LoginHint, Token],
                "--token is not used with --auth ciba",
            ),
            (
                AuthMode::Oauth2,
                &[LoginHint],
                "--login-hint is not used with --auth oauth2",
            ),
            (
                AuthMode::Bearer,
                &[Token, Header],
                "--header is not used with --auth bearer",
            ),
        ] {
            let error = check(Reader::Client, mode, given(flags)).unwrap_err();
            assert!(
                error.to_string().starts_with(says),
                "{mode:?} {flags:?}: {error}"
            );
        }
        assert!(
            check(
                Reader::Client,
                AuthMode::Ciba,
                given(&[ClientId, LoginHint])
            )
            .is_ok()
        );
        assert!(
            check(
                Reader::Client,
                AuthMode::JwtBearer,
                given(&[ClientId, Subject, ClientKey])
            )
            .is_ok()
        );
        assert!(AuthMode::Ciba.is_three_legged() && AuthMode::JwtBearer.is_three_legged());
        assert!(!AuthMode::Oauth2.is_three_legged() && !AuthMode::ApiKey.is_three_legged());
    }

    #[test]
    fn the_sandbox_serves_the_clients_modes_with_openid() {
        let nothing = |_| Given::Absent;
        for mode in [AuthMode::Ciba, AuthMode::JwtBearer] {
            let error = check(Reader::Sandbox, mode, nothing).unwrap_err();
            assert!(error.to_string().contains("--auth openid"), "{error}");
        }
        let error = check(Reader::Sandbox, AuthMode::ApiKey, nothing).unwrap_err();
        assert!(error.to_string().contains("--auth none"), "{error}");
        let hint_in_environment = |flag| match flag {
            AuthFlag::ClientId => Given::CommandLine,
            AuthFlag::LoginHint => Given::Environment,
            _ => Given::Absent,
        };
        let error = check(Reader::Sandbox, AuthMode::Openid, hint_in_environment).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("--login-hint (QOD_LOGIN_HINT) is the client's"),
            "{error}"
        );
    }

    #[test]
    fn openid_is_the_sandboxs_mode() {
        let nothing = |_| Given::Absent;
        let error = check(Reader::Client, AuthMode::Openid, nothing).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("qod sandbox only"), "{error}");
        let error = check(Reader::Sandbox, AuthMode::Openid, nothing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--client-id is required with qod sandbox --auth openid"
        );
        let only_the_id = |flag| match flag {
            AuthFlag::ClientId => Given::CommandLine,
            _ => Given::Absent,
        };
        assert!(check(Reader::Sandbox, AuthMode::Openid, only_the_id).is_ok());
        let with_token = |flag| match flag {
            AuthFlag::ClientId | AuthFlag::Token => Given::CommandLine,
            _ => Given::Absent,
        };
        let error = check(Reader::Sandbox, AuthMode::Openid, with_token).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("--token (QOD_TOKEN) is not used"),
            "{error}"
        );
    }
}
