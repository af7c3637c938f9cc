//! Identifiers: session and assignment ids, correlators, QoS profile names.

use uuid::Uuid;

use crate::uuid_identifier::uuid_identifier;
use crate::validated_string::{check_length, validated_string};

uuid_identifier! {
    /// A QoS session id: a UUID.
    ///
    /// ```
    /// use qod_models::SessionId;
    /// let id: SessionId = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
    /// assert_eq!(id.to_string(), "123e4567-e89b-12d3-a456-426614174000");
    /// assert!("not-a-uuid".parse::<SessionId>().is_err());
    /// ```
    pub struct SessionId;
    field = "sessionId";
}

uuid_identifier! {
    /// A QoS assignment id (QoS Provisioning's `assignmentId`): a UUID.
    ///
    /// ```
    /// use qod_models::AssignmentId;
    /// let id: AssignmentId = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap();
    /// assert_eq!(id.to_string(), "3fa85f64-5717-4562-b3fc-2c963f66afa6");
    /// assert_eq!(AssignmentId::parse("3fa85f64").unwrap_err().field(), "assignmentId");
    /// ```
    pub struct AssignmentId;
    field = "assignmentId";
}

fn check_correlator(value: &str) -> Result<(), String> {
    const ALLOWED: &str = "-_:;./<>{}";
    // The spec's pattern allows an empty value, but an empty header
    // correlates nothing: leave the correlator out to get a fresh one.
    if value.is_empty() {
        return Err("must not be empty (leave it out and a fresh UUID is sent)".to_owned());
    }
    if value.len() > 256 {
        return Err(format!(
            "must match ^[a-zA-Z0-9-_:;.\\/<>{{}}]{{0,256}}$ (at most 256 characters, got {})",
            value.chars().count()
        ));
    }
    match value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || ALLOWED.contains(*c)))
    {
        Some(c) => Err(format!(
            "must match ^[a-zA-Z0-9-_:;.\\/<>{{}}]{{0,256}}$ (character {c:?} is not allowed)"
        )),
        None => Ok(()),
    }
}

validated_string! {
    /// The `x-correlator` header value qod sends:
    /// `^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`, and not empty.
    ///
    /// ```
    /// use qod_models::XCorrelator;
    /// assert!(XCorrelator::parse("b4333c46-49c0-4f62-80d7-f0ef930f1c46").is_ok());
    /// assert!(XCorrelator::parse("has space").is_err());
    /// assert!(XCorrelator::parse("").is_err());
    /// ```
    pub struct XCorrelator;
    field = "x-correlator";
    check = check_correlator;
}

impl XCorrelator {
    /// A correlator made from a UUID (always valid).
    pub fn from_uuid(id: Uuid) -> Self {
        // Encoded into a stack buffer, not through `fmt`: one per call.
        let mut buffer = Uuid::encode_buffer();
        XCorrelator(id.hyphenated().encode_lower(&mut buffer).to_owned())
    }
}

fn check_profile_name(value: &str) -> Result<(), String> {
    check_length(value, 3, 256)?;
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "must match ^[a-zA-Z0-9_.-]+$ (character {c:?} is not allowed)"
        ));
    }
    Ok(())
}

validated_string! {
    /// A QoS profile name: 3 to 256 characters of `^[a-zA-Z0-9_.-]+$`.
    ///
    /// T-Mobile's names are `QOS_VC`, `QOS_XR`, `QOS_RVM`, `QOS_POSALE` and
    /// `QOS_BROADCAST`; other operators use `QOS_E`, `QOS_S`, `QOS_M`, `QOS_L`
    /// or their own, so this is a string and not a closed enum.
    ///
    /// ```
    /// use qod_models::QosProfileName;
    /// assert!(QosProfileName::parse("QOS_VC").is_ok());
    /// assert!(QosProfileName::parse("QS").is_err());
    /// ```
    pub struct QosProfileName;
    field = "qosProfile";
    check = check_profile_name;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_correlator_is_the_uuid_hyphenated_in_lower_case() {
        let id = Uuid::from_u128(0x3FA8_5F64_5717_4562_B3FC_2C96_3F66_AFA6);
        let correlator = XCorrelator::from_uuid(id);
        assert_eq!(correlator.as_str(), "3fa85f64-5717-4562-b3fc-2c963f66afa6");
        assert_eq!(correlator.as_str(), id.hyphenated().to_string());
        assert_eq!(XCorrelator::parse(correlator.as_str()), Ok(correlator));
    }

    #[test]
    fn correlator_rules() {
        assert!(XCorrelator::parse("").unwrap_err().rule().contains("empty"));
        assert!(XCorrelator::parse("a-b_c:d;e.f/g<h>{i}").is_ok());
        assert!(XCorrelator::parse("x".repeat(256)).is_ok());
        let long = XCorrelator::parse("x".repeat(257)).unwrap_err();
        assert_eq!(long.field(), "x-correlator");
        assert!(long.rule().contains("at most 256"));
        assert!(XCorrelator::parse("a\nb").is_err());
        assert!(XCorrelator::parse("é").is_err());
    }

    #[test]
    fn profile_name_rules() {
        assert!(QosProfileName::parse("QOS").is_ok());
        assert!(QosProfileName::parse("a".repeat(256)).is_ok());
        assert!(QosProfileName::parse("a".repeat(257)).is_err());
        assert!(
            QosProfileName::parse("QOS VC")
                .unwrap_err()
                .rule()
                .contains("' '")
        );
        assert!(QosProfileName::parse("QOS/VC").is_err());
    }

    #[test]
    fn session_id_serde() {
        let id: SessionId =
            serde_json::from_str("\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\""
        );
        assert!(serde_json::from_str::<SessionId>("\"3fa85f64\"").is_err());
        assert_eq!(
            format!("{id:?}"),
            "SessionId(3fa85f64-5717-4562-b3fc-2c963f66afa6)"
        );
    }

    #[test]
    fn assignment_id_serde() {
        let id: AssignmentId =
            serde_json::from_str("\"3FA85F64-5717-4562-B3FC-2C963F66AFA6\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\""
        );
        assert_eq!(
            format!("{id:?}"),
            "AssignmentId(3fa85f64-5717-4562-b3fc-2c963f66afa6)"
        );
        let error = serde_json::from_str::<AssignmentId>("5").unwrap_err();
        assert!(error.to_string().contains("string"), "{error}");
    }
}
