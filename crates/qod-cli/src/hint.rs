//! The hints after an error: which flag to use, and what a failed create
//! made and the command that ends it.

use qod::auth::{AuthError, Flow, FlowEnd, Subject};
use qod::models::ErrorCode;
use qod::{CreatedResource, ErrorKind};

use crate::auth_mode::AuthMode;
use crate::device_args::DEVICE_FLAGS;
use crate::failure::Failure;
use crate::global_options::{ClientAuthArg, GlobalOptions};

/// What to do about `failure`, when the command can tell: which flag to
/// use. `global` holds the `--auth` mode and its flags the command ran
/// with; `device_flags` the device flags its command line gave.
pub fn for_failure(
    failure: &Failure,
    global: &GlobalOptions,
    device_flags: &[&'static str],
) -> Option<String> {
    let Failure::Call(error) = failure else {
        return None;
    };
    let auth = global.auth;
    let mode = auth.name();
    match error.kind() {
        ErrorKind::Api(api) if api.status.as_u16() == 401 && auth == AuthMode::None => Some(
            "the server wants credentials: use --auth bearer with --token, \
             --auth oauth2 with --token-url, --client-id and --client-secret, \
             --auth tmobile with --client-id, --client-secret and --private-key, \
             --auth ciba with --login-hint, or --auth api-key with --api-key-header and --api-key"
                .to_owned(),
        ),
        ErrorKind::Api(api) if api.status.as_u16() == 401 => Some(format!(
            "the server refused the credentials of --auth {mode}: check them, \
             and that --auth names the scheme the operator uses"
        )),
        ErrorKind::Invalid(broken) if broken.field() == "device" && auth.is_three_legged() => {
            let given = match device_flags {
                [] => DEVICE_FLAGS.to_owned(),
                flags => flags.join(" and "),
            };
            Some(format!(
                "with --auth {mode} the token names the device ({}): drop {given}",
                user_flag(auth)
            ))
        }
        ErrorKind::Invalid(broken) if broken.field() == "device" && device_flags.is_empty() => {
            let what = match auth {
                AuthMode::ApiKey => "the API key",
                _ => "the token",
            };
            Some(format!(
                "with --auth {mode} {what} names no device: name it with {DEVICE_FLAGS} \
                 (or use --auth ciba or jwt-bearer, whose token names it)"
            ))
        }
        ErrorKind::Auth(auth_error) => for_auth_error(auth_error, global),
        ErrorKind::Unsupported {
            api: qod::Api::QosProvisioning,
            ..
        } => Some(
            "QoS Provisioning needs a QoD 1.x --base-url (.../quality-on-demand/v1) \
                 or --provisioning-url"
                .to_owned(),
        ),
        ErrorKind::Api(api) if api.code == ErrorCode::MissingIdentifier => {
            Some(format!("name the device with {DEVICE_FLAGS}"))
        }
        ErrorKind::Api(api) if api.code == ErrorCode::UnnecessaryIdentifier => Some(format!(
            "the token names the device already: drop {}",
            match device_flags {
                [] => DEVICE_FLAGS.to_owned(),
                flags => flags.join(" and "),
            }
        )),
        _ => None,
    }
}

/// The flag naming the user of a three-legged mode.
fn user_flag(auth: AuthMode) -> &'static str {
    match auth {
        AuthMode::JwtBearer => "--subject",
        _ => "--login-hint",
    }
}

/// The user the command named, as it may be printed (an operator token
/// redacted).
fn user(global: &GlobalOptions) -> String {
    let given = match global.auth {
        AuthMode::JwtBearer => global.subject.as_deref(),
        _ => global.login_hint.as_deref(),
    };
    given
        .and_then(|text| Subject::parse(text).ok())
        .map_or_else(|| "the user".to_owned(), |subject| subject.to_string())
}

