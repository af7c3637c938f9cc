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
//! In the [OpenID mode](crate::OpenIdConfig), numbers script the user's
//! answer to a three-legged request (a `login_hint` or a JWT Bearer `sub`
//! of `tel:` and the number). Every other number approves as
//! [`CIBA_APPROVED_PHONE_NUMBER`] does; the other fates above apply to the
//! API calls made with the token.
//!
//! | number | CIBA (`bc-authorize`, then polls of `/oauth2/token`) | authorization code | JWT Bearer |
//! |---|---|---|---|
//! | [`CIBA_APPROVED_PHONE_NUMBER`] | `authorization_pending` until the approval delay has passed, then the token | approved | the token |
//! | [`CIBA_SLOW_DOWN_PHONE_NUMBER`] | the first poll `slow_down` (the interval is 5 s longer from then on), then as approved | approved | the token |
//! | [`CIBA_DENIED_PHONE_NUMBER`] | `authorization_pending`, then `access_denied` after the approval delay | `access_denied` | `invalid_grant` |
//! | [`CIBA_NEVER_APPROVED_PHONE_NUMBER`] | `authorization_pending`, then `expired_token` after `expires_in` | `access_denied` | the token (no user asked) |
//! | [`UNKNOWN_PHONE_NUMBER`] | `bc-authorize` answers `unknown_user_id` | `access_denied` | `invalid_grant` |
//!
//! Operator tokens (`operatortoken:...`, TS.43's, opaque elsewhere) of the
//! form [`operator_token`] makes stand for a phone number; any other is
//! unknown.
//!
//! ```
//! use qod_sandbox::test_assets;
//! assert!(test_assets::UNKNOWN_PHONE_NUMBER.starts_with("+999"));
//! assert_eq!(test_assets::operator_token("+14255550100"), "sandbox-14255550100");
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

/// A number whose user approves a CIBA request after the approval delay,
/// as every number not scripted otherwise does.
pub const CIBA_APPROVED_PHONE_NUMBER: &str = "+99999991200";
/// A number whose first CIBA poll is answered `slow_down`, then approves.
pub const CIBA_SLOW_DOWN_PHONE_NUMBER: &str = "+99999991429";
/// A number whose user denies: `access_denied`.
pub const CIBA_DENIED_PHONE_NUMBER: &str = "+99999991403";
/// A number whose user never answers: CIBA ends in `expired_token`.
pub const CIBA_NEVER_APPROVED_PHONE_NUMBER: &str = "+99999991408";

/// What starts an operator token that stands for a phone number.
pub const OPERATOR_TOKEN_PREFIX: &str = "sandbox-";

/// The operator token that stands for `phone` (with or without its `+`):
/// [`OPERATOR_TOKEN_PREFIX`] and the digits. A `login_hint` or a JWT
/// Bearer `sub` sends it as `operatortoken:` and the token.
pub fn operator_token(phone: &str) -> String {
    format!("{OPERATOR_TOKEN_PREFIX}{}", digits(phone))
}

/// How the user a login hint names answers a three-legged request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Consent {
    Approves,
    /// Approves, after one poll answered `slow_down`.
    SlowsDown,
    Denies,
    Never,
    /// No subscriber has the number.
    Unknown,
}

/// How the user of `phone` answers (a device named otherwise approves).
pub(crate) fn consent(phone: Option<&str>) -> Consent {
    let Some(phone) = phone.map(digits) else {
        return Consent::Approves;
    };
    [
        (UNKNOWN_PHONE_NUMBER, Consent::Unknown),
        (CIBA_SLOW_DOWN_PHONE_NUMBER, Consent::SlowsDown),
        (CIBA_DENIED_PHONE_NUMBER, Consent::Denies),
        (CIBA_NEVER_APPROVED_PHONE_NUMBER, Consent::Never),
    ]
    .into_iter()
    .find(|(number, _)| digits(number) == phone)
    .map_or(Consent::Approves, |(_, consent)| consent)
}

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

    #[test]
    fn consents() {
        assert_eq!(consent(Some(CIBA_DENIED_PHONE_NUMBER)), Consent::Denies);
        assert_eq!(consent(Some("99999991429")), Consent::SlowsDown);
        assert_eq!(
            consent(Some(CIBA_NEVER_APPROVED_PHONE_NUMBER)),
            Consent::Never
        );
        assert_eq!(consent(Some(UNKNOWN_PHONE_NUMBER)), Consent::Unknown);
        assert_eq!(consent(Some(CIBA_APPROVED_PHONE_NUMBER)), Consent::Approves);
        assert_eq!(consent(Some("+14255550100")), Consent::Approves);
        assert_eq!(consent(None), Consent::Approves);
        assert_eq!(operator_token("14255550100"), "sandbox-14255550100");
    }
}
