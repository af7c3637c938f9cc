//! The blocking client in a few lines: presets for T-Mobile and for any
//! CAMARA 1.x operator, over the ureq transport.

use std::sync::Arc;

use qod_core::ClientCore;
use qod_ureq::{UreqTransport, UreqTransportBuilder};

use crate::builder_methods::builder_methods;
use crate::{SetupError, StdClock};

/// The blocking QoD client over ureq.
pub type Client = qod_core::Client<UreqTransport>;

/// Builds a blocking [`Client`].
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
///     .credentials(qod::Credentials::ClientCredentials(oauth))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    core: ClientCore,
    transport: UreqTransportBuilder,
}

impl ClientBuilder {
    builder_methods!(UreqTransportBuilder, UreqTransport::builder());

    /// The client.
    pub fn build(self) -> Result<Client, SetupError> {
        let transport = self.transport.build()?;
        Ok(qod_core::Client::new(
            transport,
            self.core,
            Arc::new(StdClock),
        ))
    }
}
