//! The QoD endpoints: sessions (0.10.1 and 1.1.0) and QoS profiles.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use http::StatusCode;
use qod_core::{ApiVersion, Endpoint, Flavor, validate};
use qod_models::{
    CreateSession, ErrorCode, ExtendSessionDuration, QosProfileFilter, QosProfileStatus,
    RetrieveSessionsInput, SessionId, SinkUrl, ValidationError,
};
use serde_json::Value;

use crate::catalogue::Catalogue;
use crate::config::SandboxConfig;
use crate::lifecycle::{Session, Wire};
use crate::render::session_info;
use crate::reply::Reply;
use crate::stats::{Counters, bump};
use crate::store::{Notification, Store};

pub(crate) struct Api {
    pub(crate) config: SandboxConfig,
    pub(crate) counters: Arc<Counters>,
    store: Mutex<Store>,
    catalogue: Catalogue,
    notifier: Mutex<Sender<Notification>>,
    v0_rules: Endpoint,
    v1_rules: Endpoint,
}

fn rules(url: &str, version: ApiVersion, flavor: Flavor) -> Endpoint {
    Endpoint::builder(url)
        .api_version(version)
        .flavor(flavor)
        .build()
        .unwrap_or_else(|_| Endpoint::tmobile_sandbox())
}

/// The CAMARA code for a broken rule.
fn code_for(error: &ValidationError) -> ErrorCode {
    let field = error.field();
    if field.to_ascii_lowercase().ends_with("duration")
        || field.contains("Port")
        || field.contains("ports")
        || field.contains("ranges")
    {
        ErrorCode::OutOfRange
    } else if field == "sink" {
        ErrorCode::InvalidSink
    } else if field.ends_with("credentialType") {
        ErrorCode::InvalidCredential
    } else if field.ends_with("accessTokenType") {
        ErrorCode::InvalidToken
    } else {
        ErrorCode::InvalidArgument
    }
}

fn invalid(error: &ValidationError) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        code_for(error),
        &format!(
            "Schema validation failed at {}: {}",
            error.field(),
            error.rule()
        ),
    )
}

fn missing(field: &str) -> Reply {
    Reply::bad_request(&format!("Expected property is missing: {field}"))
}

/// Checks port numbers before the body is typed, so that they get OUT_OF_RANGE.
fn check_ports(body: &Value) -> Result<(), Reply> {
    let out_of_range = |v: &Value| v.as_i64().is_none_or(|n| !(0..=65_535).contains(&n));
    for field in ["devicePorts", "applicationServerPorts"] {
        let Some(spec) = body.get(field) else {
            continue;
        };
        let ports = spec
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        let ranges = spec
            .get("ranges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        let mut bad = false;
        for port in ports {
            bad |= out_of_range(port);
        }
        for range in ranges {
            let (from, to) = (
                range.get("from").unwrap_or(&Value::Null),
                range.get("to").unwrap_or(&Value::Null),
            );
            bad |= out_of_range(from) || out_of_range(to) || from.as_i64() > to.as_i64();
        }
        if bad {
            return Err(Reply::error(
                StatusCode::BAD_REQUEST,
                ErrorCode::OutOfRange,
                &format!("Invalid port ranges specified: {field}"),
            ));
        }
    }
    if let Some(port) = body.pointer("/device/ipv4Address/publicPort")
        && out_of_range(port)
    {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            ErrorCode::OutOfRange,
            "Invalid port value specified: device.ipv4Address.publicPort",
        ));
    }
    Ok(())
}

fn parse_object(body: &[u8]) -> Result<Value, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(Reply::bad_request(
            "Schema validation failed: the body must be a JSON object",
        )),
        Err(e) => Err(Reply::bad_request(&format!(
            "Schema validation failed: the body is not JSON ({e})"
        ))),
    }
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Reply> {
    serde_json::from_value(value)
        .map_err(|e| Reply::bad_request(&format!("Schema validation failed: {e}")))
}

fn not_found(wire: Wire) -> Reply {
    Reply::not_found(match wire {
        Wire::V0 => "Session Id does not exist",
        Wire::V1 => "The specified resource is not found.",
    })
}

fn parse_id(text: &str) -> Result<SessionId, Reply> {
    SessionId::parse(text)
        .map_err(|_| Reply::bad_request("Schema validation failed at sessionId: must be a UUID"))
}

