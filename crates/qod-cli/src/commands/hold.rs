//! `qod session run`, `qod session keep` and `qod assignment run`: QoS held
//! for as long as a command runs (or until interrupted), deleted at the end
//! on every way out.

use std::io::IsTerminal;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use clap::{Args, ValueEnum};
use qod::core::keeper::{KeeperEvent, KeeperSettings, Sweep, Watch};
use qod::models::{CreateAssignment, CreateSession, QosStatus};
use qod::{CreatedResource, KeptSession};

use crate::failure::Failure;
use crate::signals;
use crate::stdio::stderr_line;

/// How often the command's end and signals are looked at.
const TICK: Duration = Duration::from_millis(50);

/// What a start-up sweep does with sessions a dead run left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SweepArg {
    /// Delete them, then create
    Delete,
    /// Keep one with the same profile instead of creating
    Adopt,
}

/// How the QoS is held.
#[derive(Debug, Args)]
pub struct HoldArgs {
    /// Run the command at once, without waiting until the QoS is AVAILABLE
    #[arg(long)]
    pub no_wait: bool,
    /// The longest the whole hold may last, in seconds; then the session is
    /// deleted (the command goes on)
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_total: Option<u64>,
    /// Seconds between readings of the session's status
    #[arg(long, value_name = "SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub poll: u64,
    /// How many times to create again after the network ends the session
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub recreate_budget: u32,
    /// Before creating, find the device's sessions a killed run left behind
    /// (QoD 1.x) and delete or adopt them
    #[arg(long, value_enum)]
    pub sweep: Option<SweepArg>,
}

impl HoldArgs {
    fn settings(&self) -> KeeperSettings {
        let mut settings = KeeperSettings::new()
            .with_watch(Watch::Poll {
                interval: Duration::from_secs(self.poll),
            })
            .with_recreate_budget(self.recreate_budget);
        if let Some(seconds) = self.max_total {
            settings = settings.with_max_total(Duration::from_secs(seconds));
        }
        match self.sweep {
            Some(SweepArg::Delete) => settings.with_sweep(Sweep::Delete),
            Some(SweepArg::Adopt) => settings.with_sweep(Sweep::Adopt),
            None => settings,
        }
    }
}

/// The command after `--`, checked.
pub fn command_line(words: &[String]) -> Result<&[String], Failure> {
    match words.first() {
        Some(program) if !program.is_empty() => Ok(words),
        _ => Err(Failure::Input(
            "give the command to run after --, e.g. qod session run --profile QOS_E ... -- ./call.sh"
                .to_owned(),
        )),
    }
}

