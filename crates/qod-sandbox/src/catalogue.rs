//! The QoS profiles the sandbox offers, with their duration limits.

use std::time::Duration;

use qod_models::{
    CountryAvailability, DurationSpec, QosProfile, QosProfileName, QosProfileStatus, Rate,
    RateUnit, ServiceClass, TimeUnit,
};

struct Entry {
    name: &'static str,
    description: &'static str,
    min_seconds: u32,
    max_seconds: u32,
    downstream_mbps: u32,
    delay_ms: u32,
    priority: u32,
    class: ServiceClass,
}

const ENTRIES: &[Entry] = &[
    Entry {
        name: "QOS_VC",
        description: "T-Mobile: video calling",
        min_seconds: 60,
        max_seconds: 86_400,
        downstream_mbps: 10,
        delay_ms: 100,
        priority: 20,
        class: ServiceClass::RealTimeInteractive,
    },
    Entry {
        name: "QOS_XR",
        description: "T-Mobile: extended reality",
        min_seconds: 60,
        max_seconds: 86_400,
        downstream_mbps: 50,
        delay_ms: 20,
        priority: 10,
        class: ServiceClass::RealTimeInteractive,
    },
    Entry {
        name: "QOS_RVM",
        description: "T-Mobile: remote video monitoring",
        min_seconds: 60,
        max_seconds: 86_400,
        downstream_mbps: 20,
        delay_ms: 150,
        priority: 30,
        class: ServiceClass::MultimediaStreaming,
    },
    Entry {
        name: "QOS_POSALE",
        description: "T-Mobile: point of sale",
        min_seconds: 60,
        max_seconds: 86_400,
        downstream_mbps: 1,
        delay_ms: 100,
        priority: 25,
        class: ServiceClass::LowLatencyData,
    },
    Entry {
        name: "QOS_BROADCAST",
        description: "T-Mobile: live broadcast uplink",
        min_seconds: 60,
        max_seconds: 86_400,
        downstream_mbps: 5,
        delay_ms: 200,
        priority: 15,
        class: ServiceClass::BroadcastVideo,
    },
    Entry {
        name: "QOS_E",
        description: "Enhanced communication: stable latency",
        min_seconds: 1,
        max_seconds: 86_400,
        downstream_mbps: 5,
        delay_ms: 50,
        priority: 10,
        class: ServiceClass::RealTimeInteractive,
    },
    Entry {
        name: "QOS_S",
        description: "Small throughput",
        min_seconds: 1,
        max_seconds: 86_400,
        downstream_mbps: 2,
        delay_ms: 300,
        priority: 40,
        class: ServiceClass::Standard,
    },
    Entry {
        name: "QOS_M",
        description: "Medium throughput",
        min_seconds: 1,
        max_seconds: 43_200,
        downstream_mbps: 20,
        delay_ms: 300,
        priority: 40,
        class: ServiceClass::MultimediaStreaming,
    },
    Entry {
        name: "QOS_L",
        description: "Large throughput",
        min_seconds: 1,
        max_seconds: 3_600,
        downstream_mbps: 100,
        delay_ms: 300,
        priority: 40,
        class: ServiceClass::HighThroughputData,
    },
];

/// The sandbox's profiles.
#[derive(Debug, Clone)]
pub struct Catalogue {
    profiles: Vec<QosProfile>,
}

impl Default for Catalogue {
    fn default() -> Self {
        let profiles = ENTRIES
            .iter()
            .filter_map(|entry| {
                let mut profile = QosProfile::new(
                    QosProfileName::parse(entry.name).ok()?,
                    QosProfileStatus::Active,
                );
                profile.description = Some(entry.description.to_owned());
                profile.country_availability = Some(vec![CountryAvailability {
                    country_name: "US".to_owned(),
                    networks: Some(vec!["310260".to_owned()]),
                }]);
                profile.max_downstream_rate =
                    Some(Rate::new(entry.downstream_mbps, RateUnit::Mbps));
                profile.max_upstream_rate =
                    Some(Rate::new(entry.downstream_mbps.div_ceil(2), RateUnit::Mbps));
                profile.min_duration = Some(DurationSpec::seconds(entry.min_seconds));
                profile.max_duration = Some(DurationSpec::seconds(entry.max_seconds));
                profile.packet_delay_budget =
                    Some(DurationSpec::new(entry.delay_ms, TimeUnit::Milliseconds));
                profile.priority = Some(entry.priority);
                profile.service_class = Some(entry.class.clone());
                Some(profile)
            })
            .collect();
        Catalogue { profiles }
    }
}

impl Catalogue {
    /// Every profile.
    pub fn all(&self) -> &[QosProfile] {
        &self.profiles
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Option<&QosProfile> {
        self.profiles.iter().find(|p| p.name.as_str() == name)
    }

    /// The duration limits of a profile, in seconds.
    pub fn limits(profile: &QosProfile) -> (u64, u64) {
        let seconds = |spec: &Option<DurationSpec>, default: u64| {
            spec.as_ref()
                .and_then(DurationSpec::to_std)
                .map_or(default, |d: Duration| d.as_secs())
        };
        (
            seconds(&profile.min_duration, 1),
            seconds(&profile.max_duration, 86_400),
        )
    }
}
