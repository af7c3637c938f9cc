//! The async client in a few lines, on tokio over the reqwest transport: the
//! blocking front door's constructors and setters, by the same names.

use std::sync::Arc;

use qod_reqwest::{ReqwestTransport, TokioClock};

use crate::{Builder, SetupError};

/// The async QoD client over reqwest, for tokio, made by an
/// [`AsyncClientBuilder`]: the core's async driver over the reqwest
/// transport, the very same type, with the blocking client's methods by the
/// same names, awaited. Its futures are `Send`; share it between tasks
/// behind an `Arc`: they share its connection pool and token cache, and a
/// burst of calls makes one token request while the others wait without
/// blocking a thread. Its calls must run on a tokio runtime with I/O and
/// time enabled (`#[tokio::main]` enables both).
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use qod::models::SessionId;
/// let client = qod::AsyncClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
///     .credentials(qod::Credentials::bearer("my-access-token")?)
///     .build()?;
/// let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse()?;
/// let session = client.get_session(id).await?;
/// println!("{} until {:?}", session.qos_status, session.expires_at);
/// # Ok(())
/// # }
/// ```
pub type AsyncClient = qod_core::AsyncClient<ReqwestTransport>;

/// Builds an [`AsyncClient`]: the shared [`Builder`] over reqwest.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use qod::models::SessionId;
///
/// // Any CAMARA 1.x operator with OAuth 2.0 client credentials.
/// let oauth = qod::auth::ClientCredentials::new("https://api.example.com/oauth/token", "id", "secret")?;
/// let client = qod::AsyncClientBuilder::new("https://api.example.com/quality-on-demand/v1")?
///     .credentials(qod::Credentials::ClientCredentials(oauth))
///     .timeout(std::time::Duration::from_secs(10))
///     .build()?;
/// let session_id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse()?;
/// let session = client.get_session(session_id).await?;
/// println!("{} is {}", session.session_id, session.qos_status);
/// # Ok(())
/// # }
/// ```
pub type AsyncClientBuilder = Builder<ReqwestTransport>;

impl Builder<ReqwestTransport> {
    /// The async client. Its calls must run on a tokio runtime with I/O and
    /// time enabled (`#[tokio::main]` enables both).
    pub fn build(self) -> Result<AsyncClient, SetupError> {
        let (core, transport) = self.into_parts();
        Ok(AsyncClient::new(
            transport.build()?,
            core,
            Arc::new(TokioClock),
        ))
    }
}
