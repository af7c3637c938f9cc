//! How the OpenID mode is set up: the one client it knows, how that client
//! authenticates, and the timing of CIBA's scripted approvals.

use std::time::Duration;

use crate::auth::public_key::ClientPublicKey;

/// The OpenID mode's settings ([`SandboxAuth::OpenId`](crate::SandboxAuth::OpenId)):
/// one client, known by its id, authenticating with its secret
/// (`client_secret_basic` or `client_secret_post`), its registered public
/// key (`private_key_jwt`, and JWT Bearer assertions), or either.
///
/// Access tokens live [`SandboxConfig::token_lifetime`](crate::SandboxConfig::token_lifetime),
/// as in every mode. The CIBA defaults are short, so that tests run fast:
/// approval after 1 s, polls at most every 1 s, requests expiring after 10 s.
///
/// ```
/// use std::time::Duration;
/// use qod_sandbox::{ClientPublicKey, OpenIdConfig};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let pem = include_bytes!("../../../tests/fixtures/test-ec-p256.spki.pem");
/// // The client's public key: RSA or P-256, PEM or DER.
/// let key = ClientPublicKey::from_pem_or_der(pem)?;
/// let config = OpenIdConfig::new("my-client")
///     .client_secret("s3cret")
///     .client_public_key(key)
///     .issuer("https://qod-sandbox.example") // behind a proxy
///     .ciba_interval(Duration::ZERO) // as Vodafone answers
///     .ciba_approval_delay(Duration::from_millis(200))
///     .ciba_expires_in(Duration::from_secs(120));
/// assert_eq!(config.client_id(), "my-client");
/// assert!(!format!("{config:?}").contains("s3cret"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct OpenIdConfig {
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
    pub(crate) client_key: Option<ClientPublicKey>,
    pub(crate) issuer: Option<String>,
    pub(crate) ciba_approval_delay: Duration,
    pub(crate) ciba_interval: Duration,
    pub(crate) ciba_expires_in: Duration,
    pub(crate) refresh_token_lifetime: Duration,
}

impl OpenIdConfig {
    /// The settings for the client `client_id`, with no way to
    /// authenticate yet: give it a [secret](Self::client_secret), a
    /// [public key](Self::client_public_key), or both.
    pub fn new(client_id: &str) -> OpenIdConfig {
        OpenIdConfig {
            client_id: client_id.to_owned(),
            client_secret: None,
            client_key: None,
            issuer: None,
            ciba_approval_delay: Duration::from_secs(1),
            ciba_interval: Duration::from_secs(1),
            ciba_expires_in: Duration::from_secs(10),
            refresh_token_lifetime: Duration::from_secs(24 * 3600),
        }
    }

    /// The client secret, checked in `client_secret_basic` (RFC 6749
    /// 2.3.1) and `client_secret_post`.
    #[must_use]
    pub fn client_secret(mut self, secret: &str) -> OpenIdConfig {
        self.client_secret = Some(secret.to_owned());
        self
    }

    /// The client's registered public key (RSA for RS256, P-256 for
    /// ES256), checking its `private_key_jwt` client assertions and its
    /// JWT Bearer grants.
    #[must_use]
    pub fn client_public_key(mut self, key: ClientPublicKey) -> OpenIdConfig {
        self.client_key = Some(key);
        self
    }

    /// The issuer the discovery document names, and the base of the
    /// endpoint URLs in it (`https://gw.example` for a sandbox behind a
    /// proxy). By default it is `http://` and the request's `Host`.
    #[must_use]
    pub fn issuer(mut self, issuer: &str) -> OpenIdConfig {
        self.issuer = Some(issuer.trim_end_matches('/').to_owned());
        self
    }

    /// How long after `bc-authorize` an ordinary subscriber approves
    /// (and the scripted numbers approve or deny), at most a day.
    #[must_use]
    pub fn ciba_approval_delay(mut self, delay: Duration) -> OpenIdConfig {
        self.ciba_approval_delay = delay;
        self
    }

    /// The least time between two polls of one request; `bc-authorize`
    /// answers it in whole seconds, rounded up. Zero imitates Vodafone,
    /// which answers `"interval": 0`; then only the scripted number slows
    /// down. At most a day.
    #[must_use]
    pub fn ciba_interval(mut self, interval: Duration) -> OpenIdConfig {
        self.ciba_interval = interval;
        self
    }

    /// How long a request may be polled before it is `expired_token`, 1 s
    /// to a day; `bc-authorize` answers it in whole seconds, rounded down.
    #[must_use]
    pub fn ciba_expires_in(mut self, expires_in: Duration) -> OpenIdConfig {
        self.ciba_expires_in = expires_in;
        self
    }

