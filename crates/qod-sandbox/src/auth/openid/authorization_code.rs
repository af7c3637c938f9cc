//! The authorization code flow, for a sandbox: the authorization endpoint
//! approves at once (a redirect with `code` and `state`, and `iss`, RFC
//! 9207) for the device its `login_hint` names, standing in for the
//! network-based authentication a real operator does; PKCE with S256 is
//! required, and checked when the code is exchanged. A code is used once,
//! within a minute, with the `redirect_uri` it was issued for.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;

use crate::auth::openid::config::OpenIdConfig;
use crate::auth::openid::errors::{OAuthError, shown};
use crate::auth::openid::expiring::Expiring;
use crate::auth::openid::form::Form;
use crate::auth::openid::login_hint::{Forms, HintError, subject};
use crate::auth::openid::scopes;
use crate::auth::openid::tokens::Grant;
use crate::auth::{equal, lock};
use crate::reply::Reply;
use crate::test_assets::Consent;

/// How long a code may be exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// At most this many codes are unused at once.
const CAPACITY: usize = 10_000;
/// The longest `redirect_uri`, `state` or `nonce` kept.
const MAX_PARAMETER: usize = 2048;

/// An issued code, waiting for its exchange.
#[derive(Debug)]
struct Issued {
    grant: Grant,
    redirect_uri: String,
    code_challenge: String,
    nonce: Option<String>,
}

/// What an exchanged code gives.
#[derive(Debug)]
pub(crate) struct Exchanged {
    pub(crate) grant: Grant,
    pub(crate) nonce: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Codes {
    issued: Mutex<Expiring<Issued>>,
}

impl Default for Codes {
    fn default() -> Self {
        Codes {
            issued: Mutex::new(Expiring::new(CAPACITY)),
        }
    }
}

/// A `redirect_uri` the sandbox redirects to: an absolute http(s) URL
/// with a host and no fragment (no client registers one here).
fn redirect_uri(text: &str) -> bool {
    text.len() <= MAX_PARAMETER
        && !text.contains('#')
        && text.parse::<http::Uri>().is_ok_and(|uri| {
            matches!(uri.scheme_str(), Some("http" | "https"))
                && uri.host().is_some_and(|host| !host.is_empty())
        })
}

/// A PKCE `code_verifier` (RFC 7636 4.1): 43 to 128 unreserved characters.
fn verifier(text: &str) -> bool {
    (43..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The `S256` challenge of `verifier`.
fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ))
}

