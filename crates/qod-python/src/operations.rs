//! Which machine a Python call starts: the operation named, its arguments
//! read from JSON (the wire form of the models), each checked by
//! qod-models' own rules before anything is sent.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use pyo3::PyResult;
use qod_core::models::{
    AssignmentId, CreateAssignment, CreateSession, Device, QosProfileFilter, QosProfileName,
    SessionId,
};
use qod_core::operations::{
    CreateAssignmentOp, CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetAssignmentOp,
    GetQosProfileOp, GetSessionOp, ListQosProfilesOp, RetrieveAssignmentOp, RetrieveSessionsOp,
    RevokeAssignmentOp,
};
use qod_core::{Call, CallOptions, ClientCore, Operation, Revocation, StatusWait};
use serde_json::{Map, Value};

use crate::errors::invalid;
use crate::json_machine::{Json, JsonMachine};

/// The arguments of one call: a JSON object.
struct Args(Map<String, Value>);

impl Args {
    fn parse(json: &[u8]) -> PyResult<Args> {
        match serde_json::from_slice(json) {
            Ok(Value::Object(map)) => Ok(Args(map)),
            Ok(_) => Err(invalid("arguments", "must be a JSON object")),
            Err(e) => Err(invalid("arguments", &e.to_string())),
        }
    }

    /// `field`, read as `T` by its serde rules (which validate).
    fn get<T: serde::de::DeserializeOwned>(&self, field: &str) -> PyResult<T> {
        let value = self.0.get(field).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| invalid(field, &e.to_string()))
    }

    fn session_id(&self, field: &str) -> PyResult<SessionId> {
        let text: String = self.get(field)?;
        text.parse().map_err(|e| invalid(field, &format!("{e}")))
    }

    fn assignment_id(&self, field: &str) -> PyResult<AssignmentId> {
        let text: String = self.get(field)?;
        text.parse().map_err(|e| invalid(field, &format!("{e}")))
    }

    fn seconds(&self, field: &str) -> PyResult<Duration> {
        let seconds: f64 = self.get(field)?;
        Duration::try_from_secs_f64(seconds)
            .map_err(|_| invalid(field, "must be a number of seconds, 0 or more"))
    }
}

fn to_json<T: serde::Serialize>(output: T) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&output)
}

fn revocation_json(revocation: Revocation) -> serde_json::Result<Vec<u8>> {
    match revocation {
        Revocation::Accepted(info) => serde_json::to_vec(&serde_json::json!({ "accepted": info })),
        // Revoked, and whatever a later qod-core adds: nothing left to show.
        _ => Ok(b"{\"revoked\":true}".to_vec()),
    }
}

fn call<O>(core: &Arc<ClientCore>, op: O, options: &CallOptions) -> Box<dyn JsonMachine>
where
    O: Operation + Send + Sync + 'static,
    O::Output: serde::Serialize + Send + Sync,
{
    Json::boxed(
        Call::shared(Arc::clone(core), op, options, SystemTime::now()),
        to_json,
    )
}

/// The machine of `operation` with the JSON `args`.
pub(crate) fn start(
    core: &Arc<ClientCore>,
    operation: &str,
    args: &[u8],
    options: &CallOptions,
) -> PyResult<Box<dyn JsonMachine>> {
    let args = Args::parse(args)?;
    Ok(match operation {
        "create_session" => {
            let body: CreateSession = args.get("body")?;
            call(core, CreateSessionOp::new(body), options)
        }
        "get_session" => call(
            core,
            GetSessionOp::new(args.session_id("session_id")?),
            options,
        ),
        "delete_session" => call(
            core,
            DeleteSessionOp::new(args.session_id("session_id")?),
            options,
        ),
        "extend_session" => {
            let seconds: u32 = args.get("seconds")?;
            let op = ExtendSessionOp::new(args.session_id("session_id")?, seconds);
            call(core, op, options)
        }
        "retrieve_sessions" => {
            let device: Option<Device> = args.get("device")?;
            call(core, RetrieveSessionsOp::new(device), options)
        }
        "get_qos_profile" => {
            let name: String = args.get("name")?;
            let name = QosProfileName::parse(&name).map_err(|e| invalid("name", &e.to_string()))?;
            call(core, GetQosProfileOp::new(name), options)
        }
        "list_qos_profiles" => {
            let filter: QosProfileFilter = args.get("filter")?;
            call(core, ListQosProfilesOp::new(filter), options)
        }
        "create_assignment" => {
            let body: CreateAssignment = args.get("body")?;
            call(core, CreateAssignmentOp::new(body), options)
        }
        "get_assignment" => call(
            core,
            GetAssignmentOp::new(args.assignment_id("assignment_id")?),
            options,
        ),
        "retrieve_assignment" => {
            let device: Option<Device> = args.get("device")?;
            call(core, RetrieveAssignmentOp::new(device), options)
        }
        "revoke_assignment" => {
            let op = RevokeAssignmentOp::new(args.assignment_id("assignment_id")?);
            Json::boxed(
                Call::shared(Arc::clone(core), op, options, SystemTime::now()),
                revocation_json,
            )
        }
        "wait_for_session" => {
            let read = GetSessionOp::new(args.session_id("session_id")?);
            let (interval, timeout) = (args.seconds("interval")?, args.seconds("timeout")?);
            let wait = StatusWait::shared(
                Arc::clone(core),
                read,
                interval,
                timeout,
                SystemTime::now(),
                |_: &_| {},
            );
            Json::boxed(wait, to_json)
        }
        "wait_for_assignment" => {
            let read = GetAssignmentOp::new(args.assignment_id("assignment_id")?);
            let (interval, timeout) = (args.seconds("interval")?, args.seconds("timeout")?);
            let wait = StatusWait::shared(
                Arc::clone(core),
                read,
                interval,
                timeout,
                SystemTime::now(),
                |_: &_| {},
            );
            Json::boxed(wait, to_json)
        }
        other => return Err(invalid("operation", &format!("no operation {other:?}"))),
    })
}
