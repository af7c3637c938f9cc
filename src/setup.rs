//! What the blocking and the async front door share: why setting up a client
//! can fail, the T-Mobile presets and reading the key file.

use std::path::PathBuf;

use qod_core::auth::AuthError;
use qod_core::{EndpointError, TransportError};

/// Why a client could not be set up. Nothing was sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The base URL is unusable.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The credentials are unusable (e.g. a malformed key).
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The private key file cannot be read.
    #[error("cannot read the private key file {}: {source}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The transport cannot be built (e.g. a bad root certificate).
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// A T-Mobile environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TMobileEnvironment {
    /// `https://naas.t-mobile.com/qod/v0`.
    Production,
    /// `https://naas-sandbox.t-mobile.com/qod/v0`.
    Sandbox,
}

/// The endpoint and TAAP credentials of a T-Mobile client.
#[cfg(feature = "tmobile")]
pub(crate) fn tmobile(
    environment: TMobileEnvironment,
    client_id: &str,
    client_secret: &str,
    private_key_pem: &[u8],
) -> Result<(qod_core::Endpoint, qod_core::Credentials), SetupError> {
    let endpoint = match environment {
        TMobileEnvironment::Production => qod_core::Endpoint::tmobile_production(),
        TMobileEnvironment::Sandbox => qod_core::Endpoint::tmobile_sandbox(),
    };
    let taap =
        qod_core::auth::TaapCredentials::from_pem(client_id, client_secret, private_key_pem)?;
    Ok((endpoint, qod_core::Credentials::TMobile(taap)))
}

/// Reads a private key file: the one place both front doors read it.
#[cfg(feature = "tmobile")]
pub(crate) fn read_key_file(path: &std::path::Path) -> Result<Vec<u8>, SetupError> {
    std::fs::read(path).map_err(|source| SetupError::KeyFile {
        path: path.to_owned(),
        source,
    })
}
