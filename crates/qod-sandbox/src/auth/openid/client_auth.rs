//! Who calls the token and backchannel endpoints: the one client,
//! authenticated by `client_secret_basic` (RFC 6749 2.3.1: id and secret
//! form-encoded, then Base64; the pair as sent is accepted too, as
//! `curl -u id:secret` sends it), `client_secret_post`, or
//! `private_key_jwt` (OpenID Connect Core 9, as CAMARA's profile bounds
//! it): one method per request (RFC 6749 2.3).

use std::sync::Mutex;
use std::time::SystemTime;

use http::header::AUTHORIZATION;
use http::request::Parts;

use crate::auth::openid::config::OpenIdConfig;
use crate::auth::openid::errors::OAuthError;
use crate::auth::openid::form::Form;
use crate::auth::openid::jwt;
use crate::auth::openid::replay::SeenAssertions;
use crate::auth::{basic_pair, equal, form_decode, lock};

/// `client_assertion_type` of `private_key_jwt` (RFC 7523 2.2).
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The credentials a request presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Presented<'a> {
    /// The pair decoded as RFC 6749 2.3.1 says, and as sent.
    Basic {
        id: String,
        secret: String,
        raw: (String, String),
    },
    Post {
        id: &'a str,
        secret: &'a str,
    },
    Assertion(&'a str),
}

/// The client credentials in a request, if any: `invalid_request` for two
/// methods at once, `invalid_client` for an `Authorization` header that
/// is no Basic one.
pub(crate) fn presented<'a>(
    parts: &Parts,
    form: &'a Form,
) -> Result<Option<Presented<'a>>, OAuthError> {
    let mut found = Vec::new();
    if parts.headers.contains_key(AUTHORIZATION) {
        if parts.headers.get_all(AUTHORIZATION).iter().count() > 1 {
            return Err(OAuthError::invalid_request(
                "Authorization is given more than once",
            ));
        }
        let (id, secret) = basic_pair(parts).ok_or_else(|| {
            OAuthError::invalid_client(
                "The Authorization header must be HTTP Basic with the client id and secret",
                true,
            )
        })?;
        found.push(Presented::Basic {
            id: form_decode(&id),
            secret: form_decode(&secret),
            raw: (id, secret),
        });
    }
    if let Some(secret) = form.get("client_secret") {
        let id = form.required("client_id")?;
        found.push(Presented::Post { id, secret });
    }
    if let Some(assertion) = form.get("client_assertion") {
        match form.get("client_assertion_type") {
            Some(ASSERTION_TYPE) => {}
            Some(_) => {
                return Err(OAuthError::invalid_client(
                    &format!("client_assertion_type must be {ASSERTION_TYPE}"),
                    false,
                ));
            }
            None => {
                return Err(OAuthError::invalid_request(
                    "client_assertion_type is required",
                ));
            }
        }
        found.push(Presented::Assertion(assertion));
    } else if form.has("client_assertion_type") {
        return Err(OAuthError::invalid_request("client_assertion is required"));
    }
    if found.len() > 1 {
        return Err(OAuthError::invalid_request(
            "One client authentication method per request (RFC 6749 2.3)",
        ));
    }
    Ok(found.pop())
}

/// What checks a client's credentials.
pub(crate) struct Checker<'a> {
    pub(crate) config: &'a OpenIdConfig,
    /// The audiences an assertion may name: the endpoint's URL, the issuer.
    pub(crate) audiences: &'a [&'a str],
    pub(crate) seen: &'a Mutex<SeenAssertions>,
    pub(crate) now: SystemTime,
}

