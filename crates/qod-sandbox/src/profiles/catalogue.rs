//! The QoS profiles the sandbox offers, with their duration limits.

use std::time::Duration;

use qod_models::{
    CountryAvailability, DurationSpec, QosProfile, QosProfileName, QosProfileStatus, Rate,
    RateUnit, ServiceClass, TimeUnit,
};

use crate::test_assets::{INACTIVE_PROFILE, KnownDevice, RESTRICTED_PROFILE};

struct Entry {
    name: &'static str,
    description: &'static str,
    min_seconds: u32,
    max_seconds: u32,
    downstream_mbps: u32,
    delay_ms: u32,
    priority: u32,
    class: ServiceClass,
    status: &'static str,
    /// Available to one test device only.
    partner_only: bool,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
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
        status: "ACTIVE",
        partner_only: false,
    },
    Entry {
        name: RESTRICTED_PROFILE,
        description: "Sandbox test asset: for one partner device only",
        min_seconds: 1,
        max_seconds: 86_400,
        downstream_mbps: 50,
        delay_ms: 50,
        priority: 5,
        class: ServiceClass::RealTimeInteractive,
        status: "ACTIVE",
        partner_only: true,
    },
    Entry {
        name: INACTIVE_PROFILE,
        description: "Sandbox test asset: not available for new sessions",
        min_seconds: 1,
        max_seconds: 86_400,
        downstream_mbps: 1,
        delay_ms: 300,
        priority: 50,
        class: ServiceClass::Standard,
        status: "INACTIVE",
        partner_only: false,
    },
];

/// The sandbox's profiles.
#[derive(Debug, Clone)]
pub struct Catalogue {
    profiles: Vec<QosProfile>,
    /// For each profile: whether only the partner test device may use it.
    partner_only: Vec<bool>,
}

impl Default for Catalogue {
    fn default() -> Self {
        let (profiles, partner_only) = ENTRIES
            .iter()
            .filter_map(|entry| {
                let mut profile = QosProfile::new(
                    QosProfileName::parse(entry.name).ok()?,
                    QosProfileStatus::from(entry.status),
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
                Some((profile, entry.partner_only))
            })
            .unzip();
        Catalogue {
            profiles,
            partner_only,
        }
    }
}

/// Which device a listing is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    /// No device given: restricted profiles are left out.
    Anyone,
    /// A device, as the test assets know it.
    Device(KnownDevice),
}

/// Why a create may not use the profile it names; each API answers each
/// reason in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unusable<'a> {
    /// No profile has the name.
    Unknown,
    /// The profile is not `ACTIVE`: its status.
    NotActive(&'a str),
    /// The device may not use it.
    NotForDevice,
}

impl Catalogue {
    /// This catalogue with each named profile's `maxDuration` set to its
    /// seconds ([`SandboxConfig::max_durations`](crate::SandboxConfig::max_durations)).
    /// `Err` says what is wrong: a name no profile has, or seconds below
    /// the profile's `minDuration`.
    pub(crate) fn with_max_durations(
        mut self,
        overrides: &[(String, u32)],
    ) -> Result<Catalogue, String> {
        for (name, seconds) in overrides {
            let profile = self
                .profiles
                .iter_mut()
                .find(|p| p.name.as_str() == name)
                .ok_or_else(|| format!("max_durations: no QoS profile is called {name}"))?;
            let (min, _) = Catalogue::limits(profile);
            if u64::from(*seconds) < min {
                return Err(format!(
                    "max_durations: {name}'s maxDuration of {seconds} s is below its minDuration of {min} s"
                ));
            }
            profile.max_duration = Some(DurationSpec::seconds(*seconds));
        }
        Ok(self)
    }

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

    /// Whether `device` may use the profile called `name`.
    pub(crate) fn available_to(&self, name: &str, device: KnownDevice) -> bool {
        let partner_only = self
            .profiles
            .iter()
            .zip(&self.partner_only)
            .find(|(p, _)| p.name.as_str() == name)
            .is_some_and(|(_, only)| *only);
        match device {
            KnownDevice::NoProfiles => false,
            KnownDevice::Partner => true,
            _ => !partner_only,
        }
    }

