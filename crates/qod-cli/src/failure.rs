//! Why a command failed, and its exit status: 2 when nothing was sent
//! because the input was invalid, 1 for every other failure.

use std::fmt;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// Bad input; nothing was sent.
    Input(String),
    /// The call failed.
    Call(qod::Error),
    /// Anything else (the sandbox could not start, output could not be written).
    Other(String),
}

impl Failure {
    /// The process exit status.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Input(_) => 2,
            Failure::Call(error) if error.is_invalid_input() => 2,
            Failure::Call(_) | Failure::Other(_) => 1,
        }
    }
}

impl Failure {
    /// The session a create made although the command failed.
    pub fn created_session(&self) -> Option<qod::models::SessionId> {
        match self {
            Failure::Call(error) => error.created_session_id(),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(message) | Failure::Other(message) => f.write_str(message),
            Failure::Call(error) => {
                write!(f, "{error}")?;
                // Api errors name their correlator already; the others get it here.
                if !matches!(
                    error,
                    qod::Error::Api(_)
                        | qod::Error::UnexpectedResponse(_)
                        | qod::Error::Transport { .. }
                ) && let Some(correlator) = error.correlator()
                {
                    write!(f, " (x-correlator {correlator})")?;
                }
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
        }
    }
}

impl From<qod::Error> for Failure {
    fn from(error: qod::Error) -> Self {
        Failure::Call(error)
    }
}

impl From<qod::models::ValidationError> for Failure {
    fn from(error: qod::models::ValidationError) -> Self {
        Failure::Input(error.to_string())
    }
}

impl From<qod::SetupError> for Failure {
    fn from(error: qod::SetupError) -> Self {
        Failure::Input(error.to_string())
    }
}

impl From<qod::core::EndpointError> for Failure {
    fn from(error: qod::core::EndpointError) -> Self {
        Failure::Input(error.to_string())
    }
}

impl From<qod::auth::AuthError> for Failure {
    fn from(error: qod::auth::AuthError) -> Self {
        Failure::Input(error.to_string())
    }
}
