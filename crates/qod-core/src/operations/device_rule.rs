//! QoD 1.x's rule "identifying the device from the access token": a
//! two-legged token needs the device in the request, a three-legged token
//! names it already and the request must not (the server answers 422
//! `MISSING_IDENTIFIER` or `UNNECESSARY_IDENTIFIER`). Checked before
//! anything is sent.

use qod_models::ValidationError;

use crate::ApiVersion;
use crate::auth::TokenLegs;

/// How an operation names the device, for the device rule.
///
/// ```
/// use qod_core::Operation;
/// use qod_core::operations::{CreateSessionOp, DeviceField, GetSessionOp};
/// use qod_core::models::{CreateSession, QosProfileName};
/// let without_device = CreateSession::for_token_device(QosProfileName::parse("QOS_E")?);
/// let op = CreateSessionOp::new(without_device);
/// assert_eq!(op.device_field(), DeviceField::Subject { given: false });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceField {
    /// The operation is not about a device (a session or profile by id).
    None,
    /// The device is whom the call is for (creating a session, retrieving
    /// a device's sessions or assignment): required with a two-legged
    /// token, forbidden with a three-legged one.
    Subject {
        /// Whether the request names a device.
        given: bool,
    },
    /// The device narrows what is read (the QoS profiles filter): optional
    /// with a two-legged token, forbidden with a three-legged one.
    Filter {
        /// Whether the request names a device.
        given: bool,
    },
}

/// Refuses a request that breaks the device rule for tokens of `legs` on
/// `version` (0.10 has no such rule; credentials whose tokens could be
/// either are not judged).
pub(crate) fn check(
    field: DeviceField,
    legs: TokenLegs,
    version: ApiVersion,
) -> Result<(), ValidationError> {
    if version != ApiVersion::V1 {
        return Ok(());
    }
    let given = match field {
        DeviceField::None => return Ok(()),
        DeviceField::Subject { given } | DeviceField::Filter { given } => given,
    };
    match legs {
        TokenLegs::Three if given => Err(ValidationError::new(
            "device",
            "must not be given with a three-legged token, which names the device already \
             (the server would answer 422 UNNECESSARY_IDENTIFIER, even for the same device)",
        )),
        TokenLegs::Two if !given && matches!(field, DeviceField::Subject { .. }) => {
            Err(ValidationError::new(
                "device",
                "is required with two-legged credentials, whose token names no device \
                 (the server would answer 422 MISSING_IDENTIFIER)",
            ))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_by_legs_and_field() {
        let subject = |given| DeviceField::Subject { given };
        let filter = |given| DeviceField::Filter { given };
        let v1 = ApiVersion::V1;
        // Three-legged: never a device.
        assert!(check(subject(true), TokenLegs::Three, v1).is_err());
        assert!(check(filter(true), TokenLegs::Three, v1).is_err());
        assert!(check(subject(false), TokenLegs::Three, v1).is_ok());
        assert!(check(filter(false), TokenLegs::Three, v1).is_ok());
        // Two-legged: a subject device is required, a filter optional.
        assert!(check(subject(false), TokenLegs::Two, v1).is_err());
        assert!(check(subject(true), TokenLegs::Two, v1).is_ok());
        assert!(check(filter(false), TokenLegs::Two, v1).is_ok());
        // Not judged: unknown tokens, operations without a device, 0.10.
        assert!(check(subject(true), TokenLegs::Unknown, v1).is_ok());
        assert!(check(subject(false), TokenLegs::Unknown, v1).is_ok());
        assert!(check(DeviceField::None, TokenLegs::Three, v1).is_ok());
        assert!(check(subject(true), TokenLegs::Three, ApiVersion::V0_10).is_ok());
        assert!(check(subject(false), TokenLegs::Two, ApiVersion::V0_10).is_ok());
    }

    #[test]
    fn the_refusal_names_the_field_and_the_servers_code() {
        let error = check(
            DeviceField::Subject { given: true },
            TokenLegs::Three,
            ApiVersion::V1,
        )
        .unwrap_err();
        assert_eq!(error.field(), "device");
        assert!(error.rule().contains("UNNECESSARY_IDENTIFIER"), "{error}");
        let error = check(
            DeviceField::Subject { given: false },
            TokenLegs::Two,
            ApiVersion::V1,
        )
        .unwrap_err();
        assert!(error.rule().contains("MISSING_IDENTIFIER"), "{error}");
    }
}
