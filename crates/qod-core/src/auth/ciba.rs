//! OpenID Connect Client-Initiated Backchannel Authentication (CIBA), poll
//! mode, as CAMARA's profile has it: pure request builders and answer
//! readers. Waiting between polls is the driver's business.
//!
//! 1. [`backchannel_request`] asks the backchannel endpoint (`/bc-authorize`)
//!    to authenticate a [`Subject`] for a [`Scope`];
//! 2. [`read_backchannel_response`] reads its acknowledgement into a
//!    [`CibaPending`];
//! 3. after [`CibaPending::wait`], [`CibaPending::poll_request`] asks the
//!    token endpoint, and [`CibaPending::read_poll_response`] says: here is
//!    the token, wait this long and poll again, or the flow ended.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use http::Response;
//! use qod_core::auth::{ciba, CibaPoll, ClientAuth, Scope, Subject};
//! use qod_core::models::uuid::Uuid;
//!
//! let auth = ClientAuth::secret_basic("my-app", "s3cret")?;
//! let bc_url = "https://as.example.com/bc-authorize".parse().unwrap();
//! let token_url = "https://as.example.com/token".parse().unwrap();
//! let scope = Scope::parse("openid dpv:RequestedServiceProvision quality-on-demand:sessions:create")?;
//! let subject = Subject::parse("tel:+34666666666")?;
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//!
//! let request = ciba::backchannel_request(&bc_url, &auth, &scope, &subject, now, Uuid::nil())?;
//! assert_eq!(request.uri(), "https://as.example.com/bc-authorize");
//!
//! let ack = Response::builder().status(200)
//!     .body(br#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#.to_vec()).unwrap();
//! let mut pending = ciba::read_backchannel_response(ack, now)?;
//! assert_eq!(pending.wait(now)?, Duration::from_secs(2));
//!
//! let later = now + Duration::from_secs(2);
//! let _poll = pending.poll_request(&token_url, &auth, later, Uuid::nil())?;
//! let answer = Response::builder().status(400)
//!     .body(br#"{"error":"slow_down"}"#.to_vec()).unwrap();
//! assert!(matches!(pending.read_poll_response(answer, later)?, CibaPoll::Wait(d) if d == Duration::from_secs(7)));
//! # Ok::<(), qod_core::auth::AuthError>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{Request, Response, Uri};
use qod_models::SecretString;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::client_auth::FormRequest;
use crate::auth::oauth2::{check_endpoint_uri, error_response, parse_token_grant};
use crate::auth::token::lenient_whole_seconds;
use crate::auth::{
    AuthError, ClientAuth, Flow, FlowEnd, FlowError, OAuthErrorCode, Scope, Subject, TokenGrant,
};

/// The `grant_type` of a CIBA poll.
pub const CIBA_GRANT_TYPE: &str = "urn:openid:params:grant-type:ciba";

/// The poll interval when the acknowledgement gives none (CIBA Core §7.3).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The shortest poll interval: a smaller one (Vodafone sends 0) is raised
/// to it.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// How much `slow_down` adds to the interval, for that poll and every
/// later one.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The backchannel authentication request: `POST` to `bc_authorize_url`
/// with the form `scope`, `login_hint` (the subject's wire string) and the
/// client's authentication (with `private_key_jwt`, an assertion whose
/// `aud` is `bc_authorize_url`). The URL must be https (http only to
/// loopback).
pub fn backchannel_request(
    bc_authorize_url: &Uri,
    auth: &ClientAuth,
    scope: &Scope,
    subject: &Subject,
    now: SystemTime,
    jti: Uuid,
) -> Result<Request<Vec<u8>>, AuthError> {
    check_endpoint_uri(bc_authorize_url, "backchannel authentication URL")?;
    let mut form = FormRequest::new(bc_authorize_url.clone());
    form.pair("scope", scope.as_str())
        .pair("login_hint", subject.expose());
    auth.apply(&mut form, now, jti)?;
    form.finish()
}

#[derive(Deserialize)]
struct Acknowledgement {
    auth_req_id: String,
    #[serde(deserialize_with = "lenient_whole_seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient_whole_seconds")]
    interval: Option<u64>,
}

