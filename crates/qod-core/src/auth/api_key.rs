//! Gateways that take an API key in a header instead of OAuth (Nokia
//! Network as Code behind RapidAPI: `X-RapidAPI-Key` and `X-RapidAPI-Host`).

use std::fmt;

use http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue, TRANSFER_ENCODING,
};
use http::{HeaderMap, Request};
use qod_models::SecretString;

use crate::auth::AuthError;
use crate::headers::X_CORRELATOR;

/// Headers sent on every call: one or more secret keys, and plain ones
/// beside them. Key values never print; plain values do.
///
/// ```
/// use qod_core::auth::ApiKeyCredentials;
/// let credentials = ApiKeyCredentials::new("X-RapidAPI-Key", "k3y")?
///     .with_header("X-RapidAPI-Host", "network-as-code.nokia.rapidapi.com")?;
/// let printed = format!("{credentials:?}");
/// assert!(!printed.contains("k3y") && printed.contains("x-rapidapi-host"));
/// assert!(ApiKeyCredentials::new("Content-Length", "1").is_err());
/// assert!(ApiKeyCredentials::new("X-Key", "two\nlines").is_err());
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Clone)]
pub struct ApiKeyCredentials {
    headers: HeaderMap,
}

impl ApiKeyCredentials {
    /// Sends `key` in the header `name` on every call.
    pub fn new(name: &str, key: impl Into<SecretString>) -> Result<Self, AuthError> {
        ApiKeyCredentials {
            headers: HeaderMap::new(),
        }
        .with_key(name, key)
    }

    /// Also sends the secret `key` in the header `name`.
    pub fn with_key(self, name: &str, key: impl Into<SecretString>) -> Result<Self, AuthError> {
        let key = key.into();
        self.insert(name, key.expose(), true)
    }

    /// Also sends the header `name` with a value that is not secret (a
    /// gateway's host name, say).
    pub fn with_header(self, name: &str, value: &str) -> Result<Self, AuthError> {
        self.insert(name, value, false)
    }

    fn insert(mut self, name: &str, value: &str, secret: bool) -> Result<Self, AuthError> {
        let refused = |why: &str| AuthError::Config(format!("header {name:?}: {why}"));
        let header = HeaderName::try_from(name).map_err(|_| refused("not a header name"))?;
        let owned_by_qod = [
            HOST,
            CONTENT_LENGTH,
            CONTENT_TYPE,
            TRANSFER_ENCODING,
            CONNECTION,
        ];
        if owned_by_qod.contains(&header) || header == X_CORRELATOR {
            return Err(refused("qod sets this header itself"));
        }
        if self.headers.contains_key(&header) {
            return Err(refused("given twice"));
        }
        // Visible ASCII and inner spaces only: no controls, nothing a
        // transport would refuse or fold.
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(refused(
                "the value must be visible ASCII characters (the value is not shown)",
            ));
        }
        let mut value = HeaderValue::try_from(value).map_err(|_| refused("not a header value"))?;
        value.set_sensitive(secret);
        self.headers.insert(header, value);
        Ok(self)
    }

    /// Adds the headers to a call's request.
    pub(crate) fn authorize(&self, request: &mut Request<Vec<u8>>) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
    }
}

impl fmt::Debug for ApiKeyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.headers {
            if value.is_sensitive() {
                map.entry(&name.as_str(), &"[redacted]");
            } else {
                map.entry(&name.as_str(), &value.to_str().unwrap_or("[not text]"));
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_header_goes_on_the_request_keys_marked_sensitive() {
        let credentials = ApiKeyCredentials::new("X-RapidAPI-Key", "k3y")
            .unwrap()
            .with_header("X-RapidAPI-Host", "nac.example.com")
            .unwrap();
        let mut request = Request::new(Vec::new());
        credentials.authorize(&mut request);
        let key = &request.headers()["x-rapidapi-key"];
        assert_eq!(key, "k3y");
        assert!(key.is_sensitive());
        let host = &request.headers()["x-rapidapi-host"];
        assert_eq!(host, "nac.example.com");
        assert!(!host.is_sensitive());
    }

    #[test]
    fn bad_names_and_values_are_refused_without_quoting_the_value() {
        for name in ["", "two words", "Host", "x-correlator", "Transfer-Encoding"] {
            assert!(ApiKeyCredentials::new(name, "k").is_err(), "{name:?}");
        }
        for value in ["", "tab\there", "nl\nx", "tök", "del\u{7f}"] {
            let error = ApiKeyCredentials::new("X-Key", value).unwrap_err();
            assert!(
                value.len() < 3 || !error.to_string().contains(value),
                "{error}"
            );
        }
        let twice = ApiKeyCredentials::new("X-Key", "a")
            .unwrap()
            .with_key("x-key", "b");
        assert!(twice.is_err());
    }
}