impl Checker<'_> {
    /// Checks `presented`, and that a `client_id` parameter names the same client.
    pub(crate) fn check(&self, presented: &Presented<'_>, form: &Form) -> Result<(), OAuthError> {
        let config = self.config;
        let basic = matches!(presented, Presented::Basic { .. });
        let refused = |why: &str| OAuthError::invalid_client(why, basic);
        match presented {
            Presented::Basic { id, secret, raw } => {
                let decoded = self.secret(id, secret);
                let as_sent = self.secret(&raw.0, &raw.1);
                decoded.or(as_sent).map_err(refused)?;
            }
            Presented::Post { id, secret } => self.secret(id, secret).map_err(refused)?,
            Presented::Assertion(assertion) => self.assertion(assertion)?,
        }
        match form.get("client_id") {
            Some(id) if !equal(id, &config.client_id) => {
                Err(refused("client_id names another client"))
            }
            _ => Ok(()),
        }
    }

    fn secret(&self, id: &str, secret: &str) -> Result<(), &'static str> {
        let Some(expected) = &self.config.client_secret else {
            return Err("The client has no secret: it authenticates with private_key_jwt");
        };
        // Both compared, so that the time taken does not say which differs.
        let id_ok = equal(id, &self.config.client_id);
        let secret_ok = equal(secret, expected);
        if id_ok && secret_ok {
            Ok(())
        } else {
            Err("Client authentication failed")
        }
    }

    /// A `private_key_jwt` assertion: `iss` = `sub` = the client id, an
    /// accepted `aud`, the lifetime rules, a `jti` never seen.
    fn assertion(&self, assertion: &str) -> Result<(), OAuthError> {
        let refused = |why: &str| OAuthError::invalid_client(why, false);
        let Some(key) = &self.config.client_key else {
            return Err(refused(
                "The client has no registered key: it authenticates with its secret",
            ));
        };
        let claims = jwt::verify(assertion, key).map_err(|why| refused(&why))?;
        let client_id = self.config.client_id.as_str();
        if jwt::string(&claims, "iss") != Some(client_id)
            || jwt::string(&claims, "sub") != Some(client_id)
        {
            return Err(refused(
                "The client assertion's iss and sub must both be the client id",
            ));
        }
        if !jwt::audience_in(&claims, self.audiences) {
            return Err(refused(&format!(
                "The client assertion's aud must be this endpoint's URL ({}) or the issuer",
                self.audiences.first().copied().unwrap_or_default()
            )));
        }
        let until = jwt::lifetime(&claims, self.now).map_err(|why| refused(&why))?;
        let jti = jwt::jti(&claims).map_err(|why| refused(&why))?;
        lock(self.seen).first_use(
            jti,
            until,
            self.now,
            refused("The client assertion was used before (its jti)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::openid::jwt::tests::{rsa_key, sign};
    use base64::Engine as _;
    use serde_json::json;
    use std::time::UNIX_EPOCH;

    fn parts(authorization: &[&str]) -> Parts {
        let mut request = http::Request::builder().uri("/oauth2/token");
        for value in authorization {
            request = request.header(AUTHORIZATION, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    fn basic(id: &str, secret: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
        )
    }

    #[test]
    fn one_method_at_a_time() {
        let form = Form::parse(b"client_id=c&client_secret=s").unwrap();
        assert_eq!(
            presented(&parts(&[]), &form).unwrap(),
            Some(Presented::Post {
                id: "c",
                secret: "s"
            })
        );
        let both = presented(&parts(&[&basic("c", "s")]), &form).unwrap_err();
        assert_eq!(both.error, "invalid_request");
        let empty = Form::default();
        let encoded = presented(&parts(&[&basic("c%3Ai", "s%25")]), &empty).unwrap();
        assert_eq!(
            encoded,
            Some(Presented::Basic {
                id: "c:i".into(),
                secret: "s%".into(),
                raw: ("c%3Ai".into(), "s%25".into()),
            })
        );
        let bearer = presented(&parts(&["Bearer x"]), &Form::default()).unwrap_err();
        assert_eq!(
            (bearer.error, bearer.status.as_u16()),
            ("invalid_client", 401)
        );
        assert!(
            presented(
                &parts(&[&basic("a", "b"), &basic("a", "b")]),
                &Form::default()
            )
            .is_err()
        );
        let untyped = Form::parse(b"client_assertion=x").unwrap();
        assert_eq!(
            presented(&parts(&[]), &untyped).unwrap_err().error,
            "invalid_request"
        );
        let typed = Form::parse(b"client_assertion=x&client_assertion_type=other").unwrap();
        assert_eq!(
            presented(&parts(&[]), &typed).unwrap_err().error,
            "invalid_client"
        );
        assert_eq!(
            presented(&parts(&[]), &Form::parse(b"client_secret=s").unwrap())
                .unwrap_err()
                .error,
            "invalid_request"
        );
        assert_eq!(presented(&parts(&[]), &Form::default()).unwrap(), None);
    }

    #[test]
    fn a_basic_secret_encoded_or_as_sent() {
        let config = OpenIdConfig::new("c").client_secret("a+b%");
        let seen = Mutex::new(SeenAssertions::default());
        let checker = Checker {
            config: &config,
            audiences: &[],
            seen: &seen,
            now: SystemTime::now(),
        };
        let empty = Form::default();
        for header in [basic("c", "a%2Bb%25"), basic("c", "a+b%")] {
            let presented = presented(&parts(&[&header]), &empty).unwrap().unwrap();
            checker.check(&presented, &empty).unwrap();
        }
        let decoded_only = presented(&parts(&[&basic("c", "a b%")]), &empty)
            .unwrap()
            .unwrap();
        assert!(checker.check(&decoded_only, &empty).is_err());
    }

    #[test]
    fn secrets_and_assertions() {
        let config = OpenIdConfig::new("c")
            .client_secret("s")
            .client_public_key(rsa_key());
        let seen = Mutex::new(SeenAssertions::default());
        let now = SystemTime::now();
        let checker = Checker {
            config: &config,
            audiences: &["http://as/oauth2/token", "http://as"],
            seen: &seen,
            now,
        };
        let empty = Form::default();
        checker
            .check(
                &Presented::Post {
                    id: "c",
                    secret: "s",
                },
                &empty,
            )
            .unwrap();
        let basic = |id: &str, secret: &str, raw: (&str, &str)| Presented::Basic {
            id: id.into(),
            secret: secret.into(),
            raw: (raw.0.into(), raw.1.into()),
        };
        let wrong = checker
            .check(&basic("c", "t", ("c", "t")), &empty)
            .unwrap_err();
        assert_eq!(wrong.status.as_u16(), 401);
        let other_id = Form::parse(b"client_id=d").unwrap();
        assert!(
            checker
                .check(
                    &Presented::Post {
                        id: "c",
                        secret: "s"
                    },
                    &other_id
                )
                .is_err()
        );

        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let assertion = |claims: serde_json::Value| sign(&json!({"alg": "RS256"}), &claims);
        let good = assertion(
            json!({"iss": "c", "sub": "c", "aud": "http://as/oauth2/token",
            "iat": secs, "exp": secs + 60, "jti": "one"}),
        );
        checker.check(&Presented::Assertion(&good), &empty).unwrap();
        let again = checker
            .check(&Presented::Assertion(&good), &empty)
            .unwrap_err();
        assert!(
            again.description.contains("used before"),
            "{}",
            again.description
        );
        for (claims, says) in [
            (
                json!({"iss": "c", "sub": "d", "aud": "http://as", "exp": secs + 60, "jti": "2"}),
                "iss and sub",
            ),
            (
                json!({"iss": "c", "sub": "c", "aud": "http://as/oauth2/bc-authorize", "exp": secs + 60, "jti": "3"}),
                "aud",
            ),
            (
                json!({"iss": "c", "sub": "c", "aud": "http://as", "iat": secs, "exp": secs + 301, "jti": "4"}),
                "300",
            ),
            (
                json!({"iss": "c", "sub": "c", "aud": "http://as", "exp": secs + 60}),
                "jti",
            ),
        ] {
            let error = checker
                .check(&Presented::Assertion(&assertion(claims)), &empty)
                .unwrap_err();
            assert_eq!(error.error, "invalid_client");
            assert!(
                error.description.contains(says),
                "{says}: {}",
                error.description
            );
        }
        let secretless = OpenIdConfig::new("c").client_public_key(rsa_key());
        let checker = Checker {
            config: &secretless,
            ..checker
        };
        let error = checker
            .check(
                &Presented::Post {
                    id: "c",
                    secret: "s",
                },
                &empty,
            )
            .unwrap_err();
        assert!(error.description.contains("private_key_jwt"));
    }
}
