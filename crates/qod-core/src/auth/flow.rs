//! A token fetch in steps. The call that holds a subject's fetch permit
//! drives it: send a request, read its answer, maybe wait and send again,
//! until a grant or an error. Each step is pure; the call does the sending
//! and the waiting, so every runtime gets every flow: discovery, client
//! credentials, TAAP, CIBA's backchannel request and polls, JWT Bearer, and
//! the refresh grant.

use std::time::{Duration, SystemTime};

use http::{Request, Response};
use uuid::Uuid;

use crate::Endpoint;
use crate::auth::oauth2::parse_token_grant;
use crate::auth::server::Endpoints;
use crate::auth::{
    AuthError, CibaPending, CibaPoll, Credentials, Flow, FlowEnd, RefreshToken, Scope, Subject,
    TokenGrant, UserCredentials, UserGrant, ciba, refresh,
};

/// Where a fetch stands, and whose and what for. A flow that is waiting
/// between requests can be handed to the next caller when its call runs
/// out of time, so that a fetch (a user's approval) outlives the call that
/// began it.
#[derive(Debug)]
pub(crate) struct TokenFlow {
    stage: Stage,
    subject: Option<Subject>,
    scope: Option<Scope>,
}

#[derive(Debug)]
enum Stage {
    /// Deciding: discover first, refresh, or grant from the start.
    Start(Option<RefreshToken>),
    /// Reading the authorization server's metadata.
    Discover(Option<RefreshToken>),
    /// One request to the token endpoint: client credentials, TAAP.
    Grant,
    /// The JWT Bearer grant.
    JwtBearer,
    /// CIBA's backchannel authentication request.
    Backchannel,
    /// Polling the token endpoint for the user's answer.
    Poll(CibaPending),
    /// Renewing with a refresh token.
    Refresh(RefreshToken),
}

/// What the call holding the fetch does next.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // short-lived, moved once: boxing would only add an allocation
pub(crate) enum FlowStep {
    /// Send this request and hand its answer to [`TokenFlow::receive`].
    Send {
        /// The request.
        request: Request<Vec<u8>>,
        /// Whether a failure that may have reached the server may be
        /// retried: a token request may; a backchannel request, which asks
        /// the user, may not.
        replayable: bool,
    },
    /// Wait this long, then ask [`TokenFlow::request`] again.
    Wait(Duration),
    /// Ask [`TokenFlow::request`] again now: the flow moved on.
    Next,
    /// The fetch is done.
    Token(TokenGrant),
}

impl TokenFlow {
    /// A fetch from the start for `subject` (three-legged flows), asking
    /// for `scope` (when the credentials ask per call), renewing with
    /// `refresh` when there is one.
    pub(crate) fn start(
        subject: Option<Subject>,
        scope: Option<Scope>,
        refresh: Option<RefreshToken>,
    ) -> Self {
        TokenFlow {
            stage: Stage::Start(refresh),
            subject,
            scope,
        }
    }

    /// Whether the next caller can go on from here: a CIBA request waiting
    /// for the user's answer, which starting over would ask again.
    pub(crate) fn can_resume(&self) -> bool {
        matches!(self.stage, Stage::Poll(_))
    }

    /// What this fetch asks for, when it chose.
    pub(crate) fn scope(&self) -> Option<&Scope> {
        self.scope.as_ref()
    }

