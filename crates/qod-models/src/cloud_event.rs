//! The CloudEvents 1.0 envelope in which CAMARA servers POST notifications.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// The media type of notification bodies.
pub const CLOUDEVENTS_CONTENT_TYPE: &str = "application/cloudevents+json";

/// A CloudEvents 1.0 event as a CAMARA server POSTs it to your webhook or
/// sink: the envelope every API of the QoD family shares, typed by its
/// `type` (`T`, an open enum of the types the API defines) and its `data`
/// (`D`). See [`QosStatusChangedEvent`](crate::QosStatusChangedEvent) and
/// [`AssignmentStatusChangedEvent`](crate::AssignmentStatusChangedEvent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudEvent<T, D> {
    /// Unique id of the event within its source.
    pub id: String,
    /// Where it happened (a URI reference).
    pub source: String,
    /// The CloudEvents version, `1.0`.
    pub specversion: String,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: T,
    /// When it happened (RFC 3339).
    pub time: Timestamp,
    /// The payload's media type, `application/json` when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datacontenttype: Option<String>,
    /// The payload.
    pub data: D,
}
