//! `qod sandbox`: the offline server in the foreground until Ctrl-C or SIGTERM.

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

use qod_sandbox::{Sandbox, SandboxConfig};

use crate::cli::SandboxArgs;
use crate::failure::Failure;

pub fn run(args: &SandboxArgs) -> Result<(), Failure> {
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|e| Failure::Other(format!("cannot handle signals: {e}")))?;
    let config = SandboxConfig {
        address: args.addr.clone(),
        available_after: Duration::from_millis(args.available_after_ms),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config)
        .map_err(|e| Failure::Other(format!("cannot listen on {}: {e}", args.addr)))?;
    {
        let mut stdout = std::io::stdout().lock();
        let urls = format!(
            "{}\n{}\n{}\n",
            sandbox.v0_url(),
            sandbox.v1_url(),
            sandbox.profiles_url()
        );
        stdout
            .write_all(urls.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::Other(format!("cannot write the URLs: {e}")))?;
    }
    eprintln!("qod sandbox: serving QoD 0.10.1, 1.1.0 and QoS Profiles 1.1.0; Ctrl-C to stop");
    let _ = stopped.recv();
    let stats = sandbox.stats();
    sandbox.stop();
    eprintln!(
        "qod sandbox: stopped after {} requests, {} sessions created",
        stats.requests, stats.sessions_created
    );
    Ok(())
}
