//! Reading the key files the flags name, by the library's one reader
//! ([`qod::read_key_file`]: regular files only, at most 64 KiB), with the
//! flag in the error.

use std::path::Path;

use crate::failure::Failure;

/// The bytes of the key file at `path`, which `flag` named.
pub fn read_key_file(flag: &str, path: &Path) -> Result<Vec<u8>, Failure> {
    qod::read_key_file(path).map_err(|error| {
        let why = std::error::Error::source(&error)
            .map_or_else(|| error.to_string(), ToString::to_string);
        Failure::Input(format!("{flag} {}: {why}", path.display()))
    })
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
        assert_eq!(read_key_file("--key", &small).unwrap(), b"key");
        let big = dir.join("big");
        std::fs::write(&big, vec![b'k'; qod::MAX_KEY_FILE as usize + 1]).unwrap();
        let error = read_key_file("--key", &big).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error
                .to_string()
                .ends_with(": larger than 64 KiB: not a key"),
            "{error}"
        );
        for odd in [
            Path::new("/dev/zero"),
            Path::new("/dev/null"),
            dir.as_path(),
        ] {
            let error = read_key_file("--key", odd).unwrap_err();
            assert_eq!(error.exit_code(), 2);
            assert!(
                error.to_string().starts_with("--key ")
                    && error.to_string().contains(": not a regular file"),
                "{error}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
