//! CIBA in poll mode (OpenID CIBA Core 1.0, as CAMARA's profile uses it):
//! `bc-authorize` takes a `scope` with `openid` and a `login_hint`, and
//! answers `auth_req_id`, `expires_in` and `interval`; polls of the token
//! endpoint are `authorization_pending` until the user has answered, as
//! the [test assets](crate::test_assets) script it, and `slow_down` when
//! they come faster than the interval (which then grows by 5 s, as CIBA
//! says the client must make it).

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use http::StatusCode;
use serde_json::json;

use crate::auth::lock;
use crate::auth::openid::config::OpenIdConfig;
use crate::auth::openid::errors::{OAuthError, no_store};
use crate::auth::openid::expiring::{Expiring, Refused};
use crate::auth::openid::form::Form;
use crate::auth::openid::login_hint::{Forms, HintError, subject};
use crate::auth::openid::scopes;
use crate::auth::openid::tokens::Grant;
use crate::reply::Reply;
use crate::test_assets::Consent;

/// At most this many requests are pending at once.
const CAPACITY: usize = 10_000;
/// How long an expired request is still answered `expired_token`, not
/// `invalid_grant`.
const EXPIRED_KEPT: Duration = Duration::from_secs(60);
/// What `slow_down` adds to the interval (CIBA Core 11).
const SLOW_DOWN_BY: Duration = Duration::from_secs(5);
/// The hints CAMARA leaves out: `login_hint` is its only one.
const OTHER_HINTS: [&str; 2] = ["login_hint_token", "id_token_hint"];

/// A request waiting for its user.
#[derive(Debug)]
struct Pending {
    grant: Grant,
    consent: Consent,
    /// When the user answers.
    answers_at: SystemTime,
    expires_at: SystemTime,
    interval: Duration,
    last_poll: Option<SystemTime>,
    slowed_down: bool,
}

#[derive(Debug)]
pub(crate) struct Ciba {
    pending: Mutex<Expiring<Pending>>,
}

impl Default for Ciba {
    fn default() -> Self {
        Ciba {
            pending: Mutex::new(Expiring::new(CAPACITY)),
        }
    }
}

/// Whole seconds, rounded down (`expires_in`: the client stops in time).
fn seconds(duration: Duration) -> u64 {
    duration.as_secs()
}

