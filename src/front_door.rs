//! The blocking client in a few lines: presets for T-Mobile and for any
//! CAMARA 1.x operator, over the ureq transport.

use std::sync::Arc;

use qod_core::ClientCore;
use qod_ureq::{UreqTransport, UreqTransportBuilder};

use crate::builder_methods::builder_methods;
use crate::front_door_client::front_door_client;
use crate::{SetupError, StdClock};

front_door_client! {
    /// The blocking QoD client over ureq, made by a [`ClientBuilder`]. It is
    /// `Send + Sync`: share it between threads behind an `Arc` or a
    /// reference; they share its connection pool and token cache, and a
    /// burst of calls makes one token request.
    ///
    /// Every call validates its input before anything is sent, gets and
    /// refreshes the token, retries what is safe to retry and carries an
    /// `x-correlator`; see [`Error`](crate::Error) for what a failure tells.
    /// The examples of its methods use a `client` made like this one:
    ///
    /// ```no_run
    /// let client = qod::ClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
    ///     .credentials(qod::Credentials::bearer("my-access-token")?)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub struct Client(qod_core::Client<UreqTransport>) over UreqTransport;
    ;
    operation: [],
    output: [],
    on_poll: [],
    prelude: "# let client = qod::ClientBuilder::new(\"https://api.example.com/quality-on-demand/v1\")?.build()?;\n",
    await: "",
    epilogue: "# Ok::<(), Box<dyn std::error::Error>>(())\n",
}

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
        Ok(Client(qod_core::Client::new(
            transport,
            self.core,
            Arc::new(StdClock),
        )))
    }
}
