//! `application/x-www-form-urlencoded` parameters as OAuth reads them
//! (RFC 6749 3.1): each at most once (a repeated one is refused, as a
//! gateway and the server behind it could read different values), one
//! sent without a value as if it were absent.

use std::collections::HashMap;

use http::HeaderMap;
use http::header::CONTENT_TYPE;

use crate::auth::openid::errors::{OAuthError, shown};

/// The most parameters read: no OAuth request has more than a dozen.
const MAX_PARAMETERS: usize = 64;

/// The parameters of a form or of a query.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    values: HashMap<String, String>,
}

impl Form {
    /// Reads the parameters: `invalid_request` for one given twice or for
    /// more than [`MAX_PARAMETERS`].
    pub(crate) fn parse(bytes: &[u8]) -> Result<Form, OAuthError> {
        let mut values = HashMap::new();
        let mut names = std::collections::HashSet::new();
        for (name, value) in form_urlencoded::parse(bytes) {
            if names.len() == MAX_PARAMETERS {
                return Err(OAuthError::invalid_request(&format!(
                    "More than {MAX_PARAMETERS} parameters"
                )));
            }
            if !names.insert(name.clone().into_owned()) {
                return Err(OAuthError::invalid_request(&format!(
                    "The parameter {} is given more than once",
                    shown(&name)
                )));
            }
            if !value.is_empty() {
                values.insert(name.into_owned(), value.into_owned());
            }
        }
        Ok(Form { values })
    }

    /// A form body, which must say it is one.
    pub(crate) fn body(headers: &HeaderMap, body: &[u8]) -> Result<Form, OAuthError> {
        if !form_typed(headers) {
            return Err(OAuthError::invalid_request(
                "The body must be a form: Content-Type application/x-www-form-urlencoded",
            ));
        }
        Form::parse(body)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// A parameter that must be there.
    pub(crate) fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(&format!("{name} is required")))
    }
}

/// Whether the one `Content-Type` is a form's, with any parameters.
fn form_typed(headers: &HeaderMap) -> bool {
    let mut types = headers.get_all(CONTENT_TYPE).iter();
    match (types.next(), types.next()) {
        (Some(value), None) => value.to_str().is_ok_and(|text| {
            text.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_once_each() {
        let form = Form::parse(b"grant_type=client_credentials&scope=a+b%3Ac&empty=").unwrap();
        assert_eq!(form.get("grant_type"), Some("client_credentials"));
        assert_eq!(form.get("scope"), Some("a b:c"));
        assert_eq!(form.get("empty"), None, "no value is no parameter");
        assert!(form.required("empty").is_err());
        let twice = Form::parse(b"scope=a&scope=b").unwrap_err();
        assert_eq!(twice.error, "invalid_request");
        assert!(twice.description.contains("scope"), "{}", twice.description);
        assert!(Form::parse(b"a=&a=").is_err(), "twice even without values");
        let many: Vec<String> = (0..65).map(|n| format!("p{n}=v")).collect();
        assert!(Form::parse(many.join("&").as_bytes()).is_err());
        // Bytes that are no UTF-8 are read, not a panic.
        assert!(Form::parse(b"a=%ff%fe&\xff=1").is_ok());
    }

    #[test]
    fn a_body_says_it_is_a_form() {
        let mut headers = HeaderMap::new();
        assert!(Form::body(&headers, b"a=b").is_err());
        headers.insert(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        assert_eq!(Form::body(&headers, b"a=b").unwrap().get("a"), Some("b"));
        headers.append(CONTENT_TYPE, "application/json".parse().unwrap());
        assert!(Form::body(&headers, b"a=b").is_err(), "two types");
        headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        assert!(Form::body(&headers, b"a=b").is_err());
    }
}
