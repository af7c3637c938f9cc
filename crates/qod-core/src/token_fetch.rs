//! A token fetch on its own, with no operation: the token part of a call
//! (discovery, CIBA's request and polls, JWT Bearer, client credentials,
//! TAAP, refresh; the cache and its sharing; retries and the time limit),
//! stopping where a call would send its request. For a tool that hands the
//! token to another program (`qod auth token`), or an application that
//! wants the user's consent before its first call.

use std::time::SystemTime;

use http::{Request, Response};
use qod_models::XCorrelator;

use crate::auth::{AccessToken, AuthError, Scope, scopes};
use crate::{Api, Call, CallOptions, ClientCore, Endpoint, Error, Machine, Operation, Step};
use crate::{TransportError, operations::DeviceField};

/// A token a [`TokenFetch`] ended with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchedToken {
    token: AccessToken,
    asked: Option<Scope>,
    granted: Option<Scope>,
}

impl FetchedToken {
    /// The access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.token
    }

    /// The access token, taken out.
    pub fn into_access_token(self) -> AccessToken {
        self.token
    }

    /// The scope this fetch asked for, when it chose one per call (CIBA and
    /// JWT Bearer, and client credentials without a scope of their own on
    /// QoD 1.x); `None` when the token came from the cache, or the
    /// credentials send a scope of their own or none.
    pub fn asked_scope(&self) -> Option<&Scope> {
        self.asked.as_ref()
    }

    /// The scope the server said it granted, when this fetch got the token
    /// and the answer named one.
    pub fn granted_scope(&self) -> Option<&Scope> {
        self.granted.as_ref()
    }
}

/// Fetches the token that calls of an API use, and sends nothing else: a
/// [`Machine`] that any driver runs (the clients' `fetch_token` runs it).
/// It is the token part of a [`Call`], step for step: a fresh cached token
/// ends it at once; otherwise it fetches (or waits for the caller already
/// fetching), retried and bounded in time as a call is. It ends with an
/// error for credentials that use no access token (none, an API key).
///
/// ```
/// use std::time::SystemTime;
/// use qod_core::{Api, CallOptions, ClientCore, Credentials, Endpoint, Machine, Step};
///
/// let core = ClientCore::new(Endpoint::new("https://api.example.com/quality-on-demand/v1")?)
///     .with_credentials(Credentials::bearer("abc123")?);
/// let mut fetch = core.fetch_token(Api::QualityOnDemand, &CallOptions::new(), SystemTime::now());
/// // A token the caller brought is ready: nothing to send.
/// let Step::Done(Ok(token)) = fetch.next_step(SystemTime::now()) else { panic!() };
/// assert_eq!(token.access_token().secret(), "abc123");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TokenFetch<'a> {
    call: Call<'a, TokenOnly>,
}

impl std::fmt::Debug for TokenFetch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenFetch")
            .field("call", &self.call)
            .finish()
    }
}

impl ClientCore {
    /// Starts a fetch of the token that calls of `api` use, at `now`, for
    /// the subject `options` names (three-legged credentials; otherwise
    /// their default subject), within `options`' time limit. With
    /// three-legged credentials the fetch asks for what a call of `api`
    /// would: `openid`, the purpose and all of `api`'s scopes, or the
    /// credentials' own scope.
    pub fn fetch_token<'a>(
        &'a self,
        api: Api,
        options: &CallOptions,
        now: SystemTime,
    ) -> TokenFetch<'a> {
        let scope = match api {
            Api::QosProfiles => scopes::QOS_PROFILES_READ,
            Api::QosProvisioning => scopes::QOS_ASSIGNMENTS_CREATE,
            // QualityOnDemand, and whatever API a later qod knows.
            _ => scopes::SESSIONS_CREATE,
        };
        let call = self
            .start(&TokenOnly, options, now)
            .token_only(scope, fetched);
        TokenFetch { call }
    }
}

impl TokenFetch<'_> {
    /// The `x-correlator` of the fetch (the option's, or a fresh one).
    pub fn correlator(&self) -> &XCorrelator {
        self.call.correlator()
    }
}

