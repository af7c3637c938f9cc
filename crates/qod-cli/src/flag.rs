//! An optional flag's text into its value, with an error that names the flag.

use qod::models::ValidationError;

use crate::failure::Failure;

/// `value` parsed when given; a rule it breaks is reported under `flag`.
pub fn parse<T>(
    value: Option<&str>,
    flag: &'static str,
    parse: impl Fn(&str) -> Result<T, ValidationError>,
) -> Result<Option<T>, Failure> {
    value
        .map(|v| parse(v).map_err(|e| Failure::from(e.renamed(flag))))
        .transpose()
}
