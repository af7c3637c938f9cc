//! Wire and domain types of the CAMARA Quality-on-Demand (QoD) API family.
//!
//! One set of types serves both wire versions: QoD 0.10.1 (T-Mobile:
//! `webhook`, `messages`, Unix-second timestamps) and QoD 1.1.0 (`sink`,
//! `sinkCredential`, `statusInfo`, RFC 3339 timestamps), plus QoS Profiles
//! 1.1.0 and QoS Provisioning 0.3.0 (assignments: [`CreateAssignment`],
//! [`AssignmentInfo`]). What a caller sends is strict: values the spec constrains are
//! validated newtypes that say which rule a bad value broke. What a server
//! sends is read by the spec's response schemas and never more strictly:
//! unknown fields are ignored, unknown enum values kept, and the request
//! data a session or an assignment echoes is kept as received ([`Echoed`]) whether or not it
//! parses.
//!
//! ```
//! use qod_models::{SessionInfo, QosStatus};
//! let info: SessionInfo = serde_json::from_str(r#"{
//!     "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
//!     "qosProfile": "QOS_L", "duration": 3600,
//!     "startedAt": "2024-06-01T12:00:00Z", "expiresAt": "2024-06-01T13:00:00Z",
//!     "qosStatus": "AVAILABLE"
//! }"#).unwrap();
//! assert_eq!(info.qos_status, QosStatus::Available);
//! ```

#![forbid(unsafe_code)]

mod address;
mod assignment;
mod authority;
mod cloud_event;
mod device;
mod echoed;
mod echoed_forms;
mod error_info;
mod event;
mod identifiers;
mod notification;
mod open_enum;
mod ports;
mod profile;
mod provisioning_event;
mod redact;
mod secret;
mod session;
mod timestamp;
mod uuid_identifier;
mod validated_string;
mod validation;

pub use address::{Ipv4Network, Ipv6Network};
pub use assignment::{
    AssignmentInfo, AssignmentStatusInfo, CreateAssignment, RetrieveAssignmentByDevice,
};
pub use authority::check_authority;
pub use cloud_event::{CLOUDEVENTS_CONTENT_TYPE, CloudEvent};
pub use device::{
    ApplicationServer, Device, DeviceIpv4Address, NetworkAccessIdentifier, PhoneNumber,
};
pub use echoed::Echoed;
pub use echoed_forms::{ApplicationServerInfo, DeviceInfo, WebhookInfo};
pub use error_info::{ErrorCode, ErrorInfo};
pub use event::{EventType, QosStatusChangedData, QosStatusChangedEvent};
pub use identifiers::{AssignmentId, QosProfileName, SessionId, XCorrelator};
pub use notification::{
    CredentialType, NotificationToken, NotificationUrl, SinkCredential, SinkUrl, Webhook,
    is_loopback_host,
};
pub use ports::{Port, PortRange, PortsSpec};
pub use profile::{
    CountryAvailability, DurationSpec, L4sQueueType, QosProfile, QosProfileFilter,
    QosProfileStatus, Rate, RateUnit, ServiceClass, TimeUnit,
};
pub use provisioning_event::{
    AssignmentEventType, AssignmentStatusChangedData, AssignmentStatusChangedEvent,
};
pub use redact::{REDACTED, is_secret_key, redact_secrets, redact_secrets_in_text};
pub use secret::SecretString;
pub use session::{
    CreateSession, ExtendSessionDuration, Message, QosStatus, RetrieveSessionsInput, SessionInfo,
    Severity, StatusInfo,
};
pub use timestamp::{Timestamp, TimestampFormat};
pub use validation::ValidationError;

pub use time;
pub use uuid;
