//! The session and profile commands.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant, SystemTime};

use qod::models::{
    ApplicationServer, CreateSession, Ipv4Network, Ipv6Network, NotificationToken, NotificationUrl,
    PortsSpec, QosProfileFilter, QosProfileName, QosProfileStatus, QosStatus, SessionId,
    SinkCredential, SinkUrl, Timestamp, ValidationError, Webhook, redact_secrets,
};
use qod::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetQosProfileOp, GetSessionOp,
    ListQosProfilesOp, RetrieveSessionsOp,
};
use qod::{CallOptions, Operation};
use serde::Serialize;

use crate::cli::{CreateArgs, GlobalOptions, OutputOptions, ProfileCommand, SessionCommand};
use crate::failure::Failure;
use crate::setup;

/// `json` with the invisible direction and format marks a server may put
/// in its strings written as `\uXXXX` escapes, so that they cannot reorder
/// what a terminal shows (serde_json already escapes control characters).
/// Outside strings JSON is ASCII, so the text stays valid JSON.
fn escape_invisible_marks(json: String) -> String {
    let invisible = |c: char| matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
    if !json.contains(invisible) {
        return json;
    }
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if invisible(c) {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// Writes `value` as JSON on stdout: pretty on a terminal, one line
/// otherwise, and with the secrets a server echoed redacted unless asked.
fn print_json<T: Serialize>(value: &T, output: &OutputOptions) -> Result<(), Failure> {
    let encode_failed =
        |e: serde_json::Error| Failure::Other(format!("cannot encode the output: {e}"));
    let mut value = serde_json::to_value(value).map_err(encode_failed)?;
    if !output.show_secrets {
        redact_secrets(&mut value);
    }
    let stdout = std::io::stdout();
    let text = if stdout.is_terminal() {
        serde_json::to_string_pretty(&value)
    } else {
        serde_json::to_string(&value)
    }
    .map_err(encode_failed)?;
    writeln!(stdout.lock(), "{}", escape_invisible_marks(text))
        .map_err(|e| Failure::Other(format!("cannot write the output: {e}")))
}

fn session_id(text: &str) -> Result<SessionId, Failure> {
    Ok(SessionId::parse(text)?)
}

fn run<O: Operation>(
    client: &qod::Client,
    operation: &O,
    options: &CallOptions,
) -> Result<O::Output, Failure> {
    Ok(client.execute(operation, options)?)
}

fn flag<T>(
    value: Option<&str>,
    flag: &'static str,
    parse: impl Fn(&str) -> Result<T, ValidationError>,
) -> Result<Option<T>, Failure> {
    value
        .map(|v| parse(v).map_err(|e| Failure::from(e.renamed(flag))))
        .transpose()
}

fn create_body(args: &CreateArgs) -> Result<CreateSession, Failure> {
    let device = args.device.to_device()?;
    let mut body = CreateSession::new(
        device,
        QosProfileName::parse(args.profile.as_str()).map_err(|e| e.renamed("--profile"))?,
    );
    if args.device.is_empty() {
        body.device = None;
    }
    body.duration = args.duration;
    let ipv4 = flag(
        args.app_server_ipv4.as_deref(),
        "--app-server-ipv4",
        |text| {
            let network: Ipv4Network = text.parse()?;
            network.validate().map(|()| network)
        },
    )?;
    let ipv6 = flag(
        args.app_server_ipv6.as_deref(),
        "--app-server-ipv6",
        |text| {
            let network: Ipv6Network = text.parse()?;
            network.validate().map(|()| network)
        },
    )?;
    if ipv4.is_some() || ipv6.is_some() {
        body.application_server = Some(ApplicationServer {
            ipv4_address: ipv4,
            ipv6_address: ipv6,
        });
    }
    body.device_ports = flag(
        args.device_ports.as_deref(),
        "--device-ports",
        str::parse::<PortsSpec>,
    )?;
    body.application_server_ports = flag(
        args.app_server_ports.as_deref(),
        "--app-server-ports",
        str::parse::<PortsSpec>,
    )?;
    if let Some(url) = &args.webhook_url {
        body.webhook = Some(Webhook {
            notification_url: NotificationUrl::parse(url.as_str())
                .and_then(|url| url.validate().map(|()| url))
                .map_err(|e| e.renamed("--webhook-url"))?,
            notification_auth_token: flag(args.webhook_token.as_deref(), "--webhook-token", |t| {
                NotificationToken::parse(t)
            })?,
        });
    }
    if let Some(sink) = &args.sink {
        let sink = SinkUrl::parse(sink.as_str())
            .and_then(|sink| sink.validate().map(|()| sink))
            .map_err(|e| e.renamed("--sink"))?;
        // The token must outlive the session, or notifications stop: a day past its end.
        let lifetime = u64::from(args.duration.unwrap_or(86_400)) + 86_400;
        let credential = match &args.sink_token {
            Some(token) => {
                let expires = SystemTime::now() + Duration::from_secs(lifetime);
                let seconds = expires
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let expires = Timestamp::from_unix(i64::try_from(seconds).unwrap_or(i64::MAX))
                    .ok_or_else(|| {
                        Failure::Input("--sink-token: cannot compute its expiry".to_owned())
                    })?
                    .with_format(qod::models::TimestampFormat::Rfc3339);
                Some(SinkCredential::access_token(token.as_str(), expires))
            }
            None => None,
        };
        body = body.with_sink(sink, credential);
    }
    Ok(body)
}

/// A spinner on stderr while `wait` polls, only on a terminal.
struct Progress {
    enabled: bool,
    started: Instant,
    ticks: usize,
}

impl Progress {
    fn new() -> Self {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            ticks: 0,
        }
    }

    fn show(&mut self, status: &QosStatus) {
        if self.enabled {
            const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
            self.ticks += 1;
            // The status is the server's text: escaped, as every error is.
            eprint!(
                "\r{} {} ({}s)   ",
                FRAMES[self.ticks % FRAMES.len()],
                qod::core::printable(&status.to_string()),
                self.started.elapsed().as_secs()
            );
        }
    }

    fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

pub fn session(
    options: &GlobalOptions,
    output: &OutputOptions,
    command: &SessionCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    // Inputs are checked before the client (and any token request) exists.
    match command {
        SessionCommand::Create(args) => {
            let operation = CreateSessionOp::new(create_body(args)?);
            let client = setup::client(options)?;
            print_json(&run(&client, &operation, &call)?, output)
        }
        SessionCommand::Get { id } => {
            let operation = GetSessionOp::new(session_id(id)?);
            print_json(&run(&setup::client(options)?, &operation, &call)?, output)
        }
        SessionCommand::Delete { id } => {
            let operation = DeleteSessionOp::new(session_id(id)?);
            run(&setup::client(options)?, &operation, &call)
        }
        SessionCommand::Extend { id, seconds } => {
            let operation = ExtendSessionOp::new(session_id(id)?, *seconds);
            print_json(&run(&setup::client(options)?, &operation, &call)?, output)
        }
        SessionCommand::List(device) => {
            let device = if device.is_empty() {
                None
            } else {
                Some(device.to_device()?)
            };
            print_json(
                &run(
                    &setup::client(options)?,
                    &RetrieveSessionsOp::new(device),
                    &call,
                )?,
                output,
            )
        }
        SessionCommand::Wait {
            id,
            interval,
            max_wait,
        } => {
            let id = session_id(id)?;
            let client = setup::client(options)?;
            let mut progress = Progress::new();
            let result =
                client.wait_for_session(id, *interval, Duration::from_secs(*max_wait), |info| {
                    progress.show(&info.qos_status);
                });
            progress.finish();
            print_json(&result?, output)
        }
    }
}

pub fn profile(
    options: &GlobalOptions,
    output: &OutputOptions,
    command: &ProfileCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    match command {
        ProfileCommand::Get { name } => {
            let operation = GetQosProfileOp::new(QosProfileName::parse(name.as_str())?);
            print_json(&run(&setup::client(options)?, &operation, &call)?, output)
        }
        ProfileCommand::List {
            name,
            status,
            device,
        } => {
            let filter = QosProfileFilter {
                device: if device.is_empty() {
                    None
                } else {
                    Some(device.to_device()?)
                },
                name: flag(name.as_deref(), "--name", |n| QosProfileName::parse(n))?,
                status: status.as_deref().map(QosProfileStatus::from),
            };
            print_json(
                &run(
                    &setup::client(options)?,
                    &ListQosProfilesOp::new(filter),
                    &call,
                )?,
                output,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_marks_in_json_are_escaped_and_it_stays_json() {
        let value = serde_json::json!({"status": "A\u{202e}B\u{1b}"});
        let text = escape_invisible_marks(serde_json::to_string(&value).unwrap());
        assert_eq!(text, r#"{"status":"A\u202eB\u001b"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
