//! What `session wait` and `assignment wait` show on stderr while it polls: a spinner on a
//! terminal, otherwise one line per status change, so that a CI log shows
//! progress as it happens.

use std::io::IsTerminal;
use std::time::Instant;

use qod::models::{AssignmentInfo, SessionInfo};

use crate::stdio::{stderr_line, to_stderr};

/// A reading `wait` shows: what it is, and its status.
pub trait Reading {
    /// E.g. `session 3fa85f64-…`.
    fn what(&self) -> String;
    /// The status, with the reason when there is one.
    fn status(&self) -> String;
}

impl Reading for SessionInfo {
    fn what(&self) -> String {
        format!("session {}", self.session_id)
    }

    fn status(&self) -> String {
        match &self.status_info {
            Some(why) => format!("{} ({why})", self.qos_status),
            None => self.qos_status.to_string(),
        }
    }
}

impl Reading for AssignmentInfo {
    fn what(&self) -> String {
        format!("assignment {}", self.assignment_id)
    }

    fn status(&self) -> String {
        match &self.status_info {
            Some(why) => format!("{} ({why})", self.status),
            None => self.status.to_string(),
        }
    }
}

/// Progress on stderr while `wait` polls.
pub struct Progress {
    spinner: bool,
    started: Instant,
    ticks: usize,
    last: Option<String>,
}

impl Progress {
    /// A spinner when stderr is a terminal, status lines otherwise.
    pub fn new() -> Self {
        Progress::on_terminal(std::io::stderr().is_terminal())
    }

    fn on_terminal(spinner: bool) -> Self {
        Progress {
            spinner,
            started: Instant::now(),
            ticks: 0,
            last: None,
        }
    }

    /// Shows a reading: the spinner turns; a line is printed when the
    /// status differs from the last one printed.
    pub fn show(&mut self, info: &impl Reading) {
        if let Some(line) = self.line(info) {
            to_stderr(format_args!("{line}"));
        }
    }

    /// What [`show`](Self::show) prints for `info`, if anything.
    fn line(&mut self, info: &impl Reading) -> Option<String> {
        let status = info.status();
        // The status is the server's text: escaped, as every error is.
        let status = qod::core::printable(&status).into_owned();
        let seconds = self.started.elapsed().as_secs_f64();
        if self.spinner {
            const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
            self.ticks += 1;
            let frame = FRAMES[self.ticks % FRAMES.len()];
            return Some(format!("\r{frame} {status} ({seconds:.0}s)   "));
        }
        if self.last.as_deref() == Some(status.as_str()) {
            return None;
        }
        let line = format!("{} {status} after {seconds:.1}s\n", info.what());
        self.last = Some(status);
        Some(line)
    }

    /// Ends the spinner's line.
    pub fn finish(&self) {
        if self.spinner {
            stderr_line!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(status: &str) -> SessionInfo {
        serde_json::from_value(serde_json::json!({
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "qosProfile": "QOS_E",
            "duration": 60,
            "qosStatus": status,
        }))
        .unwrap()
    }

    #[test]
    fn without_a_terminal_one_line_per_status_change() {
        let mut progress = Progress::on_terminal(false);
        let lines: Vec<String> = ["REQUESTED", "REQUESTED", "AVAILABLE", "AVAILABLE"]
            .into_iter()
            .filter_map(|status| progress.line(&reading(status)))
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("session 3fa85f64-5717-4562-b3fc-2c963f66afa6 REQUESTED after "),
            "{lines:?}"
        );
        assert!(lines[1].contains(" AVAILABLE after "), "{lines:?}");
        assert!(lines.iter().all(|line| line.ends_with('\n')));
    }

    #[test]
    fn assignments_are_named_as_such() {
        let mut progress = Progress::on_terminal(false);
        let reading: AssignmentInfo = serde_json::from_value(serde_json::json!({
            "assignmentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "qosProfile": "QOS_L",
            "status": "UNAVAILABLE",
            "statusInfo": "NETWORK_TERMINATED",
        }))
        .unwrap();
        let line = progress.line(&reading).unwrap();
        assert!(
            line.starts_with(
                "assignment 3fa85f64-5717-4562-b3fc-2c963f66afa6 UNAVAILABLE (NETWORK_TERMINATED) after "
            ),
            "{line}"
        );
    }

    #[test]
    fn a_server_status_cannot_forge_lines() {
        let mut progress = Progress::on_terminal(false);
        let line = progress.line(&reading("AVAILABLE\nerror: forged")).unwrap();
        assert_eq!(line.matches('\n').count(), 1, "{line:?}");
    }
}
