//! Where and how a server delivers status notifications:
//! `webhook` (0.10.1) and `sink` with `sinkCredential` (1.x).

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::authority::{authority_of, check_authority};
use crate::open_enum;
use crate::validated_string::{check_length, validated_string};
use crate::{SecretString, Timestamp, ValidationError};

/// The bearer token a server puts on notifications it sends you (0.10.1
/// `notificationAuthToken`): 20 to 256 characters. Never printed.
///
/// ```
/// use qod_models::NotificationToken;
/// let token = NotificationToken::parse("c8974e592c2fa383d4a3960714").unwrap();
/// assert_eq!(format!("{token:?}"), "NotificationToken([redacted])");
/// assert!(NotificationToken::parse("short").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct NotificationToken(SecretString);

impl NotificationToken {
    /// Checks the length rule (20..=256 characters).
    pub fn parse(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        check_length(&value, 20, 256)
            .map_err(|rule| ValidationError::new("notificationAuthToken", rule))?;
        Ok(NotificationToken(SecretString::new(value)))
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for NotificationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NotificationToken([redacted])")
    }
}

impl Serialize for NotificationToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for NotificationToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        NotificationToken::parse(value).map_err(serde::de::Error::custom)
    }
}

/// Whether `host` is `localhost` or a loopback address; IPv6 may be in brackets.
///
/// ```
/// use qod_models::is_loopback_host;
/// assert!(is_loopback_host("127.0.0.1") && is_loopback_host("[::1]") && is_loopback_host("LOCALHOST"));
/// assert!(!is_loopback_host("127.0.0.1.example.com"));
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `rest` (what follows `scheme://`) names a loopback host.
fn is_loopback_authority(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or_default()
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host)
    };
    is_loopback_host(host)
}

fn check_url(value: &str, https_only: bool) -> Result<(), String> {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain whitespace".to_owned());
    }
    let lower = value.to_ascii_lowercase();
    let (scheme, rest) = match lower.split_once("://") {
        Some((scheme, rest)) if !rest.is_empty() && !rest.starts_with('/') => (scheme, rest),
        _ => return Err("must be an absolute URL such as https://host/path".to_owned()),
    };
    match scheme {
        "https" => Ok(()),
        "http" if !https_only || is_loopback_authority(rest) => Ok(()),
        "http" => Err("must use https (plain http is accepted only to a loopback host)".to_owned()),
        _ => Err(format!("must use https, not {scheme}")),
    }
}

/// The rules for a notification URL qod sends, stricter than what it reads
/// back from a server: https (plain http only to a loopback host), no user
/// credentials, a port in range.
fn check_url_to_send(value: &str) -> Result<(), String> {
    check_url(value, true)?;
    check_authority(authority_of(value))
}

fn check_sink(value: &str) -> Result<(), String> {
    check_url(value, true)
}

fn check_notification_url(value: &str) -> Result<(), String> {
    check_url(value, false)
}

validated_string! {
    /// The 1.x `sink`: an `https://` URL (`^https:\/\/.+$`). Plain `http://` is
    /// accepted only to a loopback host, so that local test listeners work.
    ///
    /// ```
    /// use qod_models::SinkUrl;
    /// assert!(SinkUrl::parse("https://app.example.com/notify").is_ok());
    /// assert!(SinkUrl::parse("http://127.0.0.1:9000/notify").is_ok());
    /// assert!(SinkUrl::parse("http://app.example.com/notify").is_err());
    /// ```
    pub struct SinkUrl;
    field = "sink";
    check = check_sink;
}

impl SinkUrl {
    /// Checks the rules for a sink qod sends, beyond those [`SinkUrl::parse`]
    /// applies to any sink (including one a server echoes): no user
    /// credentials and a port in `1..=65535`.
    ///
    /// ```
    /// use qod_models::SinkUrl;
    /// assert!(SinkUrl::parse("https://app.example.com:8443/n").unwrap().validate().is_ok());
    /// assert!(SinkUrl::parse("https://u:p@app.example.com/n").unwrap().validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_url_to_send(self.as_str()).map_err(|rule| ValidationError::new("sink", rule))
    }
}