/// Reads the backchannel endpoint's answer, received at `now`.
///
/// A `200` with `auth_req_id` and `expires_in` (a number, or a string of
/// one) is a [`CibaPending`] whose interval is `interval`, 5 s when absent,
/// at least 1 s. An error answer is [`AuthError::Flow`] for
/// `access_denied` ([`FlowEnd::Denied`]) and `unknown_user_id`
/// ([`FlowEnd::UnknownUser`]), and [`AuthError::OAuth`] naming the code for
/// the others (`invalid_request`, `unauthorized_client`, `invalid_scope`,
/// `invalid_request_object`, `invalid_client`, …); a body that is neither
/// is [`AuthError::TokenEndpoint`] or [`AuthError::TokenDecode`].
pub fn read_backchannel_response(
    response: Response<Vec<u8>>,
    now: SystemTime,
) -> Result<CibaPending, AuthError> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        let error = error_response(parts.status, body, "backchannel authentication request");
        return Err(FlowError::from_oauth(Flow::Ciba, error));
    }
    let malformed = |body: Vec<u8>, source: serde_json::Error| AuthError::TokenDecode {
        body: body.into(),
        source: Arc::new(source),
    };
    let ack: Acknowledgement = match serde_json::from_slice(&body) {
        Ok(ack) => ack,
        Err(source) => return Err(malformed(body, source)),
    };
    let custom = <serde_json::Error as serde::de::Error>::custom;
    if ack.auth_req_id.is_empty() {
        return Err(malformed(body, custom("auth_req_id is empty")));
    }
    let Some(expires_in) = ack.expires_in else {
        return Err(malformed(body, custom("expires_in is null")));
    };
    let interval = ack
        .interval
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
        .max(MIN_INTERVAL);
    Ok(CibaPending {
        auth_req_id: ack.auth_req_id.into(),
        // A lifetime past the end of time is as good as for ever.
        expires_at: now
            .checked_add(Duration::from_secs(expires_in))
            .or_else(|| now.checked_add(Duration::from_secs(u64::from(u32::MAX))))
            .unwrap_or(now),
        interval,
    })
}

/// A backchannel authentication request the user has yet to answer: its
/// `auth_req_id` (a secret: never printed), when it expires and the current
/// poll interval.
///
/// It never asks for a poll at or after [`expires_at`](Self::expires_at):
/// when the next poll would come then, [`wait`](Self::wait) and
/// [`read_poll_response`](Self::read_poll_response) answer
/// [`AuthError::Flow`] with [`FlowEnd::Expired`] (no status, no code)
/// instead of another wait, and [`poll_request`](Self::poll_request)
/// refuses the same way.
#[derive(Clone)]
pub struct CibaPending {
    auth_req_id: SecretString,
    expires_at: SystemTime,
    interval: Duration,
}

/// What a poll's answer says.
#[derive(Debug)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // read once and moved on
pub enum CibaPoll {
    /// The user approved: the token, with a refresh token if one came.
    Token(TokenGrant),
    /// Not yet (`authorization_pending` or `slow_down`): wait this long,
    /// then poll again.
    Wait(Duration),
}

impl CibaPending {
    /// When the request expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The current poll interval (grown by every `slow_down`).
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How long to wait at `now` before the next poll: the interval.
    /// [`FlowEnd::Expired`] when that poll would come at or after the
    /// request's expiry.
    pub fn wait(&self, now: SystemTime) -> Result<Duration, AuthError> {
        match now.checked_add(self.interval) {
            Some(next) if next < self.expires_at => Ok(self.interval),
            _ => Err(FlowError::local(Flow::Ciba, FlowEnd::Expired)),
        }
    }

    /// The poll: `POST` to `token_url` with the form
    /// `grant_type=urn:openid:params:grant-type:ciba&auth_req_id=…` and the
    /// client's authentication (with `private_key_jwt`, `aud` is
    /// `token_url`). [`FlowEnd::Expired`] at or after the expiry.
    pub fn poll_request(
        &self,
        token_url: &Uri,
        auth: &ClientAuth,
        now: SystemTime,
        jti: Uuid,
    ) -> Result<Request<Vec<u8>>, AuthError> {
        check_endpoint_uri(token_url, "token URL")?;
        if now >= self.expires_at {
            return Err(FlowError::local(Flow::Ciba, FlowEnd::Expired));
        }
        let mut form = FormRequest::new(token_url.clone());
        form.pair("grant_type", CIBA_GRANT_TYPE)
            .pair("auth_req_id", self.auth_req_id.expose());
        auth.apply(&mut form, now, jti)?;
        form.finish()
    }

