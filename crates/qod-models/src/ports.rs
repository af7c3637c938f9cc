//! Ports, port ranges and the `PortsSpec` object.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::ValidationError;

/// A TCP or UDP port, 0..=65535.
///
/// ```
/// use qod_models::Port;
/// assert_eq!(Port::try_from(5060_i64).unwrap().get(), 5060);
/// assert!(Port::try_from(70000_i64).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Port(u16);

impl Port {
    /// A port.
    pub const fn new(port: u16) -> Self {
        Port(port)
    }

    /// The port number.
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl From<u16> for Port {
    fn from(port: u16) -> Self {
        Port(port)
    }
}

impl TryFrom<i64> for Port {
    type Error = ValidationError;
    fn try_from(value: i64) -> Result<Self, ValidationError> {
        u16::try_from(value)
            .map(Port)
            .map_err(|_| ValidationError::new("port", format!("must be in 0..=65535, got {value}")))
    }
}

impl FromStr for Port {
    type Err = ValidationError;
    fn from_str(text: &str) -> Result<Self, ValidationError> {
        let text = text.trim();
        match text.parse::<i64>() {
            Ok(value) => Port::try_from(value),
            Err(_) => Err(ValidationError::new(
                "port",
                format!("must be a whole number in 0..=65535, got {text:?}"),
            )),
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        Port::try_from(value).map_err(serde::de::Error::custom)
    }
}

/// An inclusive range of ports, `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortRange {
    /// First port of the range.
    pub from: Port,
    /// Last port of the range.
    pub to: Port,
}

impl PortRange {
    /// A range, refused when `from > to`.
    ///
    /// ```
    /// use qod_models::PortRange;
    /// assert!(PortRange::new(5010, 5020).is_ok());
    /// assert!(PortRange::new(5020, 5010).is_err());
    /// ```
    pub fn new(from: u16, to: u16) -> Result<Self, ValidationError> {
        let range = PortRange {
            from: Port(from),
            to: Port(to),
        };
        range.validate()?;
        Ok(range)
    }

    /// Checks `from <= to`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.from > self.to {
            Err(ValidationError::new(
                "from",
                format!(
                    "must not be greater than `to` ({} > {})",
                    self.from, self.to
                ),
            ))
        } else {
            Ok(())
        }
    }

    /// Whether `port` lies in the range.
    pub fn contains(&self, port: Port) -> bool {
        self.from <= port && port <= self.to
    }
}

/// Single ports and port ranges (`PortsSpec`); at least one of the two lists,
/// and neither empty when present.
///
/// It parses from the command-line form `5010-5020,5060`:
///
/// ```
/// use qod_models::PortsSpec;
/// let spec: PortsSpec = "5010-5020,5060,5070".parse().unwrap();
/// assert_eq!(spec.ports.as_ref().map(Vec::len), Some(2));
/// assert_eq!(spec.ranges.as_ref().map(Vec::len), Some(1));
/// assert!("5020-5010".parse::<PortsSpec>().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortsSpec {
    /// Port ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<PortRange>>,
    /// Single ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<Port>>,
}

impl PortsSpec {
    /// A spec of single ports.
    pub fn ports(ports: impl IntoIterator<Item = u16>) -> Self {
        PortsSpec {
            ranges: None,
            ports: Some(ports.into_iter().map(Port).collect()),
        }
    }

    /// Checks the spec's rules: at least one list, no empty list, every range ordered.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.ranges.is_none() && self.ports.is_none() {
            return Err(ValidationError::new(
                "",
                "must contain `ranges` or `ports` (minProperties: 1)",
            ));
        }
        if let Some(ranges) = &self.ranges {
            if ranges.is_empty() {
                return Err(ValidationError::new(
                    "ranges",
                    "must not be empty (minItems: 1)",
                ));
            }
            for (index, range) in ranges.iter().enumerate() {
                range
                    .validate()
                    .map_err(|e| e.under(&format!("[{index}]")).under("ranges"))?;
            }
        }
        if self.ports.as_ref().is_some_and(Vec::is_empty) {
            return Err(ValidationError::new(
                "ports",
                "must not be empty (minItems: 1)",
            ));
        }
        Ok(())
    }

    /// Whether `port` is covered by the spec.
    pub fn contains(&self, port: Port) -> bool {
        self.ports.iter().flatten().any(|p| *p == port)
            || self.ranges.iter().flatten().any(|r| r.contains(port))
    }
}

impl FromStr for PortsSpec {
    type Err = ValidationError;

    fn from_str(text: &str) -> Result<Self, ValidationError> {
        let mut spec = PortsSpec::default();
        for (index, item) in text.split(',').enumerate() {
            let item = item.trim();
            let at = |e: ValidationError| e.renamed(format!("ports[{index}]"));
            if item.is_empty() {
                return Err(at(ValidationError::new("", "empty entry")));
            }
            match item.split_once('-') {
                Some((from, to)) => {
                    let from: Port = from.parse().map_err(at)?;
                    let to: Port = to.parse().map_err(at)?;
                    let range = PortRange::new(from.get(), to.get()).map_err(at)?;
                    spec.ranges.get_or_insert_with(Vec::new).push(range);
                }
                None => spec
                    .ports
                    .get_or_insert_with(Vec::new)
                    .push(item.parse().map_err(at)?),
            }
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_bounds() {
        assert!(Port::try_from(0_i64).is_ok());
        assert!(Port::try_from(65535_i64).is_ok());
        assert!(Port::try_from(65536_i64).is_err());
        assert!(Port::try_from(-1_i64).is_err());
        assert!(serde_json::from_str::<Port>("70000").is_err());
        assert!("http".parse::<Port>().is_err());
    }

    #[test]
    fn spec_rules() {
        assert_eq!(
            PortsSpec::default().validate().unwrap_err().rule(),
            "must contain `ranges` or `ports` (minProperties: 1)"
        );
        let empty = PortsSpec {
            ranges: Some(vec![]),
            ports: None,
        };
        assert_eq!(empty.validate().unwrap_err().field(), "ranges");
        let reversed = PortsSpec {
            ranges: Some(vec![PortRange {
                from: Port(9),
                to: Port(1),
            }]),
            ports: None,
        };
        assert_eq!(reversed.validate().unwrap_err().field(), "ranges[0].from");
        assert!(",".parse::<PortsSpec>().is_err());
        assert_eq!(
            "1-2,3".parse::<PortsSpec>().map(|s| s.contains(Port(2))),
            Ok(true)
        );
    }
}
