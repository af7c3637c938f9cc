//! `qod assignment` (QoS Provisioning): create, get, retrieve, revoke and
//! wait, with the conventions of the session commands.

use clap::{Args, Subcommand};
use qod::models::{AssignmentId, CreateAssignment, QosProfileName};
use qod::operations::{
    CreateAssignmentOp, GetAssignmentOp, RetrieveAssignmentOp, RevokeAssignmentOp,
};
use qod::{CreatedResource, Revocation};

use crate::device_args::DeviceArgs;
use crate::failure::Failure;
use crate::global_options::GlobalOptions;
use crate::output::Output;
use crate::progress::Progress;
use crate::stdio::stderr_line;
use crate::wait_args::WaitArgs;
use crate::{operation, setup, sink};

/// Assignment subcommands.
#[derive(Debug, Subcommand)]
pub enum AssignmentCommand {
    /// Assign a QoS profile to a device, until revoked
    Create(AssignmentCreateArgs),
    /// Read an assignment
    Get {
        /// Assignment id
        id: String,
    },
    /// The assignment of a device
    Retrieve(DeviceArgs),
    /// Revoke an assignment
    Revoke {
        /// Assignment id
        id: String,
    },
    /// Assign a QoS profile while COMMAND runs: assign, wait until
    /// AVAILABLE, run the command, revoke when it ends, and exit with the
    /// command's status
    Run(Box<AssignmentRunArgs>),
    /// Poll until the assignment is AVAILABLE or UNAVAILABLE
    Wait {
        /// Assignment id
        id: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `qod assignment create`.
#[derive(Debug, Args)]
pub struct AssignmentCreateArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// QoS profile, e.g. QOS_L
    #[arg(long)]
    pub profile: String,
    /// Notification sink, https
    #[arg(long)]
    pub sink: Option<String>,
    /// Access token the server puts on notifications (valid for a year: an
    /// assignment has no end)
    #[arg(long, requires = "sink")]
    pub sink_token: Option<String>,
}

/// `qod assignment run`.
#[derive(Debug, Args)]
pub struct AssignmentRunArgs {
    #[command(flatten)]
    pub create: AssignmentCreateArgs,
    /// Run the command at once, without waiting until the QoS is AVAILABLE
    #[arg(long)]
    pub no_wait: bool,
    /// The command to run, after --
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// How long a `--sink-token` is declared valid: an assignment has no end,
/// so a year, after which the operator may stop notifying.
const SINK_TOKEN_LIFETIME_SECS: u64 = 365 * 86_400;

fn assignment_id(text: &str) -> Result<AssignmentId, Failure> {
    Ok(AssignmentId::parse(text)?)
}

fn create_body(args: &AssignmentCreateArgs) -> Result<CreateAssignment, Failure> {
    let profile =
        QosProfileName::parse(args.profile.as_str()).map_err(|e| e.renamed("--profile"))?;
    let mut body = match args.device.given_device()? {
        Some(device) => CreateAssignment::new(device, profile),
        // No device flag: the device a three-legged token names.
        None => CreateAssignment::for_token_subject(profile),
    };
    if let Some((sink, credential)) = sink::parse(
        args.sink.as_deref(),
        args.sink_token.as_deref(),
        SINK_TOKEN_LIFETIME_SECS,
    )? {
        body = body.with_sink(sink, credential);
    }
    Ok(body)
}

/// Runs an assignment command.
pub fn run(
    options: &GlobalOptions,
    output: &Output,
    command: &AssignmentCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    // Inputs are checked before the client (and any token request) exists.
    match command {
        AssignmentCommand::Create(args) => {
            let operation = CreateAssignmentOp::new(create_body(args)?);
            let created = operation::run(options, &operation, &call)?;
            output.one(&created).map_err(|failure| {
                failure.after_creating(CreatedResource::Assignment(created.assignment_id))
            })
        }
        AssignmentCommand::Run(args) => {
            let command = super::hold::command_line(&args.command)?;
            let body = create_body(&args.create)?;
            let status =
                super::hold::hold_assignment(setup::client(options)?, body, args.no_wait, command)?;
            std::process::exit(status)
        }
        AssignmentCommand::Get { id } => {
            let operation = GetAssignmentOp::new(assignment_id(id)?);
            output.one(&operation::run(options, &operation, &call)?)
        }
        AssignmentCommand::Retrieve(device) => {
            let operation = RetrieveAssignmentOp::new(device.given_device()?);
            output.one(&operation::run(options, &operation, &call)?)
        }
        AssignmentCommand::Revoke { id } => {
            let id = assignment_id(id)?;
            match operation::run(options, &RevokeAssignmentOp::new(id), &call)? {
                // On stderr: stdout stays what the API answered (nothing).
                Revocation::Revoked => {
                    stderr_line!("assignment {id} revoked");
                    Ok(())
                }
                Revocation::Accepted(info) => {
                    stderr_line!("assignment {id}: revoke accepted, it ends shortly");
                    output.one(&*info)
                }
                other => {
                    stderr_line!("assignment {id}: revoke answered {other:?}");
                    Ok(())
                }
            }
        }
        AssignmentCommand::Wait { id, wait } => {
            let id = assignment_id(id)?;
            let client = setup::client(options)?;
            let mut progress = Progress::new();
            let result = client.wait_for_assignment(id, wait.interval, wait.max_wait, |info| {
                progress.show(info);
            });
            progress.finish();
            output.one(&result?)
        }
    }
}
