//! Who a three-legged request is for: CIBA's `login_hint`, the
//! authorization request's, and a JWT Bearer `sub`, in the forms of
//! CAMARA's profile: `tel:+<E.164>`, `ipport:<IPv4>:<port>` or
//! `ipport:[<IPv6>][:port]`, and `operatortoken:<token>`, which the
//! sandbox resolves for the tokens of [`operator_token`](crate::test_assets::operator_token).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::rules::device::{DeviceIds, device};
use crate::test_assets::{Consent, OPERATOR_TOKEN_PREFIX, consent};
use crate::wire::Wire;

/// The longest hint read (an operator token is a JWT elsewhere).
const MAX_LENGTH: usize = 4096;

/// The device a hint names, and how its user answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Subject {
    pub(crate) device: Arc<DeviceIds>,
    /// One spelling per device (`tel:+14255550100` for its operator token
    /// too), from which the ID token's pairwise `sub` is made.
    pub(crate) canonical: String,
    pub(crate) consent: Consent,
}

/// Why a hint names no subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HintError {
    /// Not in a form the profile allows.
    Malformed(&'static str),
    /// In a form the profile allows, naming no subscriber.
    Unknown(&'static str),
}

/// Which forms a hint may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forms {
    /// `tel:`, `ipport:` and `operatortoken:` (a `login_hint`).
    All,
    /// `tel:` and `operatortoken:` (a JWT Bearer `sub`).
    PhoneOnly,
}

