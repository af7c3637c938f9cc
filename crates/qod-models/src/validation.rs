//! The error for input that breaks a rule of the spec.

use std::borrow::Cow;
use std::fmt;

/// Input that breaks a rule of the QoD spec, found before anything is sent.
///
/// It names the field (a JSON path such as `device.ipv4Address.publicPort`)
/// and the rule in words. It never repeats a secret value.
///
/// ```
/// use qod_models::PhoneNumber;
/// let err = PhoneNumber::parse("12ab").unwrap_err();
/// assert_eq!(err.field(), "phoneNumber");
/// assert!(err.rule().contains("^\\+?[0-9]{5,15}$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: Cow<'static, str>,
    rule: Cow<'static, str>,
}

impl ValidationError {
    /// A new error for `field` breaking `rule`.
    pub fn new(field: impl Into<Cow<'static, str>>, rule: impl Into<Cow<'static, str>>) -> Self {
        ValidationError {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// The JSON path of the offending field.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule that was broken, in words.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The same error with its field placed under `parent`
    /// (`device` + `phoneNumber` gives `device.phoneNumber`).
    #[must_use]
    pub fn under(self, parent: &str) -> Self {
        let field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        ValidationError {
            field: Cow::Owned(field),
            rule: self.rule,
        }
    }

    /// The same error reported for another field name.
    #[must_use]
    pub fn renamed(self, field: impl Into<Cow<'static, str>>) -> Self {
        ValidationError {
            field: field.into(),
            rule: self.rule,
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.rule)
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_builds_json_paths() {
        let err = ValidationError::new("publicPort", "r")
            .under("ipv4Address")
            .under("device");
        assert_eq!(err.field(), "device.ipv4Address.publicPort");
        let err = ValidationError::new("[2]", "r").under("ports");
        assert_eq!(err.field(), "ports[2]");
        assert_eq!(err.to_string(), "invalid `ports[2]`: r");
    }
}
