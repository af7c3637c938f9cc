//! The session and profile commands.

use std::time::{Duration, SystemTime};

use qod::core::Operation;
use qod::models::{
    ApplicationServer, CreateSession, Ipv4Network, Ipv6Network, NotificationToken, NotificationUrl,
    PortsSpec, QosProfileFilter, QosProfileName, QosProfileStatus, SessionId, SinkCredential,
    SinkUrl, Timestamp, ValidationError, Webhook,
};
use qod::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetQosProfileOp, GetSessionOp,
    ListQosProfilesOp, RetrieveSessionsOp,
};
use qod::{ApiVersion, CallOptions};

use crate::cli::{CreateArgs, GlobalOptions, ProfileCommand, SessionCommand};
use crate::failure::Failure;
use crate::output::Output;
use crate::progress::Progress;
use crate::setup;
use crate::stdio::stderr_line;

/// The device flags, for messages that ask for one.
const DEVICE_FLAGS: &str = "--phone, --ipv4, --ipv6 or --nai";

/// A sink's access token, valid for `lifetime` seconds from now.
pub fn sink_credential(token: &str, lifetime: u64) -> Result<SinkCredential, Failure> {
    let expires = SystemTime::now() + Duration::from_secs(lifetime);
    let seconds = expires
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let expires = Timestamp::from_unix(i64::try_from(seconds).unwrap_or(i64::MAX))
        .ok_or_else(|| Failure::Input("--sink-token: cannot compute its expiry".to_owned()))?
        .with_format(qod::models::TimestampFormat::Rfc3339);
    Ok(SinkCredential::access_token(token, expires))
}

fn session_id(text: &str) -> Result<SessionId, Failure> {
    Ok(SessionId::parse(text)?)
}

/// Runs `operation` with a client the options describe. Called once its
/// input is checked, so that nothing (no token request) is sent before.
pub fn run<O: Operation>(
    options: &GlobalOptions,
    operation: &O,
    call: &CallOptions,
) -> Result<O::Output, Failure> {
    Ok(setup::client(options)?.execute(operation, call)?)
}

pub fn flag<T>(
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
        let credential = args
            .sink_token
            .as_deref()
            .map(|token| sink_credential(token, lifetime))
            .transpose()?;
        body = body.with_sink(sink, credential);
    }
    Ok(body)
}

pub fn session(
    options: &GlobalOptions,
    output: &Output,
    command: &SessionCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    // Inputs are checked before the client (and any token request) exists.
    match command {
        SessionCommand::Create(args) => {
            let body = create_body(args)?;
            if body.device.is_none() && setup::endpoint(options)?.api_version() == ApiVersion::V0_10
            {
                return Err(Failure::Input(format!(
                    "QoD 0.10 needs the device: give {DEVICE_FLAGS}"
                )));
            }
            let created = run(options, &CreateSessionOp::new(body), &call)?;
            output.one(&created).map_err(|failure| {
                failure.after_creating(qod::CreatedResource::Session(created.session_id))
            })
        }
        SessionCommand::Get { id } => {
            let operation = GetSessionOp::new(session_id(id)?);
            output.one(&run(options, &operation, &call)?)
        }
        SessionCommand::Delete { id } => {
            let id = session_id(id)?;
            run(options, &DeleteSessionOp::new(id), &call)?;
            // On stderr: stdout stays what the API answered (nothing).
            stderr_line!("session {id} deleted");
            Ok(())
        }
        SessionCommand::Extend { id, seconds } => {
            let operation = ExtendSessionOp::new(session_id(id)?, *seconds);
            output.one(&run(options, &operation, &call)?)
        }
        SessionCommand::List(device) => {
            let operation = RetrieveSessionsOp::new(device.given_device()?);
            output.all(&run(options, &operation, &call)?)
        }
        SessionCommand::Wait { id, wait } => {
            let id = session_id(id)?;
            let client = setup::client(options)?;
            let mut progress = Progress::new();
            let result = client.wait_for_session(id, wait.interval, wait.max_wait, |info| {
                progress.show(info);
            });
            progress.finish();
            output.one(&result?)
        }
    }
}

pub fn profile(
    options: &GlobalOptions,
    output: &Output,
    command: &ProfileCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    match command {
        ProfileCommand::Get { name } => {
            let operation = GetQosProfileOp::new(QosProfileName::parse(name.as_str())?);
            output.one(&run(options, &operation, &call)?)
        }
        ProfileCommand::List {
            name,
            status,
            device,
        } => {
            let filter = QosProfileFilter {
                device: device.given_device()?,
                name: flag(name.as_deref(), "--name", |n| QosProfileName::parse(n))?,
                status: status.as_deref().map(QosProfileStatus::from),
            };
            output.all(&run(options, &ListQosProfilesOp::new(filter), &call)?)
        }
    }
}