/// Whole seconds, rounded up (`interval`: a client that waits that long
/// waits long enough).
fn seconds_up(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// The grant a `bc-authorize` form asks for (its client authenticated).
pub(crate) fn requested(form: &Form) -> Result<Grant, OAuthError> {
    if form.has("request") || form.has("request_uri") {
        return Err(OAuthError::invalid_request(
            "The sandbox takes the parameters themselves, not a signed request object",
        ));
    }
    if let Some(other) = OTHER_HINTS.into_iter().find(|hint| form.has(hint)) {
        return Err(OAuthError::invalid_request(&format!(
            "{other} is not used: CAMARA's only hint is login_hint"
        )));
    }
    let scope = scopes::requested(
        form.get("scope")
            .ok_or_else(|| OAuthError::invalid_scope("scope is required"))?,
    )?;
    if !scope.openid {
        return Err(OAuthError::invalid_scope(
            "A CIBA request's scope must include openid",
        ));
    }
    let hint = form.required("login_hint")?;
    let subject = subject(hint, Forms::All).map_err(|error| match error {
        HintError::Malformed(why) => OAuthError::invalid_request(why),
        HintError::Unknown(why) => OAuthError::unknown_user_id(why),
    })?;
    Ok(Grant {
        scope,
        subject: Some(subject.into()),
    })
}

impl Ciba {
    /// Starts a request for `grant`: the acknowledgement.
    pub(crate) fn start(
        &self,
        grant: Grant,
        config: &OpenIdConfig,
        now: SystemTime,
    ) -> Result<Reply, OAuthError> {
        let consent = grant
            .subject
            .as_ref()
            .map_or(Consent::Approves, |subject| subject.consent);
        let expires_at = now + config.ciba_expires_in;
        let pending = Pending {
            grant,
            consent,
            answers_at: now + config.ciba_approval_delay,
            expires_at,
            interval: config.ciba_interval,
            last_poll: None,
            slowed_down: false,
        };
        let auth_req_id = format!("sandbox-ciba-{}", uuid::Uuid::new_v4().simple());
        lock(&self.pending)
            .insert(auth_req_id.clone(), expires_at + EXPIRED_KEPT, pending, now)
            .map_err(|refused| match refused {
                Refused::Full | Refused::Taken => OAuthError::too_many(
                    "Too many pending authentication requests: try again later",
                ),
            })?;
        let body = json!({"auth_req_id": auth_req_id,
            "expires_in": seconds(config.ciba_expires_in),
            "interval": seconds_up(config.ciba_interval)});
        Ok(no_store(Reply::json(StatusCode::OK, &body)))
    }

    /// A poll of `auth_req_id`: the grant once the user has approved, or
    /// what to answer.
    pub(crate) fn poll(&self, auth_req_id: &str, now: SystemTime) -> Result<Grant, OAuthError> {
        let mut pending = lock(&self.pending);
        let request = pending
            .get_mut(auth_req_id, now)
            .ok_or_else(|| OAuthError::invalid_grant("The auth_req_id is unknown or was used"))?;
        if now >= request.expires_at {
            pending.remove(auth_req_id, now);
            return Err(OAuthError::expired_token());
        }
        let too_soon = request
            .last_poll
            .is_some_and(|last| now < last + request.interval);
        let scripted = request.consent == Consent::SlowsDown && !request.slowed_down;
        request.last_poll = Some(now);
        if too_soon || scripted {
            request.slowed_down = true;
            request.interval += SLOW_DOWN_BY;
            return Err(OAuthError::slow_down(seconds_up(request.interval)));
        }
        if now < request.answers_at {
            return Err(OAuthError::authorization_pending());
        }
        match request.consent {
            Consent::Never => Err(OAuthError::authorization_pending()),
            Consent::Denies | Consent::Unknown => {
                pending.remove(auth_req_id, now);
                Err(OAuthError::access_denied("The user denied the request"))
            }
            Consent::Approves | Consent::SlowsDown => pending
                .remove(auth_req_id, now)
                .map(|request| request.grant)
                .ok_or_else(|| OAuthError::invalid_grant("The auth_req_id is unknown or was used")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_assets::{
        CIBA_DENIED_PHONE_NUMBER, CIBA_NEVER_APPROVED_PHONE_NUMBER, CIBA_SLOW_DOWN_PHONE_NUMBER,
    };

    fn form(hint: &str) -> Form {
        Form::parse(
            format!(
                "scope=openid%20qos-profiles%3Aread&login_hint={}",
                hint.replace('+', "%2B")
            )
            .as_bytes(),
        )
        .unwrap()
    }

    fn start(ciba: &Ciba, hint: &str, now: SystemTime) -> String {
        let config = OpenIdConfig::new("c").client_secret("s");
        let reply = ciba
            .start(requested(&form(hint)).unwrap(), &config, now)
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(
            (body["expires_in"].as_u64(), body["interval"].as_u64()),
            (Some(10), Some(1))
        );
        body["auth_req_id"].as_str().unwrap().to_owned()
    }

    fn error(result: Result<Grant, OAuthError>) -> &'static str {
        result.unwrap_err().error
    }

    #[test]
    fn an_ordinary_number_approves_after_the_delay() {
        let ciba = Ciba::default();
        let t0 = SystemTime::now();
        let s = |secs: f64| t0 + Duration::from_secs_f64(secs);
        let id = start(&ciba, "tel:+14255550100", t0);
        assert_eq!(error(ciba.poll(&id, s(0.1))), "authorization_pending");
        assert_eq!(
            error(ciba.poll(&id, s(0.5))),
            "slow_down",
            "within the interval"
        );
        let grant = ciba.poll(&id, s(6.5)).unwrap();
        assert!(grant.subject.is_some());
        assert_eq!(error(ciba.poll(&id, s(9.0))), "invalid_grant", "used");

        // Each poll too soon adds 5 s more.
        let id = start(&ciba, "tel:+14255550100", t0);
        assert_eq!(error(ciba.poll(&id, s(0.2))), "authorization_pending");
        assert_eq!(error(ciba.poll(&id, s(0.7))), "slow_down");
        assert_eq!(
            error(ciba.poll(&id, s(5.0))),
            "slow_down",
            "the interval was 6 s"
        );
        assert_eq!(error(ciba.poll(&id, s(10.0))), "expired_token");
    }

    #[test]
    fn the_scripted_numbers() {
        let ciba = Ciba::default();
        let t0 = SystemTime::now();
        let s = |secs: u64| t0 + Duration::from_secs(secs);
        let slow = start(&ciba, &format!("tel:{CIBA_SLOW_DOWN_PHONE_NUMBER}"), t0);
        assert_eq!(error(ciba.poll(&slow, s(2))), "slow_down");
        assert!(ciba.poll(&slow, s(8)).is_ok(), "the interval is 6 s");

        let denied = start(&ciba, &format!("tel:{CIBA_DENIED_PHONE_NUMBER}"), t0);
        assert_eq!(error(ciba.poll(&denied, t0)), "authorization_pending");
        assert_eq!(error(ciba.poll(&denied, s(1))), "access_denied");
        assert_eq!(error(ciba.poll(&denied, s(2))), "invalid_grant");

        let never = start(
            &ciba,
            &format!("tel:{CIBA_NEVER_APPROVED_PHONE_NUMBER}"),
            t0,
        );
        for at in 1..10 {
            assert_eq!(
                error(ciba.poll(&never, s(at))),
                "authorization_pending",
                "{at}"
            );
        }
        assert_eq!(error(ciba.poll(&never, s(10))), "expired_token");
        assert_eq!(
            error(ciba.poll("sandbox-ciba-nothing", t0)),
            "invalid_grant"
        );
    }

    #[test]
    fn the_answer_rounds_so_that_a_client_following_it_is_right() {
        assert_eq!(seconds_up(Duration::from_millis(500)), 1);
        assert_eq!(seconds_up(Duration::from_secs(2)), 2);
        assert_eq!(seconds_up(Duration::ZERO), 0);
        assert_eq!(seconds(Duration::from_millis(1500)), 1);
    }

    #[test]
    fn what_bc_authorize_refuses() {
        for (body, expected) in [
            ("login_hint=tel%3A%2B14255550100", "invalid_scope"),
            (
                "scope=qos-profiles%3Aread&login_hint=tel%3A%2B14255550100",
                "invalid_scope",
            ),
            ("scope=openid%20qos-profiles%3Aread", "invalid_request"),
            (
                "scope=openid%20qos-profiles%3Aread&login_hint=%2B14255550100",
                "invalid_request",
            ),
            (
                "scope=openid%20qos-profiles%3Aread&login_hint=tel%3A%2B99999990404",
                "unknown_user_id",
            ),
            (
                "scope=openid%20qos-profiles%3Aread&login_hint=tel%3A%2B14255550100&id_token_hint=x",
                "invalid_request",
            ),
            (
                "scope=openid%20qos-profiles%3Aread&request=eyJ",
                "invalid_request",
            ),
        ] {
            let error = requested(&Form::parse(body.as_bytes()).unwrap()).unwrap_err();
            assert_eq!(error.error, expected, "{body}");
        }
        // CAMARA's ignored parameters are ignored.
        let ignored = "scope=openid%20qos-profiles%3Aread&login_hint=tel%3A%2B14255550100&binding_message=x&user_code=1&requested_expiry=5&acr_values=a";
        assert!(requested(&Form::parse(ignored.as_bytes()).unwrap()).is_ok());
    }
}