validated_string! {
    /// The 0.10.1 `webhook.notificationUrl`: an absolute `http` or `https` URL.
    ///
    /// ```
    /// use qod_models::NotificationUrl;
    /// assert!(NotificationUrl::parse("https://application-server.com").is_ok());
    /// assert!(NotificationUrl::parse("ftp://x").is_err());
    /// ```
    pub struct NotificationUrl;
    field = "notificationUrl";
    check = check_notification_url;
}

impl NotificationUrl {
    /// Checks the rules for a notification URL qod sends, stricter than
    /// [`NotificationUrl::parse`], which also reads what a server echoes:
    /// https (plain http only to a loopback host, as for a sink: the
    /// notification token would cross the network in clear text), no user
    /// credentials, a port in `1..=65535`.
    ///
    /// ```
    /// use qod_models::NotificationUrl;
    /// assert!(NotificationUrl::parse("https://app.example.com/n").unwrap().validate().is_ok());
    /// assert!(NotificationUrl::parse("http://127.0.0.1:9000/n").unwrap().validate().is_ok());
    /// assert!(NotificationUrl::parse("http://app.example.com/n").unwrap().validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_url_to_send(self.as_str())
            .map_err(|rule| ValidationError::new("notificationUrl", rule))
    }
}

/// The 0.10.1 notification target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Where events are POSTed.
    pub notification_url: NotificationUrl,
    /// The bearer token the server puts on each event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_auth_token: Option<NotificationToken>,
}

open_enum! {
    /// The kind of a 1.x `sinkCredential`. Only `ACCESSTOKEN` may be sent in 1.1.0.
    pub enum CredentialType {
        /// An identifier and a secret (not allowed in 1.1.0).
        Plain = "PLAIN",
        /// A bearer access token.
        AccessToken = "ACCESSTOKEN",
        /// An access token with a refresh token (not allowed in 1.1.0).
        RefreshToken = "REFRESHTOKEN",
    }
}

/// The 1.x `sinkCredential`: how the server authenticates to your sink.
///
/// The spec discriminates on `credentialType`; the fields of every kind are
/// kept here so that a response with a kind qod does not know still parses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SinkCredential {
    /// The kind of credential.
    pub credential_type: CredentialType,
    /// The access token (ACCESSTOKEN, REFRESHTOKEN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<SecretString>,
    /// When the access token expires (ACCESSTOKEN, REFRESHTOKEN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_expires_utc: Option<Timestamp>,
    /// The token type; `bearer` (ACCESSTOKEN, REFRESHTOKEN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_type: Option<String>,
    /// The refresh token (REFRESHTOKEN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<SecretString>,
    /// Where the refresh token is traded (REFRESHTOKEN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_endpoint: Option<String>,
    /// The identifier (PLAIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The secret (PLAIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretString>,
}

impl SinkCredential {
    /// An `ACCESSTOKEN` credential of type `bearer`, the only kind 1.1.0 allows.
    ///
    /// `expires` should be after the session or assignment ends, or
    /// notifications stop.
    pub fn access_token(token: impl Into<SecretString>, expires: Timestamp) -> Self {
        SinkCredential {
            credential_type: CredentialType::AccessToken,
            access_token: Some(token.into()),
            access_token_expires_utc: Some(expires),
            access_token_type: Some("bearer".to_owned()),
            refresh_token: None,
            refresh_token_endpoint: None,
            identifier: None,
            secret: None,
        }
    }