    /// Reads the token endpoint's answer to a poll, received at `now`.
    ///
    /// - a token: [`CibaPoll::Token`];
    /// - `authorization_pending`: [`CibaPoll::Wait`] for the interval;
    /// - `slow_down`: the interval grows by 5 s, for this poll and every
    ///   later one, and [`CibaPoll::Wait`] for it;
    /// - either, when the next poll would come at or after the expiry:
    ///   [`AuthError::Flow`] with [`FlowEnd::Expired`];
    /// - `expired_token`, `access_denied`, `invalid_grant`:
    ///   [`AuthError::Flow`] ([`FlowEnd::Expired`], [`FlowEnd::Denied`],
    ///   [`FlowEnd::InvalidGrant`]);
    /// - `invalid_request`, `unauthorized_client`, `unsupported_grant_type`,
    ///   `invalid_scope`, `invalid_client` and other codes:
    ///   [`AuthError::OAuth`]; a body that is no OAuth error:
    ///   [`AuthError::TokenEndpoint`].
    ///
    /// Every error ends the flow: do not poll the same `auth_req_id` again.
    pub fn read_poll_response(
        &mut self,
        response: Response<Vec<u8>>,
        now: SystemTime,
    ) -> Result<CibaPoll, AuthError> {
        if response.status().is_success() {
            return parse_token_grant(response, now, true).map(CibaPoll::Token);
        }
        let (parts, body) = response.into_parts();
        match error_response(parts.status, body, "token request") {
            AuthError::OAuth(error) if error.code == OAuthErrorCode::AuthorizationPending => {
                self.wait(now).map(CibaPoll::Wait)
            }
            AuthError::OAuth(error) if error.code == OAuthErrorCode::SlowDown => {
                self.interval = self.interval.saturating_add(SLOW_DOWN_STEP);
                self.wait(now).map(CibaPoll::Wait)
            }
            other => Err(FlowError::from_oauth(Flow::Ciba, other)),
        }
    }
}

