//! Writing to stdout and stderr without ever panicking.
//!
//! `println!` and `eprintln!` panic when their stream cannot be written (a
//! closed pipe, a full disk), which would turn any exit status into 101.
//! Here stderr failures are ignored (the exit status still tells), and
//! stdout failures are returned for the command to judge: a reader that
//! closed its pipe ends the command quietly with status 0, as ripgrep does
//! (it stopped reading: `qod … | head -1` is not a failure), except where a
//! create's new id would be lost; any other write failure is status 1.

use std::fmt;
use std::io::Write;
use std::sync::OnceLock;

/// Writes `text` to stderr, ignoring failure: a message that cannot be
/// shown must not change the exit status.
pub fn to_stderr(text: fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}

/// `eprintln!` that never panics: see [`to_stderr`].
macro_rules! stderr_line {
    () => {
        $crate::stdio::to_stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdio::to_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use stderr_line;

/// Writes `text` to stdout and flushes it.
pub fn to_stdout(text: &[u8]) -> std::io::Result<()> {
    if stdout_was_closed() {
        return Err(std::io::Error::other("stdout is closed"));
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text).and_then(|()| stdout.flush())
}

/// Whether a closed stdout is what the command was started with.
///
/// Rust's runtime opens `/dev/null` (read-write) in place of a standard
/// descriptor that is closed at start, so `qod … >&-` would write into
/// nothing and succeed. A shell's `>/dev/null` opens it write-only, so the
/// two differ in the access mode (read from `/proc`, Linux only; elsewhere
/// a closed stdout goes unnoticed). `1<>/dev/null` looks closed too.
fn stdout_was_closed() -> bool {
    static CLOSED: OnceLock<bool> = OnceLock::new();
    *CLOSED.get_or_init(|| {
        let is_null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
        is_null
            && std::fs::read_to_string("/proc/self/fdinfo/1")
                .ok()
                .and_then(|info| open_flags(&info))
                .is_some_and(|flags| flags & ACCESS_MODE == READ_WRITE)
    })
}

/// `O_ACCMODE` and `O_RDWR`, the same on every Linux architecture.
const ACCESS_MODE: u32 = 0o3;
const READ_WRITE: u32 = 0o2;

/// The open flags in the text of `/proc/self/fdinfo/N` (`flags:\t0100002`, octal).
fn open_flags(fdinfo: &str) -> Option<u32> {
    fdinfo.lines().find_map(|line| {
        let octal = line.strip_prefix("flags:")?;
        u32::from_str_radix(octal.trim(), 8).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_flags_are_read_as_octal() {
        let info = "pos:\t0\nflags:\t0100002\nmnt_id:\t25\n";
        assert_eq!(open_flags(info).map(|f| f & ACCESS_MODE), Some(READ_WRITE));
        assert_eq!(open_flags("flags:\t01\n"), Some(1));
        assert_eq!(open_flags("pos:\t0\n"), None);
        assert_eq!(open_flags("flags:\tzz\n"), None);
    }
}
