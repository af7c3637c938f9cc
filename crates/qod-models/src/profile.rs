//! QoS profiles: what each one promises and how long it may be used.

use serde::{Deserialize, Serialize};

use crate::open_enum;
use crate::{Device, QosProfileName};

open_enum! {
    /// Whether a profile can be used.
    pub enum QosProfileStatus {
        /// Available to be used.
        Active = "ACTIVE",
        /// Not currently available.
        Inactive = "INACTIVE",
        /// In use by sessions but not for new ones.
        Deprecated = "DEPRECATED",
    }
}

open_enum! {
    /// The unit of a [`Rate`].
    pub enum RateUnit {
        /// Bits per second.
        Bps = "bps",
        /// Kilobits per second.
        Kbps = "kbps",
        /// Megabits per second.
        Mbps = "Mbps",
        /// Gigabits per second.
        Gbps = "Gbps",
        /// Terabits per second.
        Tbps = "Tbps",
    }
}

open_enum! {
    /// The unit of a [`DurationSpec`].
    pub enum TimeUnit {
        /// Days.
        Days = "Days",
        /// Hours.
        Hours = "Hours",
        /// Minutes.
        Minutes = "Minutes",
        /// Seconds.
        Seconds = "Seconds",
        /// Milliseconds.
        Milliseconds = "Milliseconds",
        /// Microseconds.
        Microseconds = "Microseconds",
        /// Nanoseconds.
        Nanoseconds = "Nanoseconds",
    }
}

open_enum! {
    /// The L4S queue type of a profile (experimental in 1.1.0).
    pub enum L4sQueueType {
        /// A traditional queue.
        NonL4sQueue = "non-l4s-queue",
        /// A dedicated L4S queue.
        L4sQueue = "l4s-queue",
        /// A shared queue.
        MixedQueue = "mixed-queue",
    }
}

open_enum! {
    /// The DSCP service class of a profile (1.1.0).
    pub enum ServiceClass {
        /// Microsoft voice or control.
        MicrosoftVoice = "microsoft_voice",
        /// Microsoft audio and video.
        MicrosoftAudioVideo = "microsoft_audio_video",
        /// Video conferencing and interactive gaming.
        RealTimeInteractive = "real_time_interactive",
        /// Streaming audio and video on demand.
        MultimediaStreaming = "multimedia_streaming",
        /// Broadcast TV and live events.
        BroadcastVideo = "broadcast_video",
        /// Client/server transactions.
        LowLatencyData = "low_latency_data",
        /// Store-and-forward applications.
        HighThroughputData = "high_throughput_data",
        /// Background traffic.
        LowPriorityData = "low_priority_data",
        /// Undifferentiated traffic.
        Standard = "standard",
    }
}

/// A data rate, e.g. 10 Mbps.
///
/// The spec requires neither property, so a server may leave either out.
///
/// ```
/// use qod_models::{Rate, RateUnit};
/// let rate: Rate = serde_json::from_str(r#"{"unit": "Mbps"}"#).unwrap();
/// assert_eq!(rate, Rate { value: None, unit: Some(RateUnit::Mbps) });
/// assert_eq!(Rate::new(10, RateUnit::Mbps).value, Some(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rate {
    /// The quantity (0..=1024 in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u32>,
    /// The unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<RateUnit>,
}

impl Rate {
    /// A rate with both its quantity and its unit.
    pub fn new(value: u32, unit: RateUnit) -> Self {
        Rate {
            value: Some(value),
            unit: Some(unit),
        }
    }
}

/// A duration as profiles state it, e.g. 12 Minutes.
///
/// The spec requires neither property, so a server may leave either out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DurationSpec {
    /// The quantity (at least 1 in the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<u32>,
    /// The unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnit>,
}

impl DurationSpec {
    /// A duration with both its quantity and its unit.
    pub fn new(value: u32, unit: TimeUnit) -> Self {
        DurationSpec {
            value: Some(value),
            unit: Some(unit),
        }
    }

