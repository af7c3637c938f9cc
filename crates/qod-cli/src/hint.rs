//! The hints after an error: which flag to use, and what a failed create
//! made and the command that ends it.

use qod::auth::AuthError;
use qod::models::ErrorCode;
use qod::{CreatedResource, ErrorKind};

use crate::auth_mode::AuthMode;
use crate::device_args::DEVICE_FLAGS;
use crate::failure::Failure;

/// What to do about `failure`, when the command can tell: which flag to
/// use. `auth` is the `--auth` mode the command ran with.
pub fn for_failure(failure: &Failure, auth: AuthMode) -> Option<String> {
    let Failure::Call(error) = failure else {
        return None;
    };
    let mode = auth.name();
    match error.kind() {
        ErrorKind::Api(api) if api.status.as_u16() == 401 && auth == AuthMode::None => Some(
            "the server wants credentials: use --auth bearer with --token, \
             --auth oauth2 with --token-url, --client-id and --client-secret, \
             or --auth tmobile with --client-id, --client-secret and --private-key"
                .to_owned(),
        ),
        ErrorKind::Api(api) if api.status.as_u16() == 401 => Some(format!(
            "the server refused the credentials of --auth {mode}: check them, \
             and that --auth names the scheme the operator uses"
        )),
        ErrorKind::Auth(AuthError::TokenEndpoint { status, .. })
            if matches!(status.as_u16(), 400 | 401) =>
        {
            Some(format!(
                "the token endpoint refused the client: check --client-id, \
                 --client-secret{} and --token-url",
                if auth == AuthMode::Tmobile {
                    ", --private-key"
                } else {
                    ""
                }
            ))
        }
        ErrorKind::Auth(AuthError::OAuth(_)) => Some(
            "the token endpoint refused the client: check --client-id, \
             --client-secret and --token-url"
                .to_owned(),
        ),
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
