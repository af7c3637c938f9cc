//! Reading the files the flags name (key files): regular files only, and
//! no more than a limit, so that a wrong path fails at once.

use std::io::Read;
use std::path::Path;

use crate::failure::Failure;

/// The bytes of the regular file at `path`, which `flag` named: at most
/// `limit` bytes, else `too_large` is the error's reason.
///
/// A FIFO, a device or a directory is refused before it is opened, since
/// opening a FIFO blocks until a writer comes and a device may never end.
/// The opened file is checked again, in case the path changed in between;
/// a FIFO put there in that moment can still block the open itself (only
/// `O_NONBLOCK` would prevent that), but only whoever can already write the
/// key's directory can do so.
pub fn read_regular_file(
    flag: &str,
    path: &Path,
    limit: u64,
    too_large: &str,
) -> Result<Vec<u8>, Failure> {
    let failed = |why: String| Failure::Input(format!("{flag} {}: {why}", path.display()));
    let not_regular = || failed("not a regular file".to_owned());
    let metadata = std::fs::metadata(path).map_err(|e| failed(e.to_string()))?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path).map_err(|e| failed(e.to_string()))?;
    if !file
        .metadata()
        .map_err(|e| failed(e.to_string()))?
        .is_file()
    {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| failed(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(failed(too_large.to_owned()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = std::env::temp_dir().join(format!("qod-cli-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small");
        std::fs::write(&small, b"key").unwrap();
        assert_eq!(
            read_regular_file("--key", &small, 3, "too large").unwrap(),
            b"key"
        );
        let error = read_regular_file("--key", &small, 2, "too large").unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().ends_with(": too large"), "{error}");
        for odd in [
            Path::new("/dev/zero"),
            Path::new("/dev/null"),
            dir.as_path(),
        ] {
            let error = read_regular_file("--key", odd, 3, "too large").unwrap_err();
            assert_eq!(error.exit_code(), 2);
            assert!(
                error.to_string().starts_with("--key ")
                    && error.to_string().ends_with(": not a regular file"),
                "{error}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
