//! Devices and profiles with a known fate, for trying the answers a real
//! network gives only to some subscribers: the sandbox otherwise serves
//! every well-formed device. The phone numbers use the `+999` country
//! code, which the ITU has not assigned.
//!
//! | asset | QoD 1.x, QoS Profiles | QoD 0.10.1 (`/qod/v0`) |
//! |---|---|---|
//! | [`UNKNOWN_PHONE_NUMBER`] | 404 `IDENTIFIER_NOT_FOUND` | served as any device |
//! | [`NOT_APPLICABLE_PHONE_NUMBER`] | 422 `SERVICE_NOT_APPLICABLE` | served as any device |
//! | [`NO_PROFILES_PHONE_NUMBER`] | `retrieve-qos-profiles` answers `[]`; a create 422 `SERVICE_NOT_APPLICABLE` | served as any device |
//! | [`NETWORK_TERMINATED_PHONE_NUMBER`] | the session never starts: `REQUESTED`, then `UNAVAILABLE` with `NETWORK_TERMINATED` | the same |
//! | [`PARTNER_PHONE_NUMBER`] | the only device [`RESTRICTED_PROFILE`] is for | the same |
//! | [`RESTRICTED_PROFILE`] (`ACTIVE`) | listed only for [`PARTNER_PHONE_NUMBER`]; a create for another device 422 `SERVICE_NOT_APPLICABLE` | not listed; a create for another device 400 |
//! | [`INACTIVE_PROFILE`] (`INACTIVE`) | a create 422 `QUALITY_ON_DEMAND.QOS_PROFILE_NOT_APPLICABLE` | a create 400 |
//!
//! ```
//! assert!(qod_sandbox::test_assets::UNKNOWN_PHONE_NUMBER.starts_with("+999"));
//! ```

/// A number no device has.
pub const UNKNOWN_PHONE_NUMBER: &str = "+99999990404";
/// A device the service does not apply to.
pub const NOT_APPLICABLE_PHONE_NUMBER: &str = "+99999990422";
/// A device no QoS profile is available to.
pub const NO_PROFILES_PHONE_NUMBER: &str = "+99999990204";
/// A device whose sessions the network fails to set up.
pub const NETWORK_TERMINATED_PHONE_NUMBER: &str = "+99999990503";
/// The device [`RESTRICTED_PROFILE`] is available to.
pub const PARTNER_PHONE_NUMBER: &str = "+99999990001";
/// An `ACTIVE` profile available to [`PARTNER_PHONE_NUMBER`] only.
pub const RESTRICTED_PROFILE: &str = "QOS_PARTNER";
/// A profile that exists but is `INACTIVE`.
pub const INACTIVE_PROFILE: &str = "QOS_RETIRED";

/// What the sandbox knows of a device named by `phone` (any version's form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KnownDevice {
    Unknown,
    NotApplicable,
    NoProfiles,
    NetworkTerminated,
    Partner,
    Ordinary,
}

fn digits(number: &str) -> &str {
    number.strip_prefix('+').unwrap_or(number)
}

pub(crate) fn known_device(phone: Option<&str>) -> KnownDevice {
    let Some(phone) = phone.map(digits) else {
        return KnownDevice::Ordinary;
    };
    [
        (UNKNOWN_PHONE_NUMBER, KnownDevice::Unknown),
        (NOT_APPLICABLE_PHONE_NUMBER, KnownDevice::NotApplicable),
        (NO_PROFILES_PHONE_NUMBER, KnownDevice::NoProfiles),
        (
            NETWORK_TERMINATED_PHONE_NUMBER,
            KnownDevice::NetworkTerminated,
        ),
        (PARTNER_PHONE_NUMBER, KnownDevice::Partner),
    ]
    .into_iter()
    .find(|(number, _)| digits(number) == phone)
    .map_or(KnownDevice::Ordinary, |(_, known)| known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_or_without_plus() {
        assert_eq!(known_device(Some("99999990404")), KnownDevice::Unknown);
        assert_eq!(
            known_device(Some(NETWORK_TERMINATED_PHONE_NUMBER)),
            KnownDevice::NetworkTerminated
        );
        assert_eq!(known_device(Some("+14255550100")), KnownDevice::Ordinary);
        assert_eq!(known_device(None), KnownDevice::Ordinary);
    }
}
