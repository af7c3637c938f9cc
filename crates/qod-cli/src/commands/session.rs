//! `qod session`: create, get, delete, extend, retrieve (a device's
//! sessions) and wait for QoS sessions; run a command or keep one while the
//! QoS is held.

use clap::{Args, Subcommand};
use qod::models::{
    ApplicationServer, CreateSession, Ipv4Network, Ipv6Network, NotificationToken, NotificationUrl,
    PortsSpec, QosProfileName, SessionId, Webhook,
};
use qod::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetSessionOp, RetrieveSessionsOp,
};
use qod::{ApiVersion, CreatedResource};

use super::hold::{self, HoldArgs};
use crate::device_args::{DEVICE_FLAGS, DeviceArgs};
use crate::failure::Failure;
use crate::global_options::GlobalOptions;
use crate::output::Output;
use crate::progress::Progress;
use crate::stdio::stderr_line;
use crate::wait_args::WaitArgs;
use crate::{flag, operation, setup, sink};

/// Session subcommands.
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Create a session
    Create(Box<CreateArgs>),
    /// Read a session
    Get {
        /// Session id
        id: String,
    },
    /// Delete a session
    Delete {
        /// Session id
        id: String,
    },
    /// Extend an AVAILABLE session
    Extend {
        /// Session id
        id: String,
        /// Seconds to add
        #[arg(long)]
        seconds: u32,
    },
    /// Retrieve the sessions of a device (QoD 1.x)
    Retrieve(DeviceArgs),
    /// Hold a session while COMMAND runs: create it, wait until AVAILABLE,
    /// run the command, extend and re-create as needed, delete it when the
    /// command ends, and exit with the command's status
    Run(Box<RunArgs>),
    /// Hold a session until interrupted (Ctrl-C), then delete it
    Keep(Box<KeepArgs>),
    /// Poll until the session is AVAILABLE or UNAVAILABLE
    Wait {
        /// Session id
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `qod session create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// QoS profile, e.g. QOS_VC or QOS_E
    #[arg(long)]
    pub profile: String,
    /// Duration in seconds
    #[arg(long)]
    pub duration: Option<u32>,
    /// Application server IPv4 address or network (1.2.3.4 or 1.2.3.0/24)
    #[arg(long)]
    pub app_server_ipv4: Option<String>,
    /// Application server IPv6 address or network
    #[arg(long)]
    pub app_server_ipv6: Option<String>,
    /// Device ports, e.g. 5010-5020,5060
    #[arg(long)]
    pub device_ports: Option<String>,
    /// Application server ports, e.g. 443,8000-8010
    #[arg(long)]
    pub app_server_ports: Option<String>,
    /// Notification URL (QoD 0.10)
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Token the server puts on notifications (QoD 0.10, 20 to 256 characters)
    #[arg(long, requires = "webhook_url")]
    pub webhook_token: Option<String>,
    /// Notification sink, https (QoD 1.x)
    #[arg(long)]
    pub sink: Option<String>,
    /// Access token the server puts on notifications (QoD 1.x)
    #[arg(long, requires = "sink")]
    pub sink_token: Option<String>,
}

/// `qod session run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub create: CreateArgs,
    #[command(flatten)]
    pub hold: HoldArgs,
    /// The command to run, after --
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `qod session keep`.
#[derive(Debug, Args)]
pub struct KeepArgs {
    #[command(flatten)]
    pub create: CreateArgs,
    #[command(flatten)]
    pub hold: HoldArgs,
}

fn session_id(text: &str) -> Result<SessionId, Failure> {
    Ok(SessionId::parse(text)?)
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
    let ipv4 = flag::parse(
        args.app_server_ipv4.as_deref(),
        "--app-server-ipv4",
        |text| {
            let network: Ipv4Network = text.parse()?;
            network.validate().map(|()| network)
        },
    )?;
    let ipv6 = flag::parse(
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
    body.device_ports = flag::parse(
        args.device_ports.as_deref(),
        "--device-ports",
        str::parse::<PortsSpec>,
    )?;
    body.application_server_ports = flag::parse(
        args.app_server_ports.as_deref(),
        "--app-server-ports",
        str::parse::<PortsSpec>,
    )?;
    if let Some(url) = &args.webhook_url {
        body.webhook = Some(Webhook {
            notification_url: NotificationUrl::parse(url.as_str())
                .and_then(|url| url.validate().map(|()| url))
                .map_err(|e| e.renamed("--webhook-url"))?,
            notification_auth_token: flag::parse(
                args.webhook_token.as_deref(),
                "--webhook-token",
                |t| NotificationToken::parse(t),
            )?,
        });
    }
    // The token must outlive the session, or notifications stop: a day past its end.
    let lifetime = u64::from(args.duration.unwrap_or(86_400)) + 86_400;
    if let Some((sink, credential)) =
        sink::parse(args.sink.as_deref(), args.sink_token.as_deref(), lifetime)?
    {
        body = body.with_sink(sink, credential);
    }
    Ok(body)
}

/// The create body of `args`, refused if the endpoint cannot take it.
fn checked_body(options: &GlobalOptions, args: &CreateArgs) -> Result<CreateSession, Failure> {
    let body = create_body(args)?;
    if body.device.is_none() && setup::endpoint(options)?.api_version() == ApiVersion::V0_10 {
        return Err(Failure::Input(format!(
            "QoD 0.10 needs the device: give {DEVICE_FLAGS}"
        )));
    }
    Ok(body)
}

/// Runs a session command.
pub fn run(
    options: &GlobalOptions,
    output: &Output,
    command: &SessionCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    // Inputs are checked before the client (and any token request) exists.
    match command {
        SessionCommand::Run(args) => {
            let command = hold::command_line(&args.command)?;
            let body = checked_body(options, &args.create)?;
            let status =
                hold::hold_session(setup::client(options)?, body, &args.hold, Some(command))?;
            std::process::exit(status)
        }
        SessionCommand::Keep(args) => {
            let body = checked_body(options, &args.create)?;
            let status = hold::hold_session(setup::client(options)?, body, &args.hold, None)?;
            std::process::exit(status)
        }
        SessionCommand::Create(args) => {
            let body = checked_body(options, args)?;
            let created = operation::run(options, &CreateSessionOp::new(body), &call)?;
            output.one(&created).map_err(|failure| {
                failure.after_creating(CreatedResource::Session(created.session_id))
            })
        }
        SessionCommand::Get { id } => {
            let operation = GetSessionOp::new(session_id(id)?);
            output.one(&operation::run(options, &operation, &call)?)
        }
        SessionCommand::Delete { id } => {
            let id = session_id(id)?;
            operation::run(options, &DeleteSessionOp::new(id), &call)?;
            // On stderr: stdout stays what the API answered (nothing).
            stderr_line!("session {id} deleted");
            Ok(())
        }
        SessionCommand::Extend { id, seconds } => {
            let operation = ExtendSessionOp::new(session_id(id)?, *seconds);
            output.one(&operation::run(options, &operation, &call)?)
        }
        SessionCommand::Retrieve(device) => {
            let operation = RetrieveSessionsOp::new(device.given_device()?);
            output.all(&operation::run(options, &operation, &call)?)
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