    /// Checks the rules of QoD 1.1.0 and QoS Provisioning 0.3.0 for a
    /// credential that is sent: `ACCESSTOKEN`, with a token, its expiry and
    /// type `bearer`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.credential_type != CredentialType::AccessToken {
            return Err(ValidationError::new(
                "credentialType",
                format!(
                    "must be ACCESSTOKEN, the only kind QoD 1.1.0 and QoS Provisioning 0.3.0 allow, got {}",
                    self.credential_type
                ),
            ));
        }
        if self
            .access_token
            .as_ref()
            .is_none_or(SecretString::is_empty)
        {
            return Err(ValidationError::new(
                "accessToken",
                "is required for ACCESSTOKEN",
            ));
        }
        if self.access_token_expires_utc.is_none() {
            return Err(ValidationError::new(
                "accessTokenExpiresUtc",
                "is required for ACCESSTOKEN",
            ));
        }
        match self.access_token_type.as_deref() {
            Some(kind) if kind.eq_ignore_ascii_case("bearer") => Ok(()),
            _ => Err(ValidationError::new("accessTokenType", "must be `bearer`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(SinkUrl::parse("https://x").is_ok());
        assert!(SinkUrl::parse("https://").is_err());
        assert!(SinkUrl::parse("https:///path").is_err());
        assert!(SinkUrl::parse("http://localhost:8080/cb").is_ok());
        assert!(SinkUrl::parse("http://[::1]:8080/cb").is_ok());
        assert!(SinkUrl::parse("http://127.0.0.1.evil.com/cb").is_err());
        assert!(SinkUrl::parse("https://a b").is_err());
        assert!(NotificationUrl::parse("http://example.com").is_ok());
        assert!(NotificationUrl::parse("example.com").is_err());
    }

    #[test]
    fn urls_to_send() {
        for good in [
            "https://app.example.com/cb",
            "https://app.example.com:8443/cb",
            "http://localhost:8080/cb",
            "http://[::1]:9000/cb",
        ] {
            assert!(
                NotificationUrl::parse(good).unwrap().validate().is_ok(),
                "{good}"
            );
            assert!(SinkUrl::parse(good).unwrap().validate().is_ok(), "{good}");
        }
        for bad in [
            "https://user:pw@app.example.com/cb",
            "https://user@app.example.com/cb",
            "https://app.example.com:99999/cb",
            "https://app.example.com:0/cb",
            "http://[::1]:65536/cb",
        ] {
            let error = NotificationUrl::parse(bad).unwrap().validate().unwrap_err();
            assert_eq!(error.field(), "notificationUrl", "{bad}");
            assert_eq!(
                SinkUrl::parse(bad).unwrap().validate().unwrap_err().field(),
                "sink"
            );
        }
        // A server may echo a plain-http webhook: it still parses.
        let echoed = NotificationUrl::parse("http://app.example.com/cb").unwrap();
        assert!(echoed.validate().unwrap_err().rule().contains("https"));
    }

    #[test]
    fn credential_rules() {
        let expires = Timestamp::from_unix(1_700_000_000).unwrap();
        assert!(
            SinkCredential::access_token("t", expires)
                .validate()
                .is_ok()
        );
        let mut plain = SinkCredential::access_token("t", expires);
        plain.credential_type = CredentialType::Plain;
        assert_eq!(plain.validate().unwrap_err().field(), "credentialType");
        let mut untyped = SinkCredential::access_token("t", expires);
        untyped.access_token_type = Some("mac".into());
        assert_eq!(untyped.validate().unwrap_err().field(), "accessTokenType");
        let mut empty = SinkCredential::access_token("", expires);
        assert_eq!(empty.validate().unwrap_err().field(), "accessToken");
        empty.access_token_expires_utc = None;
        empty.access_token = Some("x".into());
        assert_eq!(
            empty.validate().unwrap_err().field(),
            "accessTokenExpiresUtc"
        );
        assert!(
            !format!("{:?}", SinkCredential::access_token("canary-tok", expires))
                .contains("canary")
        );
    }
}