/// Holds `request` while `command` runs (or, with none, until a signal);
/// returns the exit status to end with.
pub fn hold_session(
    client: qod::Client,
    request: CreateSession,
    args: &HoldArgs,
    command: Option<&[String]>,
) -> Result<i32, Failure> {
    let signals = signals::watch()?;
    let available = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&available);
    let held = KeptSession::start(Arc::new(client), request, args.settings(), move |event| {
        if let KeeperEvent::Created(info)
        | KeeperEvent::StatusChanged(info)
        | KeeperEvent::Adopted(info) = event
        {
            seen.store(info.qos_status == QosStatus::Available, Ordering::Relaxed);
        }
        stderr_line!("qod: {event}");
    })?;
    if !args.no_wait {
        loop {
            if available.load(Ordering::Relaxed) || held.is_finished() {
                break;
            }
            match signals.recv_timeout(TICK) {
                Ok(signal) => {
                    stderr_line!("qod: interrupted before the QoS was available");
                    return finish(held, &signals, 128 + signal);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if held.is_finished() {
            // It ended before the QoS came: its error says why.
            return finish(held, &signals, 1);
        }
    }
    let status = match command {
        Some(words) => run_command(words, &signals)?,
        None => {
            stderr_line!("qod: holding the QoS until interrupted (Ctrl-C)");
            loop {
                if held.is_finished() {
                    break 0;
                }
                match signals.recv_timeout(TICK) {
                    Ok(_) | Err(RecvTimeoutError::Disconnected) => break 0,
                    Err(RecvTimeoutError::Timeout) => {}
                }
            }
        }
    };
    finish(held, &signals, status)
}

/// Holds the QoS assignment `body` while `command` runs: assigned first
/// (and waited for, unless `no_wait`), revoked when the command ends, on
/// a signal too; returns the command's exit status.
pub fn hold_assignment(
    client: qod::Client,
    body: CreateAssignment,
    no_wait: bool,
    command: &[String],
) -> Result<i32, Failure> {
    let signals = signals::watch()?;
    let created = client.create_assignment(&body)?;
    let id = created.assignment_id;
    stderr_line!("qod: assignment {id} created: {}", created.status);
    let mut outcome = Ok(0);
    if !no_wait {
        let decided = client.wait_for_assignment(id, WAIT_INTERVAL, WAIT_LIMIT, |_| {});
        match decided {
            Ok(info) if info.status == QosStatus::Available => {
                stderr_line!("qod: assignment {id} is AVAILABLE");
            }
            Ok(info) => {
                let why = info
                    .status_info
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default();
                outcome = Err(Failure::Other(format!(
                    "assignment {id} is {}{why}",
                    info.status
                )));
            }
            Err(error) => outcome = Err(Failure::Call(error)),
        }
    }
    if outcome.is_ok() {
        outcome = run_command(command, &signals);
    }
    match client.revoke_assignment(id) {
        Ok(_) => stderr_line!("qod: assignment {id} revoked"),
        Err(error) => {
            return Err(Failure::Other(format!(
                "revoking assignment {id} failed: {error}; {}",
                crate::hint::created(CreatedResource::Assignment(id))
            )));
        }
    }
    outcome
}

/// How often, and how long at most, `qod assignment run` waits for the
/// network's decision.
const WAIT_INTERVAL: Duration = Duration::from_secs(1);
const WAIT_LIMIT: Duration = Duration::from_secs(300);

/// Stops the keeper and waits for its delete (a signal stops the wait);
/// a failed delete is the outcome, whatever the command's status.
fn finish(held: KeptSession, signals: &Receiver<i32>, status: i32) -> Result<i32, Failure> {
    let last = held.session().map(|info| info.session_id);
    let (sender, outcome) = channel();
    std::thread::spawn(move || {
        let _ = sender.send(held.stop());
    });
    loop {
        match outcome.recv_timeout(TICK) {
            Ok(Ok(report)) => {
                stderr_line!(
                    "qod: QoS released: {} created, {} extended, {} deleted",
                    report.creates,
                    report.extends,
                    report.deletes
                );
                return Ok(status);
            }
            Ok(Err(error)) => return Err(Failure::Call(error)),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Failure::Other("the keeper ended without a word".to_owned()));
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        if signals.try_recv().is_ok() {
            stderr_line!("qod: stopped waiting for the delete");
            return Err(match last {
                Some(id) => Failure::Other(format!(
                    "the session may still be held; {}",
                    crate::hint::created(CreatedResource::Session(id))
                )),
                None => Failure::Other("stopped waiting for the delete".to_owned()),
            });
        }
    }
}

/// Runs `words`, handing it the signals that reach qod; a second signal
/// ends it. Returns its exit status.
pub fn run_command(words: &[String], signals: &Receiver<i32>) -> Result<i32, Failure> {
    let mut child: Child = Command::new(&words[0])
        .args(&words[1..])
        .spawn()
        .map_err(|e| Failure::Other(format!("cannot run {}: {e}", words[0])))?;
    stderr_line!("qod: running {}", words.join(" "));
    let mut forwarded = 0;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(signals::exit_code(status)),
            Ok(None) => {}
            Err(e) => return Err(Failure::Other(format!("cannot wait for {}: {e}", words[0]))),
        }
        match signals.recv_timeout(TICK) {
            Ok(signal) => {
                forwarded += 1;
                if forwarded == 1 {
                    // Ctrl-C at a terminal reaches the whole foreground
                    // group, the command too: a second SIGINT would be a
                    // second Ctrl-C to it.
                    if signal != signals::SIGINT || !std::io::stdin().is_terminal() {
                        signals::forward(&mut child, signal);
                    }
                } else {
                    stderr_line!("qod: second signal: ending {}", words[0]);
                    let _ = child.kill();
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            // No more signals can come: wait as the timeout would have, not in a hot loop.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(TICK),
        }
    }
}