impl Api {
    pub(crate) fn new(config: SandboxConfig, counters: Arc<Counters>, base_url: String) -> Self {
        let notifier = crate::notifier::start(counters.clone());
        Api {
            config,
            counters,
            store: Mutex::new(Store::new(base_url)),
            catalogue: Catalogue::default(),
            notifier: Mutex::new(notifier),
            v0_rules: rules(
                "http://127.0.0.1/qod/v0",
                ApiVersion::V0_10,
                Flavor::TMobile,
            ),
            v1_rules: rules(
                "http://127.0.0.1/quality-on-demand/v1",
                ApiVersion::V1,
                Flavor::Camara,
            ),
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// Locks the store with every session brought up to now, sending what changed.
    fn store(&self) -> MutexGuard<'_, Store> {
        let mut store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let due = store.tick(self.now(), self.config.retain_ended_for);
        self.notify(due);
        store
    }

    fn notify(&self, due: impl IntoIterator<Item = Notification>) {
        let sender = self
            .notifier
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for notification in due {
            if sender.send(notification).is_err() {
                log::warn!("the notification thread is gone; dropping a notification");
            }
        }
    }

    /// Advances every session (called by the ticker, so that notifications go out on time).
    pub(crate) fn tick(&self) {
        drop(self.store());
    }

    /// How many sessions are stored.
    pub(crate) fn session_count(&self) -> usize {
        self.store().len()
    }

    pub(crate) fn create(&self, wire: Wire, body: &[u8]) -> Reply {
        match self.try_create(wire, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_create(&self, wire: Wire, body: &[u8]) -> Result<Reply, Reply> {
        let value = parse_object(body)?;
        let required: &[&str] = match wire {
            Wire::V0 => &["device", "qosProfile"],
            Wire::V1 => &["applicationServer", "qosProfile", "duration"],
        };
        if let Some(field) = required
            .iter()
            .find(|f| value.get(**f).is_none_or(Value::is_null))
        {
            return Err(missing(field));
        }
        check_ports(&value)?;
        if let Some(sink) = value.get("sink").and_then(Value::as_str)
            && let Err(e) = SinkUrl::parse(sink)
        {
            return Err(Reply::error(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidSink,
                &format!("sink not valid: {}", e.rule()),
            ));
        }
        let request: CreateSession = typed(value)?;
        let Some(device) = request.device.clone() else {
            return Err(Reply::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::MissingIdentifier,
                "The device cannot be identified.",
            ));
        };
        let rules = match wire {
            Wire::V0 => &self.v0_rules,
            Wire::V1 => &self.v1_rules,
        };
        validate::create_session(&request, rules).map_err(|e| invalid(&e))?;
        let profile = self
            .catalogue
            .get(request.qos_profile.as_str())
            .ok_or_else(|| {
                Reply::bad_request(&format!(
                    "Schema validation failed at qosProfile: unknown QoS profile {}",
                    request.qos_profile
                ))
            })?;
        if profile.status != QosProfileStatus::Active {
            return Err(Reply::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::QosProfileNotApplicable,
                "The requested QoS Profile is currently not available for session creation.",
            ));
        }
        let duration = u64::from(request.duration.unwrap_or(86_400));
        let (min, max) = Catalogue::limits(profile);
        if duration < min || duration > max {
            let code = match wire {
                Wire::V0 => ErrorCode::OutOfRange,
                Wire::V1 => ErrorCode::DurationOutOfRange,
            };
            return Err(Reply::error(
                StatusCode::BAD_REQUEST,
                code,
                &format!(
                    "The requested duration is out of the allowed range for the specific QoS profile ({min}..={max} s)"
                ),
            ));
        }
        let now = self.now();
        let mut store = self.store();
        if store.conflict(&device).is_some() {
            return Err(Reply::error(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "Conflict with an existing session for the same device.",
            ));
        }
        let session = Session::new(
            SessionId::new(uuid::Uuid::new_v4()),
            wire,
            request,
            duration,
            now,
            self.config.available_after,
        );
        let info = session_info(&session);
        store.insert(session);
        bump(&self.counters.sessions_created);
        Ok(Reply::json(StatusCode::CREATED, &info))
    }

    pub(crate) fn get(&self, wire: Wire, id: &str) -> Reply {
        let id = match parse_id(id) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let store = self.store();
        match store.get(&id).filter(|s| s.wire == wire) {
            Some(session) => Reply::json(StatusCode::OK, &session_info(session)),
            None => not_found(wire),
        }
    }

    pub(crate) fn delete(&self, wire: Wire, id: &str) -> Reply {
        let id = match parse_id(id) {
            Ok(id) => id,
            Err(reply) => return reply,
        };
        let now = self.now();
        let mut store = self.store();
        if store.get(&id).is_none_or(|s| s.wire != wire) {
            return not_found(wire);
        }
        if let Some(notification) = store.delete(&id, now).flatten() {
            self.notify([notification]);
        }
        Reply::empty(StatusCode::NO_CONTENT)
    }

    pub(crate) fn extend(&self, wire: Wire, id: &str, body: &[u8]) -> Reply {
        match self.try_extend(wire, id, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_extend(&self, wire: Wire, id: &str, body: &[u8]) -> Result<Reply, Reply> {
        let id = parse_id(id)?;
        let value = parse_object(body)?;
        if value
            .get("requestedAdditionalDuration")
            .is_none_or(Value::is_null)
        {
            return Err(missing("requestedAdditionalDuration"));
        }
        let extension: ExtendSessionDuration = typed(value)?;
        let rules = match wire {
            Wire::V0 => &self.v0_rules,
            Wire::V1 => &self.v1_rules,
        };
        validate::extend_session(extension.requested_additional_duration, rules)
            .map_err(|e| invalid(&e))?;
        let now = self.now();
        let mut store = self.store();
        let session = store
            .get_mut(&id)
            .filter(|s| s.wire == wire)
            .ok_or_else(|| not_found(wire))?;
        if session.status != qod_models::QosStatus::Available {
            return Err(match wire {
                Wire::V0 => Reply::bad_request("The target session is inactive"),
                Wire::V1 => Reply::error(
                    StatusCode::CONFLICT,
                    ErrorCode::SessionExtensionNotAllowed,
                    &format!(
                        "Extending the session duration is not allowed in the current state ({}). The session must be in the AVAILABLE state.",
                        session.status
                    ),
                ),
            });
        }
        let profile_max = self
            .catalogue
            .get(session.request.qos_profile.as_str())
            .map_or(86_400, |p| Catalogue::limits(p).1);
        session.extend(
            now,
            u64::from(extension.requested_additional_duration),
            profile_max,
        );
        Ok(Reply::json(StatusCode::OK, &session_info(session)))
    }

    pub(crate) fn retrieve(&self, body: &[u8]) -> Reply {
        let input: RetrieveSessionsInput = match parse_object(body).and_then(typed) {
            Ok(input) => input,
            Err(reply) => return reply,
        };
        let Some(device) = input.device else {
            return Reply::error(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::MissingIdentifier,
                "The device cannot be identified.",
            );
        };
        if let Err(e) = device.validate() {
            return invalid(&e.under("device"));
        }
        let store = self.store();
        let sessions: Vec<_> = store
            .for_device(&device, Wire::V1)
            .into_iter()
            .map(session_info)
            .collect();
        Reply::json(StatusCode::OK, &sessions)
    }

    pub(crate) fn profile(&self, name: &str) -> Reply {
        match self.catalogue.get(name) {
            Some(profile) => Reply::json(StatusCode::OK, profile),
            None => Reply::not_found("QosProfile Id does not exist"),
        }
    }

    fn matching(&self, filter: &QosProfileFilter) -> Vec<&qod_models::QosProfile> {
        self.catalogue
            .all()
            .iter()
            .filter(|p| filter.name.as_ref().is_none_or(|n| &p.name == n))
            .filter(|p| filter.status.as_ref().is_none_or(|s| &p.status == s))
            .collect()
    }

    /// 0.10.1 `GET /qos-profiles?name=&status=`: 404 when nothing matches.
    pub(crate) fn list_profiles_v0(&self, query: Option<&str>) -> Reply {
        let mut filter = QosProfileFilter::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "name" => match qod_models::QosProfileName::parse(value.as_ref()) {
                    Ok(name) => filter.name = Some(name),
                    Err(e) => return invalid(&e),
                },
                "status" => filter.status = Some(QosProfileStatus::from(value.as_ref())),
                _ => {}
            }
        }
        let found = self.matching(&filter);
        if found.is_empty() {
            return Reply::not_found("No QoS Profiles found");
        }
        Reply::json(StatusCode::OK, &found)
    }

    /// 1.x `POST /retrieve-qos-profiles`.
    pub(crate) fn retrieve_profiles(&self, body: &[u8]) -> Reply {
        match parse_object(body).and_then(typed::<QosProfileFilter>) {
            Ok(filter) => Reply::json(StatusCode::OK, &self.matching(&filter)),
            Err(reply) => reply,
        }
    }
}