impl fmt::Debug for CibaPending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CibaPending")
            .field("auth_req_id", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("interval", &self.interval)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::client_auth::tests::{field, form};
    use http::StatusCode;
    use http::header::AUTHORIZATION;
    use std::time::UNIX_EPOCH;

    const T0: Duration = Duration::from_secs(1_700_000_000);

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + T0 + Duration::from_secs(seconds)
    }

    fn answer(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    fn pending(body: &str) -> CibaPending {
        read_backchannel_response(answer(200, body), at(0)).unwrap()
    }

    fn auth() -> ClientAuth {
        ClientAuth::secret_basic("my-app", "s3cret").unwrap()
    }

    fn uri(text: &str) -> Uri {
        text.parse().unwrap()
    }

    #[test]
    fn the_backchannel_request() {
        let scope = Scope::parse("openid dpv:RequestedServiceProvision#qod").unwrap();
        let subject = Subject::parse("ipport:203.0.113.25:8080").unwrap();
        let request = backchannel_request(
            &uri("https://as.example.com/bc-authorize"),
            &auth(),
            &scope,
            &subject,
            at(0),
            Uuid::nil(),
        )
        .unwrap();
        assert_eq!(request.method(), "POST");
        assert_eq!(request.uri(), "https://as.example.com/bc-authorize");
        assert!(
            request.headers()[AUTHORIZATION]
                .to_str()
                .unwrap()
                .starts_with("Basic ")
        );
        assert_eq!(
            request.body(),
            b"scope=openid+dpv%3ARequestedServiceProvision%23qod&login_hint=ipport%3A203.0.113.25%3A8080"
        );
        assert!(
            backchannel_request(
                &uri("http://as.example.com/bc-authorize"),
                &auth(),
                &scope,
                &subject,
                at(0),
                Uuid::nil()
            )
            .is_err()
        );
    }

    #[test]
    fn acknowledgements() {
        let ack = pending(r#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#);
        assert_eq!(ack.expires_at(), at(120));
        assert_eq!(ack.interval(), Duration::from_secs(2));
        // No interval: 5 s. Vodafone's 0: 1 s. Strings and fractions too.
        let ack = pending(r#"{"auth_req_id":"r","expires_in":60}"#);
        assert_eq!(ack.interval(), DEFAULT_INTERVAL);
        let ack = pending(r#"{"interval": 0, "auth_req_id":"r", "expires_in": 60}"#);
        assert_eq!(ack.interval(), MIN_INTERVAL);
        let ack = pending(r#"{"auth_req_id":"r","expires_in":"120","interval":"3"}"#);
        assert_eq!(
            (ack.expires_at(), ack.interval()),
            (at(120), Duration::from_secs(3))
        );
        let ack = pending(r#"{"auth_req_id":"r","expires_in":90.7,"interval":-4,"extra":[1]}"#);
        assert_eq!((ack.expires_at(), ack.interval()), (at(90), MIN_INTERVAL));
        let ack = pending(r#"{"auth_req_id":"r","expires_in":60,"interval":null}"#);
        assert_eq!(ack.interval(), DEFAULT_INTERVAL);
        let huge = pending(r#"{"auth_req_id":"r","expires_in":18446744073709551615}"#);
        assert!(huge.expires_at() > at(1 << 31));
    }

    #[test]
    fn malformed_acknowledgements() {
        for body in [
            r#"{"expires_in":120}"#,
            r#"{"auth_req_id":"","expires_in":120}"#,
            r#"{"auth_req_id":"r"}"#,
            r#"{"auth_req_id":"r","expires_in":null}"#,
            r#"{"auth_req_id":"r","expires_in":"two minutes"}"#,
            r#"{"auth_req_id":7,"expires_in":120}"#,
            "<html>",
            "",
        ] {
            let error = read_backchannel_response(answer(200, body), at(0)).unwrap_err();
            assert!(
                matches!(error, AuthError::TokenDecode { .. }),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn backchannel_errors_name_their_code() {
        for (status, code, end) in [
            (400, "unknown_user_id", Some(FlowEnd::UnknownUser)),
            (403, "access_denied", Some(FlowEnd::Denied)),
            (400, "invalid_request", None),
            (400, "unauthorized_client", None),
            (400, "invalid_scope", None),
            (400, "invalid_request_object", None),
            (401, "invalid_client", None),
        ] {
            let body = format!(r#"{{"error":"{code}","error_description":"why"}}"#);
            let error = read_backchannel_response(answer(status, &body), at(0)).unwrap_err();
            assert_eq!(error.flow_end(), end, "{code}");
            let text = error.to_string();
            assert!(text.contains(code) && text.contains("why"), "{text}");
            match error {
                AuthError::Flow(flow) => {
                    assert_eq!(flow.flow, Flow::Ciba);
                    assert_eq!(flow.status, Some(StatusCode::from_u16(status).unwrap()));
                    assert_eq!(flow.code.unwrap().as_str(), code);
                }
                AuthError::OAuth(oauth) => {
                    assert_eq!(oauth.code.as_str(), code);
                    assert!(!oauth.code.is_unknown());
                    assert!(
                        text.starts_with("backchannel authentication request refused"),
                        "{text}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        let html = read_backchannel_response(answer(502, "<html/>"), at(0)).unwrap_err();
        assert!(matches!(html, AuthError::TokenEndpoint { status, .. } if status == 502));
    }

    #[test]
    fn the_poll_request() {
        let ack = pending(r#"{"auth_req_id":"canary-req/id","expires_in":120,"interval":2}"#);
        let post = ClientAuth::secret_post("my-app", "s3cret").unwrap();
        let request = ack
            .poll_request(
                &uri("https://as.example.com/token"),
                &post,
                at(2),
                Uuid::nil(),
            )
            .unwrap();
        assert_eq!(request.uri(), "https://as.example.com/token");
        assert_eq!(
            form(&request),
            [
                ("grant_type".to_owned(), CIBA_GRANT_TYPE.to_owned()),
                ("auth_req_id".to_owned(), "canary-req/id".to_owned()),
                ("client_id".to_owned(), "my-app".to_owned()),
                ("client_secret".to_owned(), "s3cret".to_owned()),
            ]
        );
        assert_eq!(field(&request, "auth_req_id").unwrap(), "canary-req/id");
        let late = ack
            .poll_request(
                &uri("https://as.example.com/token"),
                &post,
                at(120),
                Uuid::nil(),
            )
            .unwrap_err();
        assert_eq!(late.flow_end(), Some(FlowEnd::Expired));
        assert!(
            ack.poll_request(
                &uri("ftp://as.example.com/token"),
                &post,
                at(2),
                Uuid::nil()
            )
            .is_err()
        );
    }

    #[test]
    fn slow_down_adds_five_seconds_for_good() {
        let mut ack = pending(r#"{"auth_req_id":"r","expires_in":300,"interval":2}"#);
        let mut now = 0;
        let mut waits = Vec::new();
        for code in [
            "authorization_pending",
            "slow_down",
            "authorization_pending",
            "slow_down",
            "slow_down",
            "authorization_pending",
        ] {
            now += ack.wait(at(now)).unwrap().as_secs();
            let body = format!(r#"{{"error":"{code}"}}"#);
            match ack.read_poll_response(answer(400, &body), at(now)).unwrap() {
                CibaPoll::Wait(wait) => waits.push(wait.as_secs()),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(waits, [2, 7, 7, 12, 17, 17]);
        assert_eq!(ack.interval(), Duration::from_secs(17));
    }

    #[test]
    fn never_waits_past_expiry() {
        let mut ack = pending(r#"{"auth_req_id":"r","expires_in":10,"interval":3}"#);
        assert_eq!(ack.wait(at(0)).unwrap(), Duration::from_secs(3));
        let pending_answer = || answer(400, r#"{"error":"authorization_pending"}"#);
        assert!(matches!(
            ack.read_poll_response(pending_answer(), at(3)).unwrap(),
            CibaPoll::Wait(_)
        ));
        // At 6 the next poll would be at 9 < 10; at 7 it would be at 10.
        assert!(matches!(
            ack.read_poll_response(pending_answer(), at(6)).unwrap(),
            CibaPoll::Wait(_)
        ));
        let error = ack.read_poll_response(pending_answer(), at(7)).unwrap_err();
        assert_eq!(error.flow_end(), Some(FlowEnd::Expired));
        let AuthError::Flow(flow) = &error else {
            panic!()
        };
        assert!(flow.status.is_none() && flow.code.is_none());
        assert_eq!(
            error.to_string(),
            "CIBA ended: the request expired; start a new one"
        );
        // slow_down past the expiry ends it too, with the interval grown.
        let mut ack = pending(r#"{"auth_req_id":"r","expires_in":10,"interval":3}"#);
        let error = ack
            .read_poll_response(answer(400, r#"{"error":"slow_down"}"#), at(3))
            .unwrap_err();
        assert_eq!(error.flow_end(), Some(FlowEnd::Expired));
        assert_eq!(ack.interval(), Duration::from_secs(8));
        // An interval as long as the request's life: no poll at all.
        let ack = pending(r#"{"auth_req_id":"r","expires_in":5,"interval":5}"#);
        assert!(ack.wait(at(0)).is_err());
        let ack = pending(r#"{"auth_req_id":"r","expires_in":0}"#);
        assert!(ack.wait(at(0)).is_err());
    }

    #[test]
    fn poll_answers() {
        let mut ack = pending(r#"{"auth_req_id":"r","expires_in":120,"interval":2}"#);
        let token = ack
            .read_poll_response(
                answer(
                    200,
                    r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"canary-rt","id_token":"x.y.z"}"#,
                ),
                at(4),
            )
            .unwrap();
        let CibaPoll::Token(grant) = token else {
            panic!("{token:?}")
        };
        assert_eq!(grant.access_token().secret(), "at");
        assert_eq!(grant.access_token().expires_at(), Some(at(3604)));
        assert_eq!(grant.refresh_token().unwrap().expose(), "canary-rt");
        assert!(!format!("{grant:?}").contains("canary"));
        for (status, code, end) in [
            (400, "expired_token", Some(FlowEnd::Expired)),
            (403, "access_denied", Some(FlowEnd::Denied)),
            (400, "access_denied", Some(FlowEnd::Denied)),
            (400, "invalid_grant", Some(FlowEnd::InvalidGrant)),
            (400, "invalid_request", None),
            (400, "unauthorized_client", None),
            (400, "unsupported_grant_type", None),
            (400, "invalid_scope", None),
            (401, "invalid_client", None),
            (400, "something_new", None),
        ] {
            let body = format!(r#"{{"error":"{code}"}}"#);
            let error = ack
                .read_poll_response(answer(status, &body), at(4))
                .unwrap_err();
            assert_eq!(error.flow_end(), end, "{code}");
            assert!(error.to_string().contains(code), "{error}");
            if end.is_none() {
                assert!(
                    matches!(&error, AuthError::OAuth(e) if e.code.as_str() == code && e.status == status)
                );
            }
        }
        let error = ack
            .read_poll_response(answer(503, "busy"), at(4))
            .unwrap_err();
        assert!(matches!(error, AuthError::TokenEndpoint { .. }));
        let mac = ack
            .read_poll_response(
                answer(200, r#"{"access_token":"a","token_type":"mac"}"#),
                at(4),
            )
            .unwrap_err();
        assert!(matches!(mac, AuthError::UnsupportedTokenType(_)));
    }

    #[test]
    fn the_auth_req_id_never_prints() {
        let ack = pending(r#"{"auth_req_id":"canary-id","expires_in":120}"#);
        let debug = format!("{ack:?}");
        assert!(
            !debug.contains("canary") && debug.contains("[redacted]"),
            "{debug}"
        );
    }

    proptest::proptest! {
        #[test]
        fn readers_never_panic(
            status in 100_u16..600,
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120),
            json in "\\{\"(auth_req_id|expires_in|interval|error|access_token)\":(\"[ -~]{0,8}\"|-?[0-9]{0,22}(\\.[0-9]{0,3})?(e[0-9]{1,3})?|null|\\[\\]),\"(expires_in|interval|error|token_type)\":(\"[a-z_ ]{0,8}\"|-?[0-9]{0,22}|null)\\}",
        ) {
            for body in [bytes.clone(), json.clone().into_bytes()] {
                let response = || Response::builder().status(status).body(body.clone()).unwrap();
                if let Ok(pending) = read_backchannel_response(response(), at(0)) {
                    proptest::prop_assert!(pending.interval() >= MIN_INTERVAL);
                    let _ = pending.wait(at(0));
                }
                let mut pending = pending(r#"{"auth_req_id":"r","expires_in":60,"interval":1}"#);
                match pending.read_poll_response(response(), at(1)) {
                    Ok(CibaPoll::Wait(wait)) => proptest::prop_assert!(at(1) + wait < pending.expires_at()),
                    Ok(CibaPoll::Token(_)) | Err(_) => {}
                }
            }
        }
    }

    #[cfg(feature = "jwt")]
    #[test]
    fn private_key_jwt_audiences_are_each_endpoint() {
        use crate::auth::assertion::tests::{p256_key, verify};
        let key = p256_key();
        let auth = ClientAuth::private_key_jwt("my-app", key.clone()).unwrap();
        let bc = "https://as.example.com/oauth2/bc-authorize";
        let token = "https://as.example.com/oauth2/token";
        let request = backchannel_request(
            &uri(bc),
            &auth,
            &Scope::openid(),
            &Subject::parse("tel:+34666666666").unwrap(),
            at(0),
            Uuid::from_u128(1),
        )
        .unwrap();
        let (_, claims) = verify(&field(&request, "client_assertion").unwrap(), &key);
        assert_eq!(claims["aud"], bc);
        let ack = pending(r#"{"auth_req_id":"r","expires_in":120}"#);
        let poll = ack
            .poll_request(&uri(token), &auth, at(5), Uuid::from_u128(2))
            .unwrap();
        let (_, claims) = verify(&field(&poll, "client_assertion").unwrap(), &key);
        assert_eq!(claims["aud"], token);
        assert_eq!(claims["jti"], Uuid::from_u128(2).to_string());
    }
}
