//! SIGINT and SIGTERM for commands that run another program: they arrive
//! on a channel, and are handed on to the program as they came.

use std::process::Child;
use std::sync::mpsc::{Receiver, channel};

use crate::failure::Failure;

/// The number of SIGINT.
pub const SIGINT: i32 = 2;

/// Starts receiving SIGINT and SIGTERM (and SIGHUP): each arrives on the
/// channel as its number, instead of ending the process.
#[cfg(unix)]
pub fn watch() -> Result<Receiver<i32>, Failure> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| Failure::Other(format!("cannot handle signals: {e}")))?;
    let (sender, receiver) = channel();
    std::thread::Builder::new()
        .name("qod-signals".to_owned())
        .spawn(move || {
            for signal in signals.forever() {
                if sender.send(signal).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| Failure::Other(format!("cannot handle signals: {e}")))?;
    Ok(receiver)
}

/// Starts receiving Ctrl-C: each arrives on the channel as SIGINT.
#[cfg(not(unix))]
pub fn watch() -> Result<Receiver<i32>, Failure> {
    let (sender, receiver) = channel();
    ctrlc::set_handler(move || {
        let _ = sender.send(SIGINT);
    })
    .map_err(|e| Failure::Other(format!("cannot handle Ctrl-C: {e}")))?;
    Ok(receiver)
}

/// Hands `signal` on to `child`.
#[cfg(unix)]
pub fn forward(child: &mut Child, signal: i32) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let (Ok(signal), Ok(pid)) = (Signal::try_from(signal), i32::try_from(child.id())) else {
        return;
    };
    // The child may have ended already: nothing to hand on then.
    let _ = kill(Pid::from_raw(pid), signal);
}

/// Ends `child`: other systems have no signal to hand on.
#[cfg(not(unix))]
pub fn forward(child: &mut Child, _signal: i32) {
    let _ = child.kill();
}

/// The exit status a shell reports for `status`: the code, or 128 plus
/// the signal that ended the program.
pub fn exit_code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(1)
}
