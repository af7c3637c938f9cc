//! The JWT Bearer grant (RFC 7523 2.1, as CAMARA's profile uses it): an
//! assertion the client signs with its registered key names the user
//! (`sub`: `tel:+<number>` or `operatortoken:<token>`) and the scope (a
//! `scope` claim; a `scope` parameter is refused). It is a three-legged
//! token with no user asked: no refresh token, no ID token.

use std::sync::Mutex;
use std::time::SystemTime;

use crate::auth::lock;
use crate::auth::openid::config::OpenIdConfig;
use crate::auth::openid::errors::OAuthError;
use crate::auth::openid::form::Form;
use crate::auth::openid::jwt;
use crate::auth::openid::login_hint::{Forms, HintError, subject};
use crate::auth::openid::replay::SeenAssertions;
use crate::auth::openid::scopes;
use crate::auth::openid::tokens::Grant;
use crate::test_assets::Consent;

/// The grant of a JWT Bearer request: `audiences` are those its `aud`
/// may name (the token endpoint's URL, the issuer).
pub(crate) fn grant(
    form: &Form,
    config: &OpenIdConfig,
    audiences: &[&str],
    seen: &Mutex<SeenAssertions>,
    now: SystemTime,
) -> Result<Grant, OAuthError> {
    if form.has("scope") {
        return Err(OAuthError::invalid_request(
            "A JWT Bearer request takes its scope in the assertion's scope claim, not a scope parameter",
        ));
    }
    let assertion = form.required("assertion")?;
    let Some(key) = &config.client_key else {
        return Err(OAuthError::unauthorized_client(
            "The client has no registered key to sign JWT Bearer assertions with",
        ));
    };
    let refused = |why: &str| OAuthError::invalid_grant(why);
    let claims = jwt::verify(assertion, key).map_err(|why| refused(&why))?;
    if jwt::string(&claims, "iss") != Some(config.client_id.as_str()) {
        return Err(refused("The assertion's iss must be the client id"));
    }
    if !jwt::audience_in(&claims, audiences) {
        return Err(refused(&format!(
            "The assertion's aud must be the token endpoint's URL ({}) or the issuer",
            audiences.first().copied().unwrap_or_default()
        )));
    }
    let until = jwt::lifetime(&claims, now).map_err(|why| refused(&why))?;
    let jti = jwt::jti(&claims).map_err(|why| refused(&why))?;
    let sub = jwt::string(&claims, "sub").ok_or_else(|| refused("The assertion has no sub"))?;
    let subject = subject(sub, Forms::PhoneOnly).map_err(|error| match error {
        HintError::Malformed(why) | HintError::Unknown(why) => refused(why),
    })?;
    if subject.consent == Consent::Denies {
        return Err(refused("The user has given no consent"));
    }
    let scope = scopes::requested(
        jwt::string(&claims, "scope").ok_or_else(|| refused("The assertion has no scope claim"))?,
    )?;
    lock(seen).first_use(
        jti,
        until,
        now,
        refused("The assertion was used before (its jti)"),
    )?;
    Ok(Grant {
        // Neither a refresh token (the profile forbids it) nor an ID token.
        scope: scopes::Requested {
            openid: false,
            offline_access: false,
            ..scope
        },
        subject: Some(subject.into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::openid::jwt::tests::{ec_key, sign};
    use crate::test_assets::{CIBA_DENIED_PHONE_NUMBER, UNKNOWN_PHONE_NUMBER, operator_token};
    use serde_json::{Value, json};
    use std::time::UNIX_EPOCH;

    const TOKEN_URL: &str = "http://as/oauth2/token";

    fn form(assertion: &str, extra: &str) -> Form {
        Form::parse(format!("grant_type=x&assertion={assertion}{extra}").as_bytes()).unwrap()
    }

    fn claims(sub: &str, jti: &str) -> Value {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        json!({"iss": "c", "sub": sub, "aud": TOKEN_URL, "iat": secs, "exp": secs + 60,
            "jti": jti, "scope": "dpv:RequestedServiceProvision quality-on-demand:sessions:create"})
    }

    #[test]
    fn grants_and_refusals() {
        let config = OpenIdConfig::new("c").client_public_key(ec_key());
        let seen = Mutex::new(SeenAssertions::default());
        let now = SystemTime::now();
        let run = |form: &Form| grant(form, &config, &[TOKEN_URL, "http://as"], &seen, now);
        let es = |claims: Value| sign(&json!({"alg": "ES256", "typ": "JWT"}), &claims);
        let good = es(claims("tel:+14255550100", "1"));
        let granted = run(&form(&good, "")).unwrap();
        assert_eq!(
            granted.subject.unwrap().device.phone.as_deref(),
            Some("+14255550100")
        );
        assert!(!granted.scope.offline_access && !granted.scope.openid);
        assert!(
            run(&form(&good, ""))
                .unwrap_err()
                .description
                .contains("used before")
        );
        let token = es(claims(
            &format!("operatortoken:{}", operator_token("+14255550101")),
            "2",
        ));
        assert!(run(&form(&token, "")).is_ok());

        let scoped = es(claims("tel:+14255550100", "3"));
        assert_eq!(
            run(&form(&scoped, "&scope=qos-profiles%3Aread"))
                .unwrap_err()
                .error,
            "invalid_request"
        );
        for (claims, says) in [
            (
                claims(&format!("tel:{UNKNOWN_PHONE_NUMBER}"), "4"),
                "subscriber",
            ),
            (
                claims(&format!("tel:{CIBA_DENIED_PHONE_NUMBER}"), "5"),
                "consent",
            ),
            (claims("ipport:80.90.34.2:80", "6"), "subject"),
            (
                json!({"iss": "d", "sub": "tel:+14255550100", "aud": TOKEN_URL, "exp": 1, "jti": "7"}),
                "iss",
            ),
        ] {
            let error = run(&form(&es(claims), "")).unwrap_err();
            assert_eq!(error.error, "invalid_grant");
            assert!(
                error.description.contains(says),
                "{says}: {}",
                error.description
            );
        }
        let mut unscoped = claims("tel:+14255550100", "8");
        unscoped.as_object_mut().unwrap().remove("scope");
        assert!(
            run(&form(&es(unscoped), ""))
                .unwrap_err()
                .description
                .contains("scope")
        );
        let secret_only = OpenIdConfig::new("c").client_secret("s");
        let error = grant(&form(&good, ""), &secret_only, &[TOKEN_URL], &seen, now).unwrap_err();
        assert_eq!(error.error, "unauthorized_client");
    }
}