impl Machine for TokenFetch<'_> {
    type Output = FetchedToken;

    fn next_step(&mut self, now: SystemTime) -> Step<FetchedToken> {
        self.call.next_step(now)
    }

    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime) {
        self.call.receive(result, now);
    }
}

/// How a token-only call ends.
fn fetched(
    token: Option<AccessToken>,
    asked: Option<Scope>,
    granted: Option<Scope>,
) -> Result<FetchedToken, Error> {
    match token {
        Some(token) => Ok(FetchedToken {
            token,
            asked,
            granted,
        }),
        None => Err(AuthError::Config(
            "these credentials use no access token (none, or an API key): there is no token \
             to fetch"
                .to_owned(),
        )
        .into()),
    }
}

/// The operation type of a token-only call: it is never built or parsed
/// (the call stops at its token), and says so if it ever were.
struct TokenOnly;

impl Operation for TokenOnly {
    type Output = FetchedToken;
    const IDEMPOTENT: bool = true;
    const NAME: &'static str = "fetchToken";
    const SCOPE: &'static str = scopes::SESSIONS_CREATE;

    fn to_request(
        &self,
        _endpoint: &Endpoint,
        _correlator: Option<&XCorrelator>,
    ) -> Result<Request<Vec<u8>>, Error> {
        Err(not_an_operation())
    }

    fn parse(&self, _response: Response<Vec<u8>>) -> Result<FetchedToken, Error> {
        Err(not_an_operation())
    }

    fn device_field(&self) -> DeviceField {
        DeviceField::None
    }
}

