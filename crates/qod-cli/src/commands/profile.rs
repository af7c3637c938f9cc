//! `qod profile`: read one QoS profile, or list them.

use clap::Subcommand;
use qod::models::{QosProfileFilter, QosProfileName, QosProfileStatus};
use qod::operations::{GetQosProfileOp, ListQosProfilesOp};

use crate::device_args::DeviceArgs;
use crate::failure::Failure;
use crate::global_options::GlobalOptions;
use crate::output::Output;
use crate::{flag, operation, setup};

/// Profile subcommands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Read one profile
    Get {
        /// Profile name
        name: String,
    },
    /// List profiles
    List {
        /// Only this name
        #[arg(long)]
        name: Option<String>,
        /// Only this status (ACTIVE, INACTIVE, DEPRECATED)
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        device: DeviceArgs,
    },
}

/// Runs a profile command.
pub fn run(
    options: &GlobalOptions,
    output: &Output,
    command: &ProfileCommand,
) -> Result<(), Failure> {
    let call = setup::call_options(options)?;
    match command {
        ProfileCommand::Get { name } => {
            let operation = GetQosProfileOp::new(QosProfileName::parse(name.as_str())?);
            output.one(&operation::run(options, &operation, &call)?)
        }
        ProfileCommand::List {
            name,
            status,
            device,
        } => {
            let filter = QosProfileFilter {
                device: device.given_device()?,
                name: flag::parse(name.as_deref(), "--name", |n| QosProfileName::parse(n))?,
                status: status.as_deref().map(QosProfileStatus::from),
            };
            output.all(&operation::run(
                options,
                &ListQosProfilesOp::new(filter),
                &call,
            )?)
        }
    }
}