    /// How long a refresh token may be used (CIBA and the authorization
    /// code flow issue one when the scope has `offline_access`), at most
    /// a year; a day by default.
    #[must_use]
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> OpenIdConfig {
        self.refresh_token_lifetime = lifetime;
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// What cannot be served with, or `None`.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.client_id.is_empty() {
            return Some("the OpenID client id must not be empty".to_owned());
        }
        if self.client_secret.as_deref().is_some_and(str::is_empty) {
            return Some("the OpenID client secret must not be empty".to_owned());
        }
        if self.client_secret.is_none() && self.client_key.is_none() {
            return Some(
                "the OpenID client needs a secret, a public key or both to authenticate".to_owned(),
            );
        }
        if self.ciba_expires_in < Duration::from_secs(1) {
            return Some("the CIBA expires_in must be at least 1 s".to_owned());
        }
        // Bounds that keep every instant computed from them representable.
        for (name, value, most) in [
            ("CIBA expires_in", self.ciba_expires_in, DAY),
            ("CIBA interval", self.ciba_interval, DAY),
            ("CIBA approval delay", self.ciba_approval_delay, DAY),
            (
                "refresh token lifetime",
                self.refresh_token_lifetime,
                365 * DAY,
            ),
        ] {
            if value > most {
                return Some(format!("the {name} must be at most {} s", most.as_secs()));
            }
        }
        if let Some(issuer) = &self.issuer
            && !valid_issuer(issuer)
        {
            return Some(format!(
                "the issuer {issuer:?} must be an http or https URL without query or fragment"
            ));
        }
        None
    }

    /// The client authentication methods it can check, as discovery names them.
    pub(crate) fn auth_methods(&self) -> Vec<&'static str> {
        let mut methods = Vec::new();
        if self.client_secret.is_some() {
            methods.extend(["client_secret_basic", "client_secret_post"]);
        }
        if self.client_key.is_some() {
            methods.push("private_key_jwt");
        }
        methods
    }
}

const DAY: Duration = Duration::from_secs(24 * 3600);

/// An absolute http(s) URL with a host, no query and no fragment.
fn valid_issuer(issuer: &str) -> bool {
    let Ok(uri) = issuer.parse::<http::Uri>() else {
        return false;
    };
    matches!(uri.scheme_str(), Some("http" | "https"))
        && uri.host().is_some_and(|h| !h.is_empty())
        && uri.query().is_none()
        && !issuer.contains('#')
}

impl std::fmt::Debug for OpenIdConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenIdConfig")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("client_key", &self.client_key)
            .field("issuer", &self.issuer)
            .field("ciba_approval_delay", &self.ciba_approval_delay)
            .field("ciba_interval", &self.ciba_interval)
            .field("ciba_expires_in", &self.ciba_expires_in)
            .field("refresh_token_lifetime", &self.refresh_token_lifetime)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_it_refuses() {
        assert!(OpenIdConfig::new("a").problem().unwrap().contains("secret"));
        assert!(OpenIdConfig::new("").client_secret("s").problem().is_some());
        assert!(OpenIdConfig::new("a").client_secret("").problem().is_some());
        assert_eq!(OpenIdConfig::new("a").client_secret("s").problem(), None);
        let with = |issuer: &str| OpenIdConfig::new("a").client_secret("s").issuer(issuer);
        assert_eq!(with("https://gw.example/").problem(), None);
        assert_eq!(
            with("https://gw.example/").issuer.as_deref(),
            Some("https://gw.example")
        );
        for bad in [
            "gw.example",
            "ftp://gw.example",
            "https://gw.example/?a=b",
            "https://gw.example/#f",
            "https://",
        ] {
            assert!(with(bad).problem().is_some(), "{bad}");
        }
        let short = OpenIdConfig::new("a")
            .client_secret("s")
            .ciba_expires_in(Duration::from_millis(999));
        assert!(short.problem().unwrap().contains("expires_in"));
        let long = OpenIdConfig::new("a").client_secret("s");
        for config in [
            long.clone().ciba_interval(Duration::MAX),
            long.clone()
                .ciba_approval_delay(Duration::from_secs(86_401)),
            long.clone().refresh_token_lifetime(Duration::MAX),
        ] {
            assert!(config.problem().unwrap().contains("at most"), "{config:?}");
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let config = OpenIdConfig::new("id").client_secret("hunter2-secret");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert_eq!(
            config.auth_methods(),
            ["client_secret_basic", "client_secret_post"]
        );
    }
}