    /// The request of the stage the flow is at: first, after a wait, or
    /// again after a failed attempt's backoff (rebuilt, with `jti` fresh).
    pub(crate) fn request(
        &mut self,
        credentials: &Credentials,
        endpoint: &Endpoint,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<FlowStep, AuthError> {
        let send = |request, replayable| {
            Ok(FlowStep::Send {
                request,
                replayable,
            })
        };
        if let Stage::Start(refresh) = &mut self.stage {
            let refresh = refresh.take();
            self.stage = match credentials {
                Credentials::User(user) => match user.server.endpoints(flow_of(user))? {
                    None => Stage::Discover(refresh),
                    Some(_) => match refresh {
                        Some(refresh) => Stage::Refresh(refresh),
                        None => first_stage(user)?,
                    },
                },
                _ => Stage::Grant,
            };
        }
        match (&self.stage, credentials) {
            (Stage::Discover(_), Credentials::User(user)) => match user.server.discovery() {
                Some(discovery) => send(discovery.request()?, true),
                None => Err(not_for(credentials)),
            },
            (Stage::Grant, Credentials::ClientCredentials(credentials)) => send(
                credentials.token_request_for(now, jti, self.scope.as_ref())?,
                true,
            ),
            #[cfg(feature = "tmobile")]
            (Stage::Grant, Credentials::TMobile(credentials)) => {
                send(credentials.token_request(endpoint, now, jti)?, true)
            }
            #[cfg(feature = "jwt")]
            (Stage::JwtBearer, Credentials::User(user)) => send(
                crate::auth::jwt_bearer::token_request(
                    &endpoints(user)?.token,
                    &user.client,
                    self.asked()?,
                    self.subject()?,
                    now,
                    jti,
                )?,
                true,
            ),
            (Stage::Backchannel, Credentials::User(user)) => {
                let url = endpoints(user)?
                    .backchannel
                    .ok_or_else(|| not_for(credentials))?;
                let (scope, subject) = (self.asked()?, self.subject()?);
                let request =
                    ciba::backchannel_request(&url, &user.client, scope, subject, now, jti)?;
                // A replay would ask the user twice.
                send(request, false)
            }
            (Stage::Poll(pending), Credentials::User(user)) => send(
                pending.poll_request(&endpoints(user)?.token, &user.client, now, jti)?,
                true,
            ),
            (Stage::Refresh(token), Credentials::User(user)) => send(
                refresh::refresh_request(
                    &endpoints(user)?.token,
                    &user.client,
                    token,
                    None,
                    now,
                    jti,
                )?,
                true,
            ),
            _ => {
                let _ = (endpoint, now, jti);
                Err(not_for(credentials))
            }
        }
    }

    /// Reads the answer to the request last sent, at `now`.
    pub(crate) fn receive(
        &mut self,
        credentials: &Credentials,
        response: Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<FlowStep, AuthError> {
        let stage = std::mem::replace(&mut self.stage, Stage::Grant);
        match (stage, credentials) {
            (Stage::Discover(refresh), Credentials::User(user)) => {
                let Some(discovery) = user.server.discovery() else {
                    return Err(not_for(credentials));
                };
                let metadata = discovery.read_response(response)?;
                metadata.check_client_auth(&user.client)?;
                user.server.store(metadata);
                self.stage = Stage::Start(refresh);
                Ok(FlowStep::Next)
            }
            (Stage::Grant, Credentials::ClientCredentials(_)) => {
                parse_token_grant(response, now, true).map(FlowStep::Token)
            }
            #[cfg(feature = "tmobile")]
            (Stage::Grant, Credentials::TMobile(credentials)) => credentials
                .parse_token_response(response, now)
                .map(|token| FlowStep::Token(TokenGrant::new(token))),
            #[cfg(feature = "jwt")]
            (Stage::JwtBearer, Credentials::User(_)) => {
                crate::auth::jwt_bearer::read_token_response(response, now).map(FlowStep::Token)
            }
            (Stage::Backchannel, Credentials::User(_)) => {
                let pending = ciba::read_backchannel_response(response, now)?;
                let wait = pending.wait(now)?;
                self.stage = Stage::Poll(pending);
                Ok(FlowStep::Wait(wait))
            }
            (Stage::Poll(mut pending), Credentials::User(_)) => {
                match pending.read_poll_response(response, now)? {
                    CibaPoll::Token(grant) => Ok(FlowStep::Token(grant)),
                    CibaPoll::Wait(wait) => {
                        self.stage = Stage::Poll(pending);
                        Ok(FlowStep::Wait(wait))
                    }
                }
            }
            (Stage::Refresh(used), Credentials::User(user)) => {
                match refresh::read_refresh_response(response, now, &used) {
                    Ok(grant) => Ok(FlowStep::Token(grant)),
                    // A refresh token that no longer works: start the grant over,
                    // when it can start without the user's browser.
                    Err(error)
                        if matches!(
                            error.flow_end(),
                            Some(FlowEnd::InvalidGrant | FlowEnd::Expired)
                        ) && user.grant != UserGrant::AuthorizationCode =>
                    {
                        self.stage = first_stage(user)?;
                        Ok(FlowStep::Next)
                    }
                    Err(error) => Err(error),
                }
            }
            (stage, _) => {
                self.stage = stage;
                Err(not_for(credentials))
            }
        }
    }

    fn asked(&self) -> Result<&Scope, AuthError> {
        self.scope.as_ref().ok_or_else(|| {
            AuthError::Config("a three-legged grant needs a scope to ask for".to_owned())
        })
    }

    fn subject(&self) -> Result<&Subject, AuthError> {
        self.subject.as_ref().ok_or_else(|| {
            AuthError::Config("a three-legged grant needs the subject it is for".to_owned())
        })
    }
}

/// The flow of a user's grant, for the server's checks.
fn flow_of(user: &UserCredentials) -> Flow {
    match user.grant {
        UserGrant::Ciba => Flow::Ciba,
        UserGrant::JwtBearer => Flow::JwtBearer,
        _ => Flow::AuthorizationCode,
    }
}

/// Where a user's grant starts when no token can be renewed.
fn first_stage(user: &UserCredentials) -> Result<Stage, AuthError> {
    match user.grant {
        UserGrant::Ciba => Ok(Stage::Backchannel),
        UserGrant::JwtBearer => Ok(Stage::JwtBearer),
        // The user signs in through the application's browser: nothing to
        // send until the application stores the exchanged token.
        _ => Err(AuthError::Config(
            "no token for this subject: the user signs in by the authorization code flow \
             (AuthorizationCodeFlow), and the application stores the exchanged token \
             (Authenticator::store_user_token)"
                .to_owned(),
        )),
    }
}

/// The endpoints of a server whose metadata the flow has read already.
fn endpoints(user: &UserCredentials) -> Result<Endpoints, AuthError> {
    user.server.endpoints(flow_of(user))?.ok_or_else(|| {
        AuthError::Config("the authorization server is not discovered yet".to_owned())
    })
}

fn not_for(credentials: &Credentials) -> AuthError {
    let what = match credentials {
        Credentials::None | Credentials::Bearer(_) | Credentials::ApiKey(_) => {
            "these credentials fetch no token"
        }
        _ => "this step of the token flow does not fit these credentials",
    };
    AuthError::Config(what.to_owned())
}
