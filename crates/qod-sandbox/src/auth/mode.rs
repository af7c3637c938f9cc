//! The auth mode a sandbox is set up with, beside the checks that serve it
//! ([`SandboxConfig`](crate::SandboxConfig) holds one).

use crate::auth::openid::config::OpenIdConfig;
use crate::auth::public_key::ClientPublicKey;

/// Which callers the sandbox accepts.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum SandboxAuth {
    /// Any caller (the quickstart needs no setup).
    #[default]
    None,
    /// Callers presenting one of these bearer tokens. Each token is a
    /// client of its own: a session belongs to the token that created it.
    Bearer(Vec<String>),
    /// RFC 6749 client credentials at `/oauth/token`; API calls need a token it issued.
    ClientCredentials {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
    /// T-Mobile TAAP at `/oauth2/v2/tokens`; every call, the token call
    /// included, needs a valid PoP token signed by the client's key.
    Taap {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
        /// The client's RSA public key, DER `RSAPublicKey` (PKCS#1); see
        /// [`ClientPublicKey`] to read one from a PEM or DER file.
        public_key_der: Vec<u8>,
    },
    /// CAMARA's security profile for one client: discovery at
    /// `/.well-known/openid-configuration`, the token endpoint at
    /// `/oauth2/token` (client credentials, CIBA, JWT Bearer,
    /// authorization code, refresh), CIBA at `/oauth2/bc-authorize`, the
    /// authorization endpoint at `/oauth2/authorize`, ID tokens' keys at
    /// `/oauth2/jwks`. Three-legged tokens name their device, so API calls
    /// made with them must name none (422 `UNNECESSARY_IDENTIFIER`); every
    /// token is held to its scope (403 `PERMISSION_DENIED`).
    ///
    /// ```
    /// use qod_sandbox::{OpenIdConfig, Sandbox, SandboxAuth, SandboxConfig};
    /// let sandbox = Sandbox::start(SandboxConfig {
    ///     auth: SandboxAuth::OpenId(OpenIdConfig::new("app").client_secret("s3cret")),
    ///     ..SandboxConfig::default()
    /// })
    /// .unwrap();
    /// assert_eq!(
    ///     sandbox.openid_configuration_url(),
    ///     Some(format!("{}/.well-known/openid-configuration", sandbox.base_url()))
    /// );
    /// ```
    OpenId(OpenIdConfig),
}

impl SandboxAuth {
    /// T-Mobile TAAP for the client with this id, secret and RSA public
    /// key (PoP tokens are RS256: [`Sandbox::start`](crate::Sandbox::start)
    /// refuses a P-256 key).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let pem = include_bytes!("../../tests/fixtures/test-rsa-2048.spki.pem");
    /// let key = qod_sandbox::ClientPublicKey::from_pem_or_der(pem)?;
    /// let auth = qod_sandbox::SandboxAuth::taap("client-id", "client-secret", &key);
    /// assert_eq!(format!("{auth:?}"), "Taap([redacted])");
    /// # Ok(()) }
    /// ```
    pub fn taap(client_id: &str, client_secret: &str, key: &ClientPublicKey) -> SandboxAuth {
        SandboxAuth::Taap {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            public_key_der: key.pkcs1_der().unwrap_or_default().to_vec(),
        }
    }

    /// The token endpoint's path, for the modes that have one.
    pub(crate) fn token_path(&self) -> Option<&'static str> {
        match self {
            SandboxAuth::ClientCredentials { .. } => Some("/oauth/token"),
            SandboxAuth::Taap { .. } => Some("/oauth2/v2/tokens"),
            SandboxAuth::OpenId(_) => Some(crate::auth::openid::discovery::TOKEN_PATH),
            SandboxAuth::None | SandboxAuth::Bearer(_) => None,
        }
    }
}

impl std::fmt::Debug for SandboxAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SandboxAuth::None => "None",
            SandboxAuth::Bearer(_) => "Bearer([redacted])",
            SandboxAuth::ClientCredentials { .. } => "ClientCredentials([redacted])",
            SandboxAuth::Taap { .. } => "Taap([redacted])",
            // Its Debug shows the client id and hides the secret.
            SandboxAuth::OpenId(config) => return f.debug_tuple("OpenId").field(config).finish(),
        })
    }
}
