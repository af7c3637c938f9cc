//! The assignment commands (QoS Provisioning): create, get, retrieve,
//! revoke and wait, with the conventions of the session commands.

use qod::Revocation;
use qod::models::{AssignmentId, CreateAssignment, QosProfileName, SinkUrl};
use qod::operations::{
    CreateAssignmentOp, GetAssignmentOp, RetrieveAssignmentOp, RevokeAssignmentOp,
};

use crate::cli::{AssignmentCommand, AssignmentCreateArgs, GlobalOptions};
use crate::commands::{run, sink_credential};
use crate::failure::Failure;
use crate::output::Output;
use crate::progress::Progress;
use crate::setup;
use crate::stdio::stderr_line;

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
    if let Some(sink) = &args.sink {
        let sink = SinkUrl::parse(sink.as_str())
            .and_then(|sink| sink.validate().map(|()| sink))
            .map_err(|e| e.renamed("--sink"))?;
        let credential = args
            .sink_token
            .as_deref()
            .map(|token| sink_credential(token, SINK_TOKEN_LIFETIME_SECS))
            .transpose()?;
        body = body.with_sink(sink, credential);
    }
    Ok(body)
}

pub fn assignment(
    options: &GlobalOptions,
    output: &Output,
    command: &AssignmentCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    // Inputs are checked before the client (and any token request) exists.
    match command {
        AssignmentCommand::Create(args) => {
            let operation = CreateAssignmentOp::new(create_body(args)?);
            let created = run(options, &operation, &call)?;
            output.one(&created).map_err(|failure| {
                failure.after_creating(qod::CreatedResource::Assignment(created.assignment_id))
            })
        }
        AssignmentCommand::Get { id } => {
            let operation = GetAssignmentOp::new(assignment_id(id)?);
            output.one(&run(options, &operation, &call)?)
        }
        AssignmentCommand::Retrieve(device) => {
            let operation = RetrieveAssignmentOp::new(device.given_device()?);
            output.one(&run(options, &operation, &call)?)
        }
        AssignmentCommand::Revoke { id } => {
            let id = assignment_id(id)?;
            match run(options, &RevokeAssignmentOp::new(id), &call)? {
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
