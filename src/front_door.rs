//! The blocking client in a few lines: presets for T-Mobile and for any
//! CAMARA 1.x operator, over the ureq transport.

use std::sync::Arc;

use qod_ureq::UreqTransport;

use crate::{Builder, SetupError, StdClock};

/// The blocking QoD client over ureq, made by a [`ClientBuilder`]: the core's
/// blocking driver over the ureq transport, the very same type. It is
/// `Send + Sync`: share it between threads behind an `Arc` or a reference;
/// they share its connection pool and token cache, and a burst of calls
/// makes one token request.
///
/// Every call validates its input before anything is sent, gets and
/// refreshes the token, retries what is safe to retry, ends within its time
/// limit and carries an `x-correlator`; see [`Error`](crate::Error) for what
/// a failure tells.
///
/// ```no_run
/// use qod::models::SessionId;
/// let client = qod::ClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
///     .credentials(qod::Credentials::bearer("my-access-token")?)
///     .build()?;
/// let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse()?;
/// let session = client.get_session(id)?;
/// println!("{} until {:?}", session.qos_status, session.expires_at);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Client = qod_core::Client<UreqTransport>;

/// Builds a blocking [`Client`]: the shared [`Builder`] over ureq.
///
/// ```no_run
/// // T-Mobile: client id, secret and the PKCS#8 PEM key that signs PoP tokens.
/// let tmobile = qod::ClientBuilder::tmobile_key_file(
///     qod::TMobileEnvironment::Sandbox, "my-client-id", "my-secret", "private-key.pem",
/// )?.build()?;
///
/// // Any CAMARA 1.x operator with OAuth 2.0 client credentials.
/// let oauth = qod::auth::ClientCredentials::new("https://api.example.com/oauth/token", "id", "secret")?;
/// let camara = qod::ClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
///     .credentials(oauth)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type ClientBuilder = Builder<UreqTransport>;

impl Builder<UreqTransport> {
    /// The blocking client.
    pub fn build(self) -> Result<Client, SetupError> {
        let (core, transport) = self.into_parts();
        Ok(Client::new(transport.build()?, core, Arc::new(StdClock)))
    }
}