    /// A duration in seconds.
    pub fn seconds(value: u32) -> Self {
        DurationSpec::new(value, TimeUnit::Seconds)
    }

    /// The duration as a standard one; `None` when the quantity or the unit
    /// is missing, or the unit is one qod does not know.
    ///
    /// ```
    /// use qod_models::{DurationSpec, TimeUnit};
    /// let spec = DurationSpec::new(2, TimeUnit::Hours);
    /// assert_eq!(spec.to_std(), Some(std::time::Duration::from_secs(7200)));
    /// assert_eq!(DurationSpec { value: Some(2), unit: None }.to_std(), None);
    /// ```
    pub fn to_std(&self) -> Option<std::time::Duration> {
        use std::time::Duration;
        let value = u64::from(self.value?);
        Some(match self.unit.as_ref()? {
            TimeUnit::Days => Duration::from_secs(value * 86_400),
            TimeUnit::Hours => Duration::from_secs(value * 3_600),
            TimeUnit::Minutes => Duration::from_secs(value * 60),
            TimeUnit::Seconds => Duration::from_secs(value),
            TimeUnit::Milliseconds => Duration::from_millis(value),
            TimeUnit::Microseconds => Duration::from_micros(value),
            TimeUnit::Nanoseconds => Duration::from_nanos(value),
            TimeUnit::Unknown(_) => return None,
        })
    }
}

/// A country, and optionally networks in it, where a profile is offered (1.1.0).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountryAvailability {
    /// ISO 3166 two-letter country code.
    pub country_name: String,
    /// PLMN ids (MCC + MNC) of the networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub networks: Option<Vec<String>>,
}

/// A QoS profile, in either wire version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QosProfile {
    /// The profile's name.
    pub name: QosProfileName,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it can be used.
    pub status: QosProfileStatus,
    /// Where it is offered (1.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_availability: Option<Vec<CountryAvailability>>,
    /// Target minimum upstream rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_min_upstream_rate: Option<Rate>,
    /// Maximum upstream rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_upstream_rate: Option<Rate>,
    /// Maximum upstream burst rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_upstream_burst_rate: Option<Rate>,
    /// Target minimum downstream rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_min_downstream_rate: Option<Rate>,
    /// Maximum downstream rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_downstream_rate: Option<Rate>,
    /// Maximum downstream burst rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_downstream_burst_rate: Option<Rate>,
    /// The shortest session this profile allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_duration: Option<DurationSpec>,
    /// The longest session this profile allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<DurationSpec>,
    /// Priority, 1 (highest) to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// Packet delay budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packet_delay_budget: Option<DurationSpec>,
    /// Jitter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<DurationSpec>,
    /// Packet error loss rate exponent N (10^-N).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packet_error_loss_rate: Option<u32>,
    /// L4S queue type (1.1.0, experimental).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l4s_queue_type: Option<L4sQueueType>,
    /// DSCP service class (1.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_class: Option<ServiceClass>,
}

impl QosProfile {
    /// A profile with only its name and status set.
    pub fn new(name: QosProfileName, status: QosProfileStatus) -> Self {
        QosProfile {
            name,
            description: None,
            status,
            country_availability: None,
            target_min_upstream_rate: None,
            max_upstream_rate: None,
            max_upstream_burst_rate: None,
            target_min_downstream_rate: None,
            max_downstream_rate: None,
            max_downstream_burst_rate: None,
            min_duration: None,
            max_duration: None,
            priority: None,
            packet_delay_budget: None,
            jitter: None,
            packet_error_loss_rate: None,
            l4s_queue_type: None,
            service_class: None,
        }
    }
}

/// The body of 1.x `POST /retrieve-qos-profiles`, and the filter of 0.10.1
/// `GET /qos-profiles` (which takes `name` and `status` only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QosProfileFilter {
    /// Only profiles available to this device (1.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
    /// Only the profile with this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<QosProfileName>,
    /// Only profiles with this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<QosProfileStatus>,
}