/// A 302 to `redirect_uri` with `parameters` added to its query.
fn redirect(redirect_uri: &str, parameters: &[(&str, &str)]) -> Reply {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in parameters {
        query.append_pair(name, value);
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    Reply::empty(StatusCode::FOUND)
        .with_header(
            "location",
            format!("{redirect_uri}{separator}{}", query.finish()),
        )
        .with_header("cache-control", "no-store".to_owned())
}

impl Codes {
    /// `GET /oauth2/authorize` (or a `POST` of the same form): a redirect
    /// with a code, or with the error; a 400 when there is nowhere to
    /// redirect to (RFC 6749 4.1.2.1).
    pub(crate) fn authorize(
        &self,
        params: &Form,
        config: &OpenIdConfig,
        issuer: &str,
        now: SystemTime,
    ) -> Reply {
        match params.get("client_id") {
            Some(id) if equal(id, &config.client_id) => {}
            Some(_) => return OAuthError::invalid_request("Unknown client_id").reply(),
            None => return OAuthError::invalid_request("client_id is required").reply(),
        }
        let Some(uri) = params.get("redirect_uri").filter(|uri| redirect_uri(uri)) else {
            return OAuthError::invalid_request(
                "redirect_uri is required: an absolute http or https URL without a fragment",
            )
            .reply();
        };
        let state = params.get("state").filter(|s| s.len() <= MAX_PARAMETER);
        let with_state = |mut parameters: Vec<(&'static str, String)>| {
            if let Some(state) = state {
                parameters.push(("state", state.to_owned()));
            }
            parameters.push(("iss", issuer.to_owned()));
            parameters
        };
        let answer = match self.code(params, uri, now) {
            Ok(code) => with_state(vec![("code", code)]),
            Err(error) => with_state(vec![
                ("error", error.error.to_owned()),
                ("error_description", error.description),
            ]),
        };
        let borrowed: Vec<(&str, &str)> = answer.iter().map(|(n, v)| (*n, v.as_str())).collect();
        redirect(uri, &borrowed)
    }

    /// Checks an authorization request and issues its code.
    fn code(&self, params: &Form, uri: &str, now: SystemTime) -> Result<String, OAuthError> {
        match params.get("response_type") {
            Some("code") => {}
            Some(other) => {
                return Err(OAuthError::invalid_request(&format!(
                    "response_type {} is not supported: only code",
                    shown(other)
                ))
                .named("unsupported_response_type"));
            }
            None => return Err(OAuthError::invalid_request("response_type is required")),
        }
        if params.has("request") || params.has("request_uri") {
            return Err(OAuthError::invalid_request(
                "The sandbox takes the parameters themselves, not a request object",
            )
            .named("request_not_supported"));
        }
        let scope = scopes::requested(
            params
                .get("scope")
                .ok_or_else(|| OAuthError::invalid_scope("scope is required"))?,
        )?;
        if !scope.openid {
            return Err(OAuthError::invalid_scope("The scope must include openid"));
        }
        let code_challenge = match (
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        ) {
            (Some(challenge), Some("S256"))
                if challenge.len() == 43 && verifier_chars(challenge) =>
            {
                challenge
            }
            (Some(_), Some("S256")) => {
                return Err(OAuthError::invalid_request(
                    "code_challenge must be 43 base64url characters",
                ));
            }
            _ => {
                return Err(OAuthError::invalid_request(
                    "PKCE is required: code_challenge with code_challenge_method S256",
                ));
            }
        };
        let nonce = params
            .get("nonce")
            .filter(|n| n.len() <= MAX_PARAMETER)
            .map(str::to_owned);
        // The login_hint stands for the network's own identification of the device.
        let hint = params.get("login_hint").ok_or_else(|| {
            OAuthError::invalid_request(
                "login_hint is required: it names the device, as the network would",
            )
        })?;
        let subject = subject(hint, Forms::All).map_err(|error| match error {
            HintError::Malformed(why) => OAuthError::invalid_request(why),
            HintError::Unknown(why) => OAuthError::access_denied(why),
        })?;
        if matches!(subject.consent, Consent::Denies | Consent::Never) {
            return Err(OAuthError::access_denied("The user denied the request"));
        }
        let code = format!("sandbox-code-{}", uuid::Uuid::new_v4().simple());
        let issued = Issued {
            grant: Grant {
                scope,
                subject: Some(subject.into()),
            },
            redirect_uri: uri.to_owned(),
            code_challenge: code_challenge.to_owned(),
            nonce,
        };
        lock(&self.issued)
            .insert(code.clone(), now + CODE_LIFETIME, issued, now)
            .map_err(|_| OAuthError::too_many("Too many unused codes: try again later"))?;
        Ok(code)
    }

    /// The `authorization_code` grant.
    pub(crate) fn exchange(&self, form: &Form, now: SystemTime) -> Result<Exchanged, OAuthError> {
        let code = form.required("code")?;
        let verifier_text = form.required("code_verifier")?;
        if !verifier(verifier_text) {
            return Err(OAuthError::invalid_request(
                "code_verifier must be 43 to 128 unreserved characters (RFC 7636 4.1)",
            ));
        }
        // Taken out first: a code is used once, whatever the outcome.
        let issued = lock(&self.issued)
            .remove(code, now)
            .ok_or_else(|| OAuthError::invalid_grant("The code is unknown, used or expired"))?;
        if form.get("redirect_uri") != Some(issued.redirect_uri.as_str()) {
            return Err(OAuthError::invalid_grant(
                "redirect_uri must be the one the code was issued for",
            ));
        }
        if !equal(&challenge(verifier_text), &issued.code_challenge) {
            return Err(OAuthError::invalid_grant(
                "The code_verifier does not match the code_challenge",
            ));
        }
        Ok(Exchanged {
            grant: issued.grant,
            nonce: issued.nonce,
        })
    }
}

/// Whether `text` is made of base64url's characters.
fn verifier_chars(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_assets::{CIBA_DENIED_PHONE_NUMBER, UNKNOWN_PHONE_NUMBER};

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn location(reply: &Reply) -> String {
        assert_eq!(reply.status, StatusCode::FOUND);
        reply
            .headers
            .iter()
            .find(|(n, _)| *n == "location")
            .unwrap()
            .1
            .clone()
    }

    fn query(location: &str) -> Form {
        Form::parse(location.split_once('?').unwrap().1.as_bytes()).unwrap()
    }

    fn authorize(codes: &Codes, hint: &str, extra: &str) -> Reply {
        let config = OpenIdConfig::new("c").client_secret("s");
        let params = format!(
            "response_type=code&client_id=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&scope=openid%20qos-profiles%3Aread&state=st&nonce=n&code_challenge={}&code_challenge_method=S256&login_hint={}{extra}",
            challenge(VERIFIER),
            hint.replace('+', "%2B").replace(':', "%3A"),
        );
        codes.authorize(
            &Form::parse(params.as_bytes()).unwrap(),
            &config,
            "http://as",
            SystemTime::now(),
        )
    }

    #[test]
    fn rfc_7636_appendix_b() {
        assert_eq!(
            challenge(VERIFIER),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_code_and_its_exchange() {
        let codes = Codes::default();
        let reply = authorize(&codes, "tel:+14255550100", "");
        let location = location(&reply);
        assert!(
            location.starts_with("https://app.example/cb?x=1&code="),
            "{location}"
        );
        let answer = query(&location);
        assert_eq!(
            (answer.get("state"), answer.get("iss")),
            (Some("st"), Some("http://as"))
        );
        let code = answer.get("code").unwrap();
        let exchange = |verifier: &str, uri: &str| {
            let body = format!("code={code}&code_verifier={verifier}&redirect_uri={uri}");
            codes.exchange(&Form::parse(body.as_bytes()).unwrap(), SystemTime::now())
        };
        let uri = "https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1";
        let wrong = exchange(&"a".repeat(43), uri).unwrap_err();
        assert_eq!(wrong.error, "invalid_grant");
        // The failed exchange used the code up.
        assert!(exchange(VERIFIER, uri).is_err());

        let code = query(&location_of(&authorize(&codes, "tel:+14255550100", "")))
            .get("code")
            .unwrap()
            .to_owned();
        let body = |uri: &str| format!("code={code}&code_verifier={VERIFIER}&redirect_uri={uri}");
        let other_uri = codes.exchange(
            &Form::parse(body("https%3A%2F%2Fevil.example").as_bytes()).unwrap(),
            SystemTime::now(),
        );
        assert_eq!(other_uri.unwrap_err().error, "invalid_grant");

        let code = query(&location_of(&authorize(&codes, "tel:+14255550100", "")))
            .get("code")
            .unwrap()
            .to_owned();
        let body = format!("code={code}&code_verifier={VERIFIER}&redirect_uri={uri}");
        let exchanged = codes
            .exchange(&Form::parse(body.as_bytes()).unwrap(), SystemTime::now())
            .unwrap();
        assert_eq!(exchanged.nonce.as_deref(), Some("n"));
        assert!(exchanged.grant.subject.is_some());
    }

    fn location_of(reply: &Reply) -> String {
        location(reply)
    }

    #[test]
    fn errors_go_back_to_the_client() {
        let codes = Codes::default();
        for (hint, extra, error) in [
            (
                format!("tel:{CIBA_DENIED_PHONE_NUMBER}"),
                "",
                "access_denied",
            ),
            (format!("tel:{UNKNOWN_PHONE_NUMBER}"), "", "access_denied"),
            ("14255550100".to_owned(), "", "invalid_request"),
            (
                "tel:+14255550100".to_owned(),
                "&request=x",
                "request_not_supported",
            ),
        ] {
            let answer = query(&location(&authorize(&codes, &hint, extra)));
            assert_eq!(answer.get("error"), Some(error), "{hint} {extra}");
            assert_eq!(answer.get("state"), Some("st"));
        }
        let config = OpenIdConfig::new("c").client_secret("s");
        let run = |params: &str| {
            codes.authorize(
                &Form::parse(params.as_bytes()).unwrap(),
                &config,
                "http://as",
                SystemTime::now(),
            )
        };
        let uri = "client_id=c&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&login_hint=tel%3A%2B14255550100&scope=openid%20qos-profiles%3Aread";
        for (params, error) in [
            (
                format!("{uri}&response_type=token"),
                "unsupported_response_type",
            ),
            (format!("{uri}&response_type=code"), "invalid_request"),
            (
                format!("{uri}&response_type=code&code_challenge=abc&code_challenge_method=plain"),
                "invalid_request",
            ),
            (
                format!("{uri}&response_type=code&code_challenge=abc&code_challenge_method=S256"),
                "invalid_request",
            ),
        ] {
            let answer = query(&location(&run(&params)));
            assert_eq!(answer.get("error"), Some(error), "{params}");
        }
        // Nowhere to redirect to: a 400.
        for params in [
            "client_id=other&redirect_uri=https%3A%2F%2Fa.example",
            "client_id=c",
            "client_id=c&redirect_uri=app%3A%2Fcb",
            "client_id=c&redirect_uri=https%3A%2F%2Fa.example%2F%23f",
            "redirect_uri=https%3A%2F%2Fa.example",
        ] {
            assert_eq!(run(params).status, StatusCode::BAD_REQUEST, "{params}");
        }
    }
}
