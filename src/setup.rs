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
    /// The key file cannot be read, or is larger than
    /// [`MAX_KEY_FILE`].
    #[error("cannot read the key file {}", path.display())]
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

/// The largest key file read: 64 KiB, far above any PEM or DER key
/// (an RSA-4096 private key is about 3 KiB), so that a wrong path such as a
/// device or a huge file fails at once instead of filling memory.
pub const MAX_KEY_FILE: u64 = 64 * 1024;

/// Reads a key file (a PEM private key, a public key), refusing one larger
/// than [`MAX_KEY_FILE`]: the one place the library, the builders and the
/// command read a key.
///
/// ```
/// // A device, a FIFO or a directory is refused before it is opened: reading
/// // one could block for ever or never end.
/// let error = qod::read_key_file("/dev/zero").unwrap_err();
/// assert!(std::error::Error::source(&error).unwrap().to_string().contains("not a regular file"));
/// ```
pub fn read_key_file(path: impl AsRef<Path>) -> Result<Vec<u8>, SetupError> {
    let path = path.as_ref();
    let failed = |source| SetupError::KeyFile {
        path: path.to_owned(),
        source,
    };
    let not_regular = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO or a device could block for ever)",
        )
    };
    // Opening a FIFO blocks until a writer comes, so look before opening.
    // A file swapped for a FIFO between the look and the open still blocks:
    // only a non-blocking open would close that gap, and std has none.
    if !std::fs::metadata(path).map_err(failed)?.is_file() {
        return Err(failed(not_regular()));
    }
    let file = std::fs::File::open(path).map_err(failed)?;
    if !file.metadata().map_err(failed)?.is_file() {
        return Err(failed(not_regular()));
    }
    let mut pem = Vec::new();
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut pem)
        .map_err(failed)?;
    if pem.len() as u64 > MAX_KEY_FILE {
        return Err(failed(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} KiB: not a key", MAX_KEY_FILE / 1024),
        )));
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("qod-setup-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    fn cause(error: SetupError) -> String {
        std::error::Error::source(&error).unwrap().to_string()
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let fifo = scratch("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("no mkfifo on this machine: skipped");
            return;
        }
        // Before the fix, opening it blocked this thread for ever.
        let (sender, receiver) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || sender.send(read_key_file(&path).map(|_| ())));
        let result = receiver
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("reading a FIFO must not block");
        let _ = std::fs::remove_file(&fifo);
        assert!(cause(result.unwrap_err()).contains("not a regular file"));
    }

    #[test]
    fn a_directory_and_an_oversized_file_are_refused() {
        let error = read_key_file(std::env::temp_dir()).unwrap_err();
        assert!(cause(error).contains("not a regular file"));
        let big = scratch("big");
        std::fs::write(&big, vec![b'a'; 64 * 1024 + 1]).unwrap();
        let error = read_key_file(&big).unwrap_err();
        let _ = std::fs::remove_file(&big);
        assert!(cause(error).contains("larger than 64 KiB"));
    }
}
