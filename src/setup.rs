//! What the blocking and the async front door share: why setting up a client
//! can fail, the T-Mobile presets and reading the key file.

use std::io::Read;
use std::path::{Path, PathBuf};

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
    /// The private key file cannot be read, or is larger than
    /// [`MAX_PRIVATE_KEY_FILE`].
    #[error("cannot read the private key file {}", path.display())]
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

/// The largest private key file read: 64 KiB, far above any PEM key
/// (an RSA-4096 key is about 3 KiB), so that a wrong path such as a device
/// or a huge file fails at once instead of filling memory.
pub const MAX_PRIVATE_KEY_FILE: u64 = 64 * 1024;

/// Reads a PEM private key file, refusing one larger than
/// [`MAX_PRIVATE_KEY_FILE`]: the one place both front doors read it.
///
/// ```
/// let error = qod::read_private_key_file("/dev/zero").unwrap_err();
/// assert!(std::error::Error::source(&error).unwrap().to_string().contains("64 KiB"));
/// ```
pub fn read_private_key_file(path: impl AsRef<Path>) -> Result<Vec<u8>, SetupError> {
    let path = path.as_ref();
    let failed = |source| SetupError::KeyFile {
        path: path.to_owned(),
        source,
    };
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_PRIVATE_KEY_FILE + 1).read_to_end(&mut pem))
        .map_err(failed)?;
    if pem.len() as u64 > MAX_PRIVATE_KEY_FILE {
        return Err(failed(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} KiB: not a PEM private key",
                MAX_PRIVATE_KEY_FILE / 1024
            ),
        )));
    }
    Ok(pem)
}
