//! Credentials whose tokens belong to one user (three-legged): CIBA, JWT
//! Bearer and the authorization code flow. Each token is a subject's, so a
//! call says whose it is ([`crate::CallOptions::with_subject`]) or the
//! credentials name a default one.

use crate::auth::scopes;
use crate::auth::{AuthError, AuthorizationServer, ClientAuth, Purpose, Scope, Subject};

/// What a three-legged flow asks for: by default `openid`, the purpose and
/// the scopes of the API the call belongs to; or a scope given verbatim.
#[derive(Debug, Clone)]
pub(crate) enum ScopeChoice {
    /// `openid`, this purpose, and what each call needs.
    ForCalls(Purpose),
    /// What each call needs, no more: two-legged client credentials.
    ForCallsOnly,
    /// Exactly this, whatever the call.
    Given(Scope),
}

impl ScopeChoice {
    /// What a fetch for a call needing `operation_scope` asks for, beside
    /// what the subject's token was granted before (`previous`).
    pub(crate) fn to_request(
        &self,
        operation_scope: &'static str,
        previous: Option<&Scope>,
    ) -> Result<Scope, AuthError> {
        match self {
            ScopeChoice::Given(scope) => Ok(scope.clone()),
            ScopeChoice::ForCalls(_) | ScopeChoice::ForCallsOnly => {
                let mut scope = match self {
                    ScopeChoice::ForCalls(purpose) => Scope::openid()
                        .with(purpose.as_str())?
                        .union(&api_scopes(operation_scope)?),
                    _ => api_scopes(operation_scope)?,
                };
                if let Some(previous) = previous {
                    scope = scope.union(previous);
                }
                Ok(scope)
            }
        }
    }

    /// The scope token a call needing `operation_scope` needs its token to
    /// hold: nothing more than what was asked for when the scope is given.
    /// A borrowed token, not a [`Scope`]: this runs on every call.
    pub(crate) fn needed(&self, operation_scope: &'static str) -> Option<&'static str> {
        match self {
            ScopeChoice::Given(_) => None,
            ScopeChoice::ForCalls(_) | ScopeChoice::ForCallsOnly => Some(operation_scope),
        }
    }
}

/// Two-legged client credentials that ask per call.
pub(crate) static TWO_LEGGED: ScopeChoice = ScopeChoice::ForCallsOnly;

/// The scopes of the whole API an operation belongs to (all of QoD's
/// session scopes for a create, say), so that one consent covers the calls
/// an application makes on it. An unknown scope stands alone.
pub(crate) fn api_scopes(operation_scope: &'static str) -> Result<Scope, AuthError> {
    const FAMILIES: [&[&str]; 3] = [
        &[
            scopes::SESSIONS_CREATE,
            scopes::SESSIONS_READ,
            scopes::SESSIONS_DELETE,
            scopes::SESSIONS_UPDATE,
            scopes::SESSIONS_RETRIEVE_BY_DEVICE,
        ],
        &[scopes::QOS_PROFILES_READ],
        &[
            scopes::QOS_ASSIGNMENTS_CREATE,
            scopes::QOS_ASSIGNMENTS_READ,
            scopes::QOS_ASSIGNMENTS_DELETE,
            scopes::QOS_ASSIGNMENTS_READ_BY_DEVICE,
        ],
    ];
    match FAMILIES
        .iter()
        .find(|family| family.contains(&operation_scope))
    {
        Some(family) => Scope::new(family.iter().copied()),
        None => Scope::new([operation_scope]),
    }
}

/// How a three-legged token is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserGrant {
    /// CIBA in poll mode: a backchannel request names the user
    /// (`login_hint`), the operator asks the user, and the client polls the
    /// token endpoint until the user has answered.
    Ciba,
    /// The JWT Bearer grant (RFC 7523 §2.1): the client asserts, signed with
    /// its key, whose token it wants (`sub` = `tel:+…` or
    /// `operatortoken:…`); no user interaction.
    JwtBearer,
    /// The authorization code flow: the user signs in through the
    /// application's browser ([`crate::auth::AuthorizationCodeFlow`]), and
    /// the application stores the exchanged token with
    /// [`crate::auth::Authenticator::store_user_token`].
    AuthorizationCode,
}

/// Credentials whose tokens each act for one user (three-legged): the
/// grant, the client and its authorization server, what to ask for, and the
/// subject of calls that name none ([`crate::CallOptions::with_subject`]
/// names one per call). A refresh token, when granted, renews a user's
/// token; otherwise the grant runs again (for CIBA, a new backchannel
/// request, which asks the user again).
///
/// ```
/// use qod_core::auth::{AuthorizationServer, ClientAuth, Discovery, Subject, UserCredentials};
/// let server = AuthorizationServer::discover(Discovery::new(
///     "https://auth.example.com/.well-known/openid-configuration",
/// )?);
/// let ciba = UserCredentials::ciba(ClientAuth::secret_basic("my-app", "s3cret")?, server)
///     .with_default_subject(Subject::phone_number("+14255550100")?);
/// assert!(!format!("{ciba:?}").contains("s3cret"));
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub(crate) grant: UserGrant,
    pub(crate) client: ClientAuth,
    pub(crate) server: AuthorizationServer,
    pub(crate) scope: ScopeChoice,
    pub(crate) subject: Option<Subject>,
}