    /// The profile called `name`, when a create for `device` may use it.
    pub(crate) fn usable(
        &self,
        name: &str,
        device: KnownDevice,
    ) -> Result<&QosProfile, Unusable<'_>> {
        let profile = self.get(name).ok_or(Unusable::Unknown)?;
        if profile.status.as_str() != "ACTIVE" {
            return Err(Unusable::NotActive(profile.status.as_str()));
        }
        if !self.available_to(name, device) {
            return Err(Unusable::NotForDevice);
        }
        Ok(profile)
    }

    /// The profiles `audience` may see, filtered by name and status.
    pub(crate) fn listed(
        &self,
        audience: Audience,
        name: Option<&str>,
        status: Option<&str>,
    ) -> Vec<&QosProfile> {
        self.profiles
            .iter()
            .zip(&self.partner_only)
            .filter(|(p, partner_only)| match audience {
                Audience::Anyone => !**partner_only,
                Audience::Device(device) => self.available_to(p.name.as_str(), device),
            })
            .map(|(p, _)| p)
            .filter(|p| name.is_none_or(|n| p.name.as_str() == n))
            .filter(|p| status.is_none_or(|s| p.status.as_str() == s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_profiles_show_to_their_device_only() {
        let catalogue = Catalogue::default();
        let names = |audience| -> Vec<&str> {
            catalogue
                .listed(audience, None, None)
                .iter()
                .map(|p| p.name.as_str())
                .collect()
        };
        assert!(!names(Audience::Anyone).contains(&RESTRICTED_PROFILE));
        assert!(names(Audience::Anyone).contains(&INACTIVE_PROFILE));
        assert!(names(Audience::Device(KnownDevice::Partner)).contains(&RESTRICTED_PROFILE));
        assert!(!names(Audience::Device(KnownDevice::Ordinary)).contains(&RESTRICTED_PROFILE));
        assert!(names(Audience::Device(KnownDevice::NoProfiles)).is_empty());
        assert_eq!(
            catalogue
                .listed(Audience::Anyone, None, Some("INACTIVE"))
                .len(),
            1
        );
        assert!(catalogue.available_to("QOS_E", KnownDevice::Ordinary));
        assert!(!catalogue.available_to(RESTRICTED_PROFILE, KnownDevice::Ordinary));
    }

    #[test]
    fn max_durations_are_overridden_or_refused() {
        let catalogue = Catalogue::default()
            .with_max_durations(&[("QOS_E".to_owned(), 30), ("QOS_L".to_owned(), 5)])
            .unwrap();
        let max = |name| catalogue.get(name).map(|p| Catalogue::limits(p).1);
        assert_eq!(max("QOS_E"), Some(30));
        assert_eq!(max("QOS_L"), Some(5));
        assert_eq!(
            max("QOS_S"),
            Some(86_400),
            "the others are left as they are"
        );
        let refused = |name: &str, seconds| {
            Catalogue::default()
                .with_max_durations(&[(name.to_owned(), seconds)])
                .unwrap_err()
        };
        assert!(refused("QOS_NONE", 30).contains("no QoS profile"));
        assert!(refused("QOS_VC", 59).contains("below its minDuration of 60 s"));
        assert!(refused("QOS_E", 0).contains("below"));
    }

    #[test]
    fn why_a_create_may_not_use_a_profile() {
        let catalogue = Catalogue::default();
        let usable = |name, device| catalogue.usable(name, device).map(|p| p.name.as_str());
        assert_eq!(usable("QOS_E", KnownDevice::Ordinary), Ok("QOS_E"));
        assert_eq!(
            usable("QOS_NONE", KnownDevice::Ordinary),
            Err(Unusable::Unknown)
        );
        assert_eq!(
            usable(INACTIVE_PROFILE, KnownDevice::Partner),
            Err(Unusable::NotActive("INACTIVE"))
        );
        assert_eq!(
            usable(RESTRICTED_PROFILE, KnownDevice::Ordinary),
            Err(Unusable::NotForDevice)
        );
        assert_eq!(
            usable(RESTRICTED_PROFILE, KnownDevice::Partner),
            Ok(RESTRICTED_PROFILE)
        );
        assert_eq!(
            usable("QOS_E", KnownDevice::NoProfiles),
            Err(Unusable::NotForDevice)
        );
    }
}