/// A phone number of the 1.x pattern, `+` and 5 to 15 digits.
fn phone(number: &str) -> Result<Value, HintError> {
    let digits = number.strip_prefix('+').unwrap_or_default();
    if (5..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
    {
        Ok(json!({"phoneNumber": number}))
    } else {
        Err(HintError::Malformed(
            "tel: must be followed by + and an E.164 number, without separators",
        ))
    }
}

/// `ipport:` and what follows: the device's public address and port.
fn ipport(text: &str) -> Result<Value, HintError> {
    const MALFORMED: HintError = HintError::Malformed(
        "ipport: must be followed by IPv4:port or [IPv6]:port (or an IPv6 address alone)",
    );
    if let Some(rest) = text.strip_prefix('[') {
        let (address, port) = rest.split_once(']').ok_or(MALFORMED)?;
        let address: Ipv6Addr = address.parse().map_err(|_| MALFORMED)?;
        if !port.is_empty() {
            port.strip_prefix(':')
                .and_then(|p| p.parse::<u16>().ok())
                .ok_or(MALFORMED)?;
        }
        return Ok(json!({"ipv6Address": address.to_string()}));
    }
    if let Ok(address) = text.parse::<Ipv6Addr>() {
        return Ok(json!({"ipv6Address": address.to_string()}));
    }
    match text.rsplit_once(':') {
        Some((address, port)) => {
            let address: Ipv4Addr = address.parse().map_err(|_| MALFORMED)?;
            let port: u16 = port.parse().map_err(|_| MALFORMED)?;
            Ok(json!({"ipv4Address": {"publicAddress": address.to_string(), "publicPort": port}}))
        }
        None if text.parse::<Ipv4Addr>().is_ok() => Err(HintError::Unknown(
            "the sandbox tells IPv4 devices apart by address and port: give ipport:IPv4:port",
        )),
        None => Err(MALFORMED),
    }
}

/// The canonical spelling of a device.
fn canonical(device: &Value) -> String {
    match (
        device.get("phoneNumber"),
        device.get("ipv4Address"),
        device.get("ipv6Address"),
    ) {
        (Some(Value::String(number)), _, _) => format!("tel:{number}"),
        (_, Some(v4), _) => format!(
            "ipport:{}:{}",
            v4["publicAddress"].as_str().unwrap_or_default(),
            v4["publicPort"]
        ),
        (_, _, Some(Value::String(v6))) => format!("ipport:[{v6}]"),
        _ => String::new(),
    }
}

/// The subject `hint` names, in one of `forms`.
pub(crate) fn subject(hint: &str, forms: Forms) -> Result<Subject, HintError> {
    if hint.len() > MAX_LENGTH {
        return Err(HintError::Malformed("the hint is over 4096 bytes"));
    }
    let (scheme, rest) = hint.split_once(':').ok_or(HintError::Malformed(
        "the hint must be tel:+<number>, ipport:<address> or operatortoken:<token>",
    ))?;
    let named = match (scheme, forms) {
        ("tel", _) => phone(rest)?,
        ("ipport", Forms::All) => ipport(rest)?,
        ("operatortoken", _) => {
            let digits = rest
                .strip_prefix(OPERATOR_TOKEN_PREFIX)
                .ok_or(HintError::Unknown(
                    "the sandbox knows the operator tokens of test_assets::operator_token only",
                ))?;
            phone(&format!("+{digits}"))
                .map_err(|_| HintError::Unknown("the operator token stands for no phone number"))?
        }
        (_, Forms::All) => {
            return Err(HintError::Malformed(
                "the hint must be tel:+<number>, ipport:<address> or operatortoken:<token>",
            ));
        }
        (_, Forms::PhoneOnly) => {
            return Err(HintError::Malformed(
                "the subject must be tel:+<number> or operatortoken:<token>",
            ));
        }
    };
    // The API's own reading of a device, so that the token's is one it serves.
    let ids = device(&named, "login_hint", Wire::V1)
        .map_err(|_| HintError::Malformed("the hint names no device the API serves"))?;
    let consent = consent(ids.phone.as_deref());
    if consent == Consent::Unknown {
        return Err(HintError::Unknown("no subscriber has this number"));
    }
    Ok(Subject {
        canonical: canonical(&named),
        device: Arc::new(ids),
        consent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_assets::{CIBA_DENIED_PHONE_NUMBER, UNKNOWN_PHONE_NUMBER, operator_token};

    fn device_of(hint: &str) -> DeviceIds {
        (*subject(hint, Forms::All).unwrap().device).clone()
    }

    #[test]
    fn the_profiles_forms() {
        let tel = subject("tel:+14255550100", Forms::All).unwrap();
        assert_eq!(tel.device.phone.as_deref(), Some("+14255550100"));
        assert_eq!(tel.canonical, "tel:+14255550100");
        assert_eq!(tel.consent, Consent::Approves);
        let token = subject(
            &format!("operatortoken:{}", operator_token("+14255550100")),
            Forms::PhoneOnly,
        )
        .unwrap();
        assert_eq!(
            token.canonical, tel.canonical,
            "the same device, one pairwise id"
        );
        let v4 = device_of("ipport:80.90.34.2:16790");
        assert_eq!(
            v4.ipv4.map(|ip| (ip.public.to_string(), ip.port)),
            Some(("80.90.34.2".to_owned(), Some(16790)))
        );
        assert_eq!(
            subject("ipport:80.90.34.2:16790", Forms::All)
                .unwrap()
                .canonical,
            "ipport:80.90.34.2:16790"
        );
        for v6 in [
            "ipport:[2001:db8::1]:8080",
            "ipport:[2001:db8::1]",
            "ipport:2001:db8::1",
        ] {
            assert_eq!(
                device_of(v6).ipv6,
                Some("2001:db8::1".parse().unwrap()),
                "{v6}"
            );
        }
        assert_eq!(
            subject(&format!("tel:{CIBA_DENIED_PHONE_NUMBER}"), Forms::All)
                .unwrap()
                .consent,
            Consent::Denies
        );
    }

    #[test]
    fn what_names_no_subject() {
        for hint in [
            "+14255550100",
            "tel:14255550100",
            "tel:+1 425 555 0100",
            "tel:+0425550100",
            "tel:",
            "mailto:a@b",
            "ipport:80.90.34.2:70000",
            "ipport:[2001:db8::1]8080",
            "ipport:[2001:db8::1",
            "ipport:host.example:80",
            "",
            "tel:+1\u{0}",
        ] {
            assert!(
                matches!(subject(hint, Forms::All), Err(HintError::Malformed(_))),
                "{hint:?}"
            );
        }
        assert!(matches!(
            subject("ipport:80.90.34.2:80", Forms::PhoneOnly),
            Err(HintError::Malformed(_))
        ));
        for hint in [
            format!("tel:{UNKNOWN_PHONE_NUMBER}"),
            "operatortoken:eyJhbGciOi".to_owned(),
            "operatortoken:sandbox-12".to_owned(),
            "ipport:80.90.34.2".to_owned(),
        ] {
            assert!(
                matches!(subject(&hint, Forms::All), Err(HintError::Unknown(_))),
                "{hint}"
            );
        }
        assert!(subject(&"tel:+1".repeat(1000), Forms::All).is_err());
    }
}
