//! The columns of each kind of item the command prints as a table.

use std::fmt::Display;

use qod::models::{
    AssignmentInfo, DeviceInfo, DurationSpec, Echoed, QosProfile, Rate, SessionInfo, Timestamp,
};

use crate::table::TableRow;

/// `value` as text, or empty (printed as a dash) when absent.
fn shown<T: Display>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// RFC 3339 whichever wire version sent it (0.10 sends Unix seconds).
fn time(at: Option<&Timestamp>) -> String {
    shown(at)
}

/// The device by the first identifier it has, as the server echoed it.
fn device(echoed: Option<&Echoed<DeviceInfo>>) -> String {
    let Some(echoed) = echoed else {
        return String::new();
    };
    let Some(info) = echoed.parsed() else {
        // An echo that did not parse is shown as the server wrote it.
        return echoed.raw().to_string();
    };
    if let Some(phone) = &info.phone_number {
        return phone.to_string();
    }
    if let Some(nai) = &info.network_access_identifier {
        return nai.clone();
    }
    if let Some(ipv4) = &info.ipv4_address {
        return match ipv4.public_port {
            Some(port) => format!("{}:{port}", ipv4.public_address),
            None => ipv4.public_address.to_string(),
        };
    }
    shown(info.ipv6_address)
}

/// A quantity with its unit, e.g. `100 Mbps`.
fn quantity(value: Option<u32>, unit: Option<impl Display>) -> String {
    match (value, unit) {
        (Some(value), Some(unit)) => format!("{value} {unit}"),
        (value, _) => shown(value),
    }
}

fn rate(rate: Option<&Rate>) -> String {
    rate.map(|r| quantity(r.value, r.unit.as_ref()))
        .unwrap_or_default()
}

fn duration(duration: Option<&DurationSpec>) -> String {
    duration
        .map(|d| quantity(d.value, d.unit.as_ref()))
        .unwrap_or_default()
}

impl TableRow for SessionInfo {
    const HEADERS: &'static [&'static str] = &[
        "SESSION ID",
        "STATUS",
        "PROFILE",
        "DEVICE",
        "DURATION",
        "STARTED",
        "EXPIRES",
    ];

    fn cells(&self) -> Vec<String> {
        let status = match &self.status_info {
            Some(why) => format!("{} ({why})", self.qos_status),
            None => self.qos_status.to_string(),
        };
        vec![
            self.session_id.to_string(),
            status,
            self.qos_profile.to_string(),
            device(self.device.as_ref()),
            format!("{} s", self.duration),
            time(self.started_at.as_ref()),
            time(self.expires_at.as_ref()),
        ]
    }
}

impl TableRow for AssignmentInfo {
    const HEADERS: &'static [&'static str] =
        &["ASSIGNMENT ID", "STATUS", "PROFILE", "DEVICE", "STARTED"];

    fn cells(&self) -> Vec<String> {
        let status = match &self.status_info {
            Some(why) => format!("{} ({why})", self.status),
            None => self.status.to_string(),
        };
        vec![
            self.assignment_id.to_string(),
            status,
            self.qos_profile.to_string(),
            device(self.device.as_ref()),
            time(self.started_at.as_ref()),
        ]
    }
}

impl TableRow for QosProfile {
    const HEADERS: &'static [&'static str] = &[
        "NAME",
        "STATUS",
        "MAX DOWN",
        "MAX UP",
        "DELAY BUDGET",
        "MAX DURATION",
        "DESCRIPTION",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.name.to_string(),
            self.status.to_string(),
            rate(self.max_downstream_rate.as_ref()),
            rate(self.max_upstream_rate.as_ref()),
            duration(self.packet_delay_budget.as_ref()),
            duration(self.max_duration.as_ref()),
            shown(self.description.as_ref()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_wire_versions_print_times_in_rfc_3339() {
        let v0: SessionInfo = serde_json::from_value(serde_json::json!({
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "qosProfile": "QOS_VC",
            "duration": 600,
            "startedAt": 1_700_000_000,
            "expiresAt": 1_700_000_600,
            "qosStatus": "AVAILABLE",
            "device": {"phoneNumber": "+14255550100"},
        }))
        .unwrap();
        let v1: SessionInfo = serde_json::from_value(serde_json::json!({
            "sessionId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "qosProfile": "QOS_E",
            "duration": 600,
            "startedAt": "2023-11-14T22:13:20Z",
            "expiresAt": "2023-11-14T22:23:20Z",
            "qosStatus": "UNAVAILABLE",
            "statusInfo": "DELETE_REQUESTED",
            "device": {"ipv4Address": {"publicAddress": "203.0.113.7", "publicPort": 5060}},
        }))
        .unwrap();
        let cells = v0.cells();
        assert_eq!(cells[1], "AVAILABLE");
        assert_eq!(cells[3], "+14255550100");
        assert_eq!(cells[5..], ["2023-11-14T22:13:20Z", "2023-11-14T22:23:20Z"]);
        let cells = v1.cells();
        assert_eq!(cells[1], "UNAVAILABLE (DELETE_REQUESTED)");
        assert_eq!(cells[3], "203.0.113.7:5060");
        assert_eq!(cells[5..], ["2023-11-14T22:13:20Z", "2023-11-14T22:23:20Z"]);
    }

    #[test]
    fn an_assignment_row() {
        let assignment: AssignmentInfo = serde_json::from_value(serde_json::json!({
            "assignmentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "qosProfile": "QOS_L",
            "status": "REQUESTED",
            "device": {"phoneNumber": "+14255550100"},
        }))
        .unwrap();
        assert_eq!(
            assignment.cells(),
            [
                "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "REQUESTED",
                "QOS_L",
                "+14255550100",
                ""
            ]
        );
    }

    #[test]
    fn a_profile_shows_its_limits_and_leaves_the_unsent_empty() {
        let profile: QosProfile = serde_json::from_value(serde_json::json!({
            "name": "QOS_L",
            "status": "ACTIVE",
            "maxDownstreamRate": {"value": 100, "unit": "Mbps"},
            "maxDuration": {"value": 3600, "unit": "Seconds"},
        }))
        .unwrap();
        assert_eq!(
            profile.cells(),
            ["QOS_L", "ACTIVE", "100 Mbps", "", "", "3600 Seconds", ""]
        );
    }
}