fn not_an_operation() -> Error {
    AuthError::Config("a token fetch sends no request of its own".to_owned()).into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::time::Duration;

    use super::*;
    use crate::auth::{
        AuthorizationServer, ClientAuth, ClientCredentials, Credentials, Subject, UserCredentials,
    };

    const V1: &str = "https://api.example.com/quality-on-demand/v1";

    fn t0() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn json(status: u16, body: serde_json::Value) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.to_string().into_bytes())
            .unwrap()
    }

    fn token_answer() -> Response<Vec<u8>> {
        json(
            200,
            serde_json::json!({"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600}),
        )
    }

    type Driven<T> = (Result<T, Error>, Vec<Request<Vec<u8>>>, Duration);

    /// Runs `machine` from t0, answering each request with `answer` and
    /// sleeping on a clock it moves; returns the outcome, the requests sent
    /// and the time slept.
    fn drive<M: Machine>(
        mut machine: M,
        mut answer: impl FnMut(&Request<Vec<u8>>) -> Response<Vec<u8>>,
    ) -> Driven<M::Output> {
        let start = t0();
        let (mut now, mut sent) = (start, Vec::new());
        loop {
            match machine.next_step(now) {
                Step::Send(request) => {
                    let response = answer(&request);
                    sent.push(request);
                    machine.receive(Ok(response), now);
                }
                Step::Sleep(delay) => now += delay,
                Step::WaitForToken { .. } => panic!("no other caller"),
                Step::Done(result) => {
                    return (result, sent, now.duration_since(start).unwrap());
                }
            }
        }
    }

    fn form(request: &Request<Vec<u8>>) -> String {
        String::from_utf8(request.body().clone()).unwrap()
    }

    #[test]
    fn client_credentials_fetch_once_with_the_apis_scopes_then_the_cache_answers() {
        let credentials =
            ClientCredentials::new("https://auth.example.com/token", "app", "secret").unwrap();
        let core = ClientCore::new(Endpoint::new(V1).unwrap()).with_credentials(credentials);
        let now = t0();
        let fetch = core.fetch_token(Api::QosProfiles, &CallOptions::new(), now);
        let (result, sent, _) = drive(fetch, |_| token_answer());
        let fetched = result.unwrap();
        assert_eq!(fetched.access_token().secret(), "tok-1");
        assert_eq!(
            fetched.asked_scope().map(Scope::as_str),
            Some(scopes::QOS_PROFILES_READ)
        );
        assert_eq!(sent.len(), 1, "the token request only");
        assert_eq!(sent[0].uri(), "https://auth.example.com/token");
        assert!(
            form(&sent[0]).contains("scope=qos-profiles%3Aread"),
            "{}",
            form(&sent[0])
        );

        // The next fetch, and a call's token, come from the cache.
        let again = core.fetch_token(Api::QosProfiles, &CallOptions::new(), now);
        let (result, sent, _) = drive(again, |_| panic!("nothing is sent"));
        let cached = result.unwrap();
        assert_eq!(cached.access_token().secret(), "tok-1");
        assert!(sent.is_empty());
        assert!(cached.asked_scope().is_none());
    }

    #[test]
    fn ciba_runs_the_users_flow_and_sends_no_api_request() {
        let server = AuthorizationServer::new("https://auth.example.com/token")
            .unwrap()
            .with_backchannel_url("https://auth.example.com/bc-authorize")
            .unwrap();
        let client = ClientAuth::secret_basic("app", "secret").unwrap();
        let user = UserCredentials::ciba(client, server)
            .with_default_subject(Subject::phone_number("+14255550100").unwrap());
        let core = ClientCore::new(Endpoint::new(V1).unwrap()).with_credentials(user);
        let now = t0();
        let fetch = core.fetch_token(Api::QualityOnDemand, &CallOptions::new(), now);
        let mut polls = 0;
        let (result, sent, slept) = drive(fetch, |request| match request.uri().path() {
            "/bc-authorize" => json(
                200,
                serde_json::json!({"auth_req_id": "req-1", "expires_in": 120, "interval": 2}),
            ),
            _ => {
                polls += 1;
                if polls == 1 {
                    json(400, serde_json::json!({"error": "authorization_pending"}))
                } else {
                    token_answer()
                }
            }
        });
        let fetched = result.unwrap();
        assert_eq!(fetched.access_token().secret(), "tok-1");
        let asked = fetched.asked_scope().unwrap();
        assert!(asked.contains("openid") && asked.contains("dpv:RequestedServiceProvision"));
        assert!(asked.contains(scopes::SESSIONS_CREATE) && asked.contains(scopes::SESSIONS_DELETE));
        let paths: Vec<&str> = sent.iter().map(|r| r.uri().path()).collect();
        assert_eq!(paths, ["/bc-authorize", "/token", "/token"]);
        assert!(
            form(&sent[0]).contains("login_hint=tel%3A%2B14255550100"),
            "{}",
            form(&sent[0])
        );
        assert!(slept >= Duration::from_secs(4), "two intervals: {slept:?}");
    }

    #[test]
    fn no_token_to_fetch_and_no_subject_are_errors_before_anything_is_sent() {
        let now = t0();
        let none = ClientCore::new(Endpoint::new(V1).unwrap());
        let (result, sent, _) = drive(
            none.fetch_token(Api::QualityOnDemand, &CallOptions::new(), now),
            |_| panic!("nothing is sent"),
        );
        let error = result.unwrap_err();
        assert!(error.to_string().contains("no access token"), "{error}");
        assert!(error.nothing_sent() && sent.is_empty());

        let server = AuthorizationServer::new("https://auth.example.com/token").unwrap();
        let client = ClientAuth::secret_basic("app", "secret").unwrap();
        let nobody = ClientCore::new(Endpoint::new(V1).unwrap())
            .with_credentials(Credentials::User(UserCredentials::ciba(client, server)));
        let (result, sent, _) = drive(
            nobody.fetch_token(Api::QualityOnDemand, &CallOptions::new(), now),
            |_| panic!("nothing is sent"),
        );
        let error = result.unwrap_err();
        assert!(error.to_string().contains("subject"), "{error}");
        assert!(sent.is_empty());
    }

    #[test]
    fn a_token_endpoint_refusal_ends_the_fetch_with_it() {
        let credentials =
            ClientCredentials::new("https://auth.example.com/token", "app", "wrong").unwrap();
        let core = ClientCore::new(Endpoint::new(V1).unwrap()).with_credentials(credentials);
        let fetch = core.fetch_token(Api::QualityOnDemand, &CallOptions::new(), t0());
        let (result, sent, _) = drive(fetch, |_| {
            json(401, serde_json::json!({"error": "invalid_client"}))
        });
        let error = result.unwrap_err();
        assert!(
            matches!(error.kind(), crate::ErrorKind::Auth(_)),
            "{error:?}"
        );
        assert_eq!(sent.len(), 1, "an invalid_client is not retried");
    }
}
