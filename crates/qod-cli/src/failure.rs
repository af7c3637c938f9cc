//! Why a command failed, and its exit status: 2 when nothing was sent
//! because the input was invalid, 1 for every other failure, and 0 when
//! only stdout's reader went away (see [`crate::stdio`]).

use std::error::Error;
use std::fmt;

use qod::CreatedResource;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// Bad input; nothing was sent.
    Input(String),
    /// The call failed.
    Call(qod::Error),
    /// Anything else (the sandbox could not start, signals cannot be handled).
    Other(String),
    /// Stdout could not be written, after the command did `created`, if
    /// anything: the new id, which stdout would have shown, is then told on
    /// stderr instead.
    Output {
        error: std::io::Error,
        created: Option<CreatedResource>,
    },
}

impl Failure {
    /// Stdout could not be written.
    pub fn output(error: std::io::Error) -> Self {
        Failure::Output {
            error,
            created: None,
        }
    }

    /// This failure, after the command made `what`: an output failure
    /// then names it (the caller did not see it on stdout).
    pub fn after_creating(self, what: CreatedResource) -> Self {
        match self {
            Failure::Output { error, .. } => Failure::Output {
                error,
                created: Some(what),
            },
            other => other,
        }
    }

    /// Whether the reader of stdout went away before anything it needed
    /// was lost: nothing to say, and not a failure (see [`crate::stdio`]).
    pub fn is_reader_gone(&self) -> bool {
        matches!(
            self,
            Failure::Output { error, created: None }
                if error.kind() == std::io::ErrorKind::BrokenPipe
        )
    }

    /// The process exit status.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Input(_) => 2,
            Failure::Call(error) if error.is_invalid_input() => 2,
            Failure::Output { .. } if self.is_reader_gone() => 0,
            Failure::Call(_) | Failure::Other(_) | Failure::Output { .. } => 1,
        }
    }

    /// What a create made although the command failed: the caller has no
    /// other way to learn of it, and the server holds (and bills for) it.
    pub fn created(&self) -> Option<CreatedResource> {
        match self {
            Failure::Call(error) => error.created(),
            Failure::Output { created, .. } => *created,
            _ => None,
        }
    }

    /// Whether the call failed before its request left: nothing was
    /// created or changed on the server (invalid input says so already).
    pub fn nothing_sent(&self) -> bool {
        matches!(self, Failure::Call(error) if error.nothing_sent() && !error.is_invalid_input())
    }
}

/// `error` and its causes, each told once: a cause whose text its parent
/// already printed (an error that both shows and exposes its source) is
/// not repeated.
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let told = cause.to_string();
        if !told.is_empty() && !text.contains(&told) {
            text.push_str(": ");
            text.push_str(&told);
        }
        source = cause.source();
    }
    text
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(message) | Failure::Other(message) => f.write_str(message),
            Failure::Output { error, .. } if error.kind() == std::io::ErrorKind::BrokenPipe => {
                f.write_str("cannot write the output: its reader closed the pipe")
            }
            Failure::Output { error, .. } => write!(f, "cannot write the output: {error}"),
            Failure::Call(error) => {
                let mut text = chain(error);
                // Give the correlator where the error did not already.
                if let Some(correlator) = error.correlator()
                    && !text.contains(correlator)
                {
                    text.push_str(&format!(" (x-correlator {correlator})"));
                }
                f.write_str(&text)
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
        Failure::Input(chain(&error))
    }
}

impl From<qod::auth::AuthError> for Failure {
    fn from(error: qod::auth::AuthError) -> Self {
        Failure::Input(chain(&error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Shows(std::io::Error);
    impl fmt::Display for Shows {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "reading failed: {}", self.0)
        }
    }
    impl Error for Shows {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn each_cause_once() {
        let shown = Shows(std::io::Error::other("disk on fire"));
        assert_eq!(chain(&shown), "reading failed: disk on fire");
        let source = qod::TransportError::with_source(
            qod::Delivery::NotSent,
            "cannot connect",
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        );
        let failure = Failure::Call(qod::Error::from(source));
        assert_eq!(
            failure.to_string(),
            "request not sent: cannot connect: connection refused"
        );
    }
}