impl UserCredentials {
    fn new(grant: UserGrant, client: ClientAuth, server: AuthorizationServer) -> Self {
        UserCredentials {
            grant,
            client,
            server,
            scope: ScopeChoice::ForCalls(Purpose::default()),
            subject: None,
        }
    }

    /// CIBA for `client` at `server`, which needs a backchannel
    /// authentication endpoint.
    pub fn ciba(client: ClientAuth, server: AuthorizationServer) -> Self {
        UserCredentials::new(UserGrant::Ciba, client, server)
    }

    /// The JWT Bearer grant for `client` at `server`: `client` must be
    /// [`ClientAuth::private_key_jwt`](crate::auth::ClientAuth), whose key
    /// signs the assertion.
    pub fn jwt_bearer(client: ClientAuth, server: AuthorizationServer) -> Result<Self, AuthError> {
        if !client.signs_assertions() {
            return Err(AuthError::Config(format!(
                "the JWT Bearer grant signs its assertion with the client's key, and {} has none: \
                 use ClientAuth::private_key_jwt",
                client.method()
            )));
        }
        Ok(UserCredentials::new(UserGrant::JwtBearer, client, server))
    }

    /// Tokens of the authorization code flow, which the application stores
    /// per user; `server` refreshes them.
    pub fn authorization_code(client: ClientAuth, server: AuthorizationServer) -> Self {
        UserCredentials::new(UserGrant::AuthorizationCode, client, server)
    }

    /// Asks for `openid`, `purpose` (a `dpv:` purpose; default
    /// `dpv:RequestedServiceProvision`) and the scopes of each call's API.
    #[must_use]
    pub fn with_purpose(mut self, purpose: Purpose) -> Self {
        self.scope = ScopeChoice::ForCalls(purpose);
        self
    }

    /// Asks for exactly `scope` whatever the call, e.g. an operator's legacy
    /// `dpv:RequestedServiceProvision#qod` ([`Scope::verbatim`]).
    #[must_use]
    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = ScopeChoice::Given(scope);
        self
    }

    /// The subject of calls that name none.
    #[must_use]
    pub fn with_default_subject(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// The grant.
    pub fn grant(&self) -> UserGrant {
        self.grant
    }

    /// The subject of calls that name none, if any.
    pub fn default_subject(&self) -> Option<&Subject> {
        self.subject.as_ref()
    }

    /// The authorization server.
    pub fn server(&self) -> &AuthorizationServer {
        &self.server
    }

    /// How the client authenticates.
    pub fn client_auth(&self) -> &ClientAuth {
        &self.client
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_call_asks_for_its_apis_scopes_with_openid_and_the_purpose() {
        let choice = ScopeChoice::ForCalls(Purpose::default());
        let scope = choice.to_request(scopes::SESSIONS_CREATE, None).unwrap();
        assert_eq!(
            scope.as_str(),
            "openid dpv:RequestedServiceProvision quality-on-demand:sessions:create \
             quality-on-demand:sessions:read quality-on-demand:sessions:delete \
             quality-on-demand:sessions:update quality-on-demand:sessions:retrieve-by-device"
        );
        // A later call on another API keeps what was granted and adds its own.
        let more = choice
            .to_request(scopes::QOS_PROFILES_READ, Some(&scope))
            .unwrap();
        assert!(more.covers(&scope));
        assert!(more.contains(scopes::QOS_PROFILES_READ));
        assert_eq!(
            choice.needed(scopes::SESSIONS_READ),
            Some(scopes::SESSIONS_READ)
        );
    }

    #[test]
    fn a_given_scope_is_sent_as_it_is_and_needs_nothing_more() {
        let legacy = Scope::verbatim("dpv:RequestedServiceProvision#qod").unwrap();
        let choice = ScopeChoice::Given(legacy);
        let scope = choice.to_request(scopes::SESSIONS_CREATE, None).unwrap();
        assert_eq!(scope.as_str(), "dpv:RequestedServiceProvision#qod");
        assert!(choice.needed(scopes::SESSIONS_CREATE).is_none());
    }

    #[test]
    fn jwt_bearer_needs_a_key() {
        let client = ClientAuth::secret_basic("app", "secret").unwrap();
        let server = AuthorizationServer::new("https://auth.example.com/token").unwrap();
        assert!(UserCredentials::jwt_bearer(client, server).is_err());
    }
}