/// The flags that authenticate the client in the mode the command ran
/// with, and where it sends them.
fn client_flags(global: &GlobalOptions) -> String {
    let signs = global.client_auth == Some(ClientAuthArg::PrivateKeyJwt)
        || (global.client_auth.is_none() && global.client_key.is_some())
        || global.auth == AuthMode::JwtBearer;
    let mut flags = vec!["--client-id"];
    match global.auth {
        AuthMode::Tmobile => flags.extend(["--client-secret", "--private-key"]),
        _ if signs => flags.push("--client-key (its public half registered with the operator)"),
        _ => flags.push("--client-secret"),
    }
    match global.auth {
        AuthMode::Ciba | AuthMode::JwtBearer if global.openid_config.is_some() => {
            flags.push("--openid-config");
        }
        AuthMode::Ciba => flags.extend(["--token-url", "--bc-authorize-url"]),
        _ => flags.push("--token-url"),
    }
    match flags.split_last() {
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// What to do about a failure to get a token.
fn for_auth_error(error: &AuthError, global: &GlobalOptions) -> Option<String> {
    let auth = global.auth;
    if let AuthError::Flow(flow) = error {
        let whom = user(global);
        let flag = user_flag(auth);
        return Some(match (flow.end, flow.flow) {
            (FlowEnd::Denied, _) => format!(
                "the user denied the request ({flag} {whom}): \
                 ask them to approve, then run the command again"
            ),
            (FlowEnd::Expired, Flow::Ciba) => format!(
                "the user did not answer in time ({flag} {whom}): run the command again and \
                 approve on the device"
            ),
            (FlowEnd::Expired, _) => "the grant expired: run the command again".to_owned(),
            (FlowEnd::UnknownUser, _) => format!(
                "the operator does not know {flag} {whom}: check the number (tel:+ and the \
                 digits, no spaces) or use another form (ipport:, operatortoken:)"
            ),
            (FlowEnd::InvalidGrant, Flow::JwtBearer) => format!(
                "the operator refused the grant for {flag} {whom}: the user has not consented, \
                 or the operator does not accept the assertion (check {})",
                client_flags(global)
            ),
            (FlowEnd::InvalidGrant, _) => {
                "the operator no longer knows the request: run the command again".to_owned()
            }
            _ => "the authorization server ended the flow: see its message above".to_owned(),
        });
    }
    match error {
        AuthError::TokenEndpoint { status, .. } if matches!(status.as_u16(), 400 | 401) => {
            Some(format!(
                "the token endpoint refused the client: check {}",
                client_flags(global)
            ))
        }
        AuthError::OAuth(_) => Some(format!(
            "the authorization server refused the client: check {}",
            client_flags(global)
        )),
        AuthError::Discovery { .. } => Some(match auth {
            AuthMode::Ciba => "check --openid-config, or give the URLs themselves: \
                 --token-url and --bc-authorize-url"
                .to_owned(),
            _ => "check --openid-config, or give --token-url instead".to_owned(),
        }),
        AuthError::TokenWaitTimedOut { .. } if auth == AuthMode::Ciba => Some(format!(
            "the user did not answer within {} s: run the command again and approve on the \
             device",
            crate::setup::USER_FLOW_TIME_LIMIT.as_secs()
        )),
        _ => None,
    }
}

/// The one line that tells what a failed create made and the command that
/// ends it, for a session or an assignment, named or not.
pub fn created(made: CreatedResource) -> String {
    match made {
        CreatedResource::Session(id) => {
            format!("session {id} was created; delete it with: qod session delete {id}")
        }
        CreatedResource::Assignment(id) => {
            format!("assignment {id} was created; revoke it with: qod assignment revoke {id}")
        }
        CreatedResource::UnnamedAssignment => "an assignment was probably created, but its id \
            could not be read; find it with: qod assignment retrieve and the create's device \
            flags, then revoke it"
            .to_owned(),
        // UnnamedSession, and whatever a later qod can make.
        _ => "a session was probably created, but its id could not be read; on QoD 1.x find \
            it with: qod session retrieve and the create's device flags, then delete it (QoD \
            0.10 cannot retrieve sessions: it lasts until its duration runs out)"
            .to_owned(),
    }
}
