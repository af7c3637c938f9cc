//! A token fetch in steps. The call that holds a subject's fetch permit
//! drives it: send a request, read its answer, maybe wait and send again,
//! until a token or an error. Each step is pure; the call does the sending
//! and the waiting, so every runtime gets every flow.

use std::time::{Duration, SystemTime};

use http::{Request, Response};
use uuid::Uuid;

use crate::Endpoint;
use crate::auth::{AccessToken, AuthError, Credentials};

/// Where a fetch stands. A flow that is waiting between requests can be
/// handed to the next caller when its call runs out of time, so that a
/// fetch outlives the call that began it.
#[derive(Debug)]
pub(crate) struct TokenFlow {
    stage: Stage,
}

#[derive(Debug)]
enum Stage {
    /// One request to the token endpoint: client credentials, TAAP.
    Grant,
}

/// What the call holding the fetch does next.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // short-lived, moved once: boxing would only add an allocation
pub(crate) enum FlowStep {
    /// Send this request and hand its answer to [`TokenFlow::receive`].
    /// `replayable`: whether a failure that may have reached the server
    /// may be retried (a token request may; a backchannel request, which
    /// asks the user, may not).
    Send {
        /// The request.
        request: Request<Vec<u8>>,
        /// Whether it may be replayed.
        replayable: bool,
    },
    /// Wait this long, then ask [`TokenFlow::request`] again.
    Wait(Duration),
    /// The fetch is done.
    Token(AccessToken),
}

impl TokenFlow {
    /// A fetch from the start.
    pub(crate) fn start() -> Self {
        TokenFlow {
            stage: Stage::Grant,
        }
    }

    /// The request of the stage the flow is at: first, after a wait, or
    /// again after a failed attempt's backoff (rebuilt, with a fresh `jti`).
    #[cfg_attr(not(feature = "tmobile"), allow(unused_variables))]
    pub(crate) fn request(
        &mut self,
        credentials: &Credentials,
        endpoint: &Endpoint,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<FlowStep, AuthError> {
        match self.stage {
            Stage::Grant => {
                let request = match credentials {
                    Credentials::ClientCredentials(credentials) => credentials.token_request()?,
                    #[cfg(feature = "tmobile")]
                    Credentials::TMobile(credentials) => {
                        credentials.token_request(endpoint, now, jti)?
                    }
                    Credentials::None | Credentials::Bearer(_) | Credentials::ApiKey(_) => {
                        return Err(no_fetch());
                    }
                };
                Ok(FlowStep::Send {
                    request,
                    replayable: true,
                })
            }
        }
    }

    /// Reads the answer to the request last sent.
    pub(crate) fn receive(
        &mut self,
        credentials: &Credentials,
        response: Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<FlowStep, AuthError> {
        match self.stage {
            Stage::Grant => {
                let token = match credentials {
                    Credentials::ClientCredentials(credentials) => {
                        credentials.parse_token_response(response, now)?
                    }
                    #[cfg(feature = "tmobile")]
                    Credentials::TMobile(credentials) => {
                        credentials.parse_token_response(response, now)?
                    }
                    Credentials::None | Credentials::Bearer(_) | Credentials::ApiKey(_) => {
                        return Err(no_fetch());
                    }
                };
                Ok(FlowStep::Token(token))
            }
        }
    }
}

fn no_fetch() -> AuthError {
    AuthError::Config("these credentials fetch no token".to_owned())
}
