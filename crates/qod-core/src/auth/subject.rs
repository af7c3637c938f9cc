//! Whose three-legged token it is: CAMARA's `login_hint` (CIBA) and JWT
//! Bearer `sub` forms.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

use qod_models::{PhoneNumber, SecretString};

use crate::auth::{AuthError, MAX_BEARER_TOKEN_BYTES};

/// The forms a subject is written in, for error messages.
const FORMS: &str = "tel:+<E.164 number, digits only>, ipport:<IPv4>[:port], \
                     ipport:[<IPv6>][:port] or operatortoken:<token>";

/// What a [`Subject`] names the user by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubjectKind {
    /// `tel:+<E.164>`: a phone number.
    PhoneNumber,
    /// `ipport:<address>[:port]`: the device's public IP address, and port.
    IpPort,
    /// `operatortoken:<token>`: a GSMA TS.43 operator token.
    OperatorToken,
}

#[derive(Debug)]
enum Form {
    PhoneNumber,
    IpPort { address: IpAddr, port: Option<u16> },
    OperatorToken,
}

struct Inner {
    /// What goes on the wire, operator token included.
    wire: Box<str>,
    form: Form,
}

/// The user a three-legged token is for, in one of CAMARA's forms: the
/// `login_hint` of a CIBA request and the `sub` of a JWT Bearer assertion.
///
/// - `tel:+<E.164>`: `+`, a digit 1-9 and 4 to 14 more digits, with no
///   separator (QoD 1.1.0's `^\+[1-9][0-9]{4,14}$`);
/// - `ipport:<IPv4>[:port]` and `ipport:[<IPv6>][:port]`: the address in
///   its usual form (brackets always around IPv6), the port a decimal in
///   `0..=65535` with no sign and no leading zero;
/// - `operatortoken:<token>`: visible ASCII. The token is a secret: it
///   never prints.
///
/// [`Display`](fmt::Display) gives the wire string, with an operator token
/// written as `[redacted]`; [`Subject::expose`] gives it whole. Addresses
/// are kept in their canonical form (`ipport:[2001:DB8::1]` becomes
/// `ipport:[2001:db8::1]`), so equal subjects are equal values. It is
/// cheap to clone and can key a cache.
///
/// ```
/// use qod_core::auth::{Subject, SubjectKind};
/// let phone = Subject::parse("tel:+34666666666")?;
/// assert_eq!(phone.kind(), SubjectKind::PhoneNumber);
/// assert_eq!(phone.to_string(), "tel:+34666666666");
///
/// let device = Subject::parse("ipport:[2001:db8::1]:8080")?;
/// assert_eq!(device.port(), Some(8080));
///
/// let token = Subject::parse("operatortoken:ey-secret")?;
/// assert_eq!(token.to_string(), "operatortoken:[redacted]");
/// assert!(!format!("{token:?}").contains("ey-secret"));
/// assert_eq!(token.expose(), "operatortoken:ey-secret");
///
/// assert!(Subject::parse("tel:+34 666 666 666").is_err());
/// assert!(Subject::parse("+34666666666").is_err());
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Clone)]
pub struct Subject {
    inner: Arc<Inner>,
}

/// A malformed subject: the error says which form and what is wrong, and
/// never quotes the text (it may be a mistyped operator token).
fn malformed(what: &str) -> AuthError {
    AuthError::Config(format!("login hint: {what}; expected {FORMS}"))
}

impl Subject {
    fn new(wire: String, form: Form) -> Self {
        Subject {
            inner: Arc::new(Inner {
                wire: wire.into_boxed_str(),
                form,
            }),
        }
    }

    /// Parses one of the forms above. The error names the forms expected
    /// and never quotes `text`.
    pub fn parse(text: &str) -> Result<Self, AuthError> {
        if let Some(number) = text.strip_prefix("tel:") {
            Self::phone_number(number)
        } else if let Some(rest) = text.strip_prefix("ipport:") {
            let (address, port) = parse_ip_port(rest)?;
            Ok(Self::ip(address, port))
        } else if let Some(token) = text.strip_prefix("operatortoken:") {
            Self::operator_token(token)
        } else {
            Err(malformed(
                "it does not start with tel:, ipport: or operatortoken: (lower case)",
            ))
        }
    }

    /// `tel:` and `number`, an E.164 number written `+` and 5 to 15 digits,
    /// the first not 0, with no separator.
    pub fn phone_number(number: &str) -> Result<Self, AuthError> {
        let digits = number
            .strip_prefix('+')
            .ok_or_else(|| malformed("a tel: number starts with '+'"))?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed(
                "a tel: number has digits only after '+', with no separator",
            ));
        }
        if !(5..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(malformed(
                "a tel: number has 5 to 15 digits after '+', the first not 0",
            ));
        }
        Ok(Self::new(format!("tel:{number}"), Form::PhoneNumber))
    }

    /// `tel:` and the number of `number`, which must be in the strict E.164
    /// form with `+` (QoD 1.x's rule).
    pub fn from_phone_number(number: &PhoneNumber) -> Result<Self, AuthError> {
        Self::phone_number(number.as_str())
    }

    /// `ipport:` and `address`, with `port` if given.
    pub fn ip(address: IpAddr, port: Option<u16>) -> Self {
        let wire = match (address, port) {
            (IpAddr::V4(v4), None) => format!("ipport:{v4}"),
            (IpAddr::V4(v4), Some(port)) => format!("ipport:{v4}:{port}"),
            (IpAddr::V6(v6), None) => format!("ipport:[{v6}]"),
            (IpAddr::V6(v6), Some(port)) => format!("ipport:[{v6}]:{port}"),
        };
        Self::new(wire, Form::IpPort { address, port })
    }

    /// `operatortoken:` and `token`: not empty, visible ASCII, at most
    /// 16 KiB. The error never quotes the token.
    pub fn operator_token(token: impl Into<SecretString>) -> Result<Self, AuthError> {
        let token = token.into();
        let token = token.expose();
        if token.is_empty() {
            return Err(malformed("the operator token is empty"));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(malformed(
                "an operator token is visible ASCII (no space, control or non-ASCII character)",
            ));
        }
        if token.len() > MAX_BEARER_TOKEN_BYTES {
            return Err(malformed("the operator token is longer than 16 KiB"));
        }
        Ok(Self::new(
            format!("operatortoken:{token}"),
            Form::OperatorToken,
        ))
    }

    /// Its form.
    pub fn kind(&self) -> SubjectKind {
        match self.inner.form {
            Form::PhoneNumber => SubjectKind::PhoneNumber,
            Form::IpPort { .. } => SubjectKind::IpPort,
            Form::OperatorToken => SubjectKind::OperatorToken,
        }
    }

    /// The phone number (`+…`) of a `tel:` subject.
    pub fn phone(&self) -> Option<&str> {
        match self.inner.form {
            Form::PhoneNumber => self.inner.wire.strip_prefix("tel:"),
            _ => None,
        }
    }

    /// The address of an `ipport:` subject.
    pub fn ip_address(&self) -> Option<IpAddr> {
        match self.inner.form {
            Form::IpPort { address, .. } => Some(address),
            _ => None,
        }
    }

    /// The port of an `ipport:` subject, if it has one.
    pub fn port(&self) -> Option<u16> {
        match self.inner.form {
            Form::IpPort { port, .. } => port,
            _ => None,
        }
    }

    /// Whether it holds a secret (an operator token).
    pub fn is_secret(&self) -> bool {
        matches!(self.inner.form, Form::OperatorToken)
    }

    /// The wire string, an operator token included. Call it only where the
    /// value goes onto the wire.
    pub fn expose(&self) -> &str {
        &self.inner.wire
    }
}

/// Reads `<IPv4>[:port]` or `[<IPv6>][:port]`.
fn parse_ip_port(text: &str) -> Result<(IpAddr, Option<u16>), AuthError> {
    let (address, port) = if let Some(bracketed) = text.strip_prefix('[') {
        let (v6, rest) = bracketed
            .split_once(']')
            .ok_or_else(|| malformed("an ipport: IPv6 address has an unclosed '['"))?;
        let address =
            Ipv6Addr::from_str(v6).map_err(|_| malformed("ipport:[…] holds no IPv6 address"))?;
        let port = match rest {
            "" => None,
            _ => Some(rest.strip_prefix(':').ok_or_else(|| {
                malformed("an ipport: IPv6 address is followed by nothing or ':' and a port")
            })?),
        };
        (IpAddr::V6(address), port)
    } else {
        let (v4, port) = match text.split_once(':') {
            Some((v4, port)) => (v4, Some(port)),
            None => (text, None),
        };
        let address = Ipv4Addr::from_str(v4).map_err(|_| {
            malformed(
                "ipport: holds no IPv4 address (dotted decimal, no leading zero), \
                 nor an IPv6 address in brackets",
            )
        })?;
        (IpAddr::V4(address), port)
    };
    Ok((address, port.map(parse_port).transpose()?))
}

/// A port: decimal digits, no sign, no leading zero (but `0` itself), at most 65535.
fn parse_port(text: &str) -> Result<u16, AuthError> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || (text.len() > 1 && text.starts_with('0')) {
        return Err(malformed(
            "an ipport: port is a decimal number in 0..=65535 without a leading zero",
        ));
    }
    text.parse::<u16>()
        .map_err(|_| malformed("an ipport: port is in 0..=65535"))
}

impl FromStr for Subject {
    type Err = AuthError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Subject::parse(text)
    }
}

impl PartialEq for Subject {
    fn eq(&self, other: &Self) -> bool {
        self.inner.wire == other.inner.wire
    }
}

impl Eq for Subject {}

impl Hash for Subject {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.wire.hash(state);
    }
}

impl fmt::Display for Subject {
    /// The wire string, an operator token written `[redacted]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.form {
            Form::OperatorToken => f.write_str("operatortoken:[redacted]"),
            _ => f.write_str(&self.inner.wire),
        }
    }
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Subject")
            .field(&format_args!("{self}"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phone_numbers() {
        for good in ["tel:+34666666666", "tel:+12345", "tel:+123456789012345"] {
            let subject = Subject::parse(good).unwrap();
            assert_eq!(subject.to_string(), good);
            assert_eq!(subject.expose(), good);
            assert_eq!(subject.kind(), SubjectKind::PhoneNumber);
            assert_eq!(subject.phone(), good.strip_prefix("tel:"));
            assert!(!subject.is_secret());
        }
        for bad in [
            "tel:34666666666",
            "tel:+1234",
            "tel:+1234567890123456",
            "tel:+0123456789",
            "tel:+34 666 666 666",
            "tel:+34-666-666-666",
            "tel:+34.666",
            "tel:+",
            "tel:",
            "TEL:+34666666666",
            "tel:+٣٤٦٦٦٦٦٦٦",
            "+34666666666",
        ] {
            let error = Subject::parse(bad).unwrap_err();
            assert!(matches!(error, AuthError::Config(_)));
            assert!(error.to_string().contains("tel:+<E.164"), "{bad}: {error}");
        }
        let number = PhoneNumber::parse("+34666666666").unwrap();
        assert_eq!(
            Subject::from_phone_number(&number).unwrap().expose(),
            "tel:+34666666666"
        );
        // qod_models accepts a number without '+'; a login hint does not.
        let loose = PhoneNumber::parse("34666666666").unwrap();
        assert!(Subject::from_phone_number(&loose).is_err());
    }

    #[test]
    fn ip_ports() {
        for (text, address, port) in [
            ("ipport:80.90.34.2:16790", "80.90.34.2", Some(16790)),
            ("ipport:203.0.113.25", "203.0.113.25", None),
            ("ipport:203.0.113.25:0", "203.0.113.25", Some(0)),
            ("ipport:203.0.113.25:65535", "203.0.113.25", Some(65535)),
            ("ipport:[2001:db8::1]:8080", "2001:db8::1", Some(8080)),
            ("ipport:[2001:db8::1]", "2001:db8::1", None),
            ("ipport:[::ffff:1.2.3.4]:1", "::ffff:1.2.3.4", Some(1)),
        ] {
            let subject = Subject::parse(text).unwrap();
            assert_eq!(subject.to_string(), text);
            assert_eq!(subject.kind(), SubjectKind::IpPort);
            assert_eq!(subject.ip_address(), Some(address.parse().unwrap()));
            assert_eq!(subject.port(), port);
            assert_eq!(subject, Subject::ip(address.parse().unwrap(), port));
        }
        // Canonical form: equal addresses are equal subjects.
        let upper = Subject::parse("ipport:[2001:DB8:0::1]:80").unwrap();
        assert_eq!(upper.expose(), "ipport:[2001:db8::1]:80");
        assert_eq!(upper, Subject::parse("ipport:[2001:db8::1]:80").unwrap());
        for bad in [
            "ipport:",
            "ipport:1.2.3",
            "ipport:1.2.3.4.5",
            "ipport:01.2.3.4",
            "ipport:256.2.3.4",
            "ipport:1.2.3.4:",
            "ipport:1.2.3.4:65536",
            "ipport:1.2.3.4:080",
            "ipport:1.2.3.4:00",
            "ipport:1.2.3.4:+80",
            "ipport:1.2.3.4:-1",
            "ipport:1.2.3.4:8 0",
            "ipport:1.2.3.4:80:81",
            "ipport:2001:db8::1",
            "ipport:[2001:db8::1",
            "ipport:[2001:db8::1]8080",
            "ipport:[2001:db8::1]:",
            "ipport:[2001:db8::1]:99999",
            "ipport:[fe80::1%eth0]:80",
            "ipport:[1.2.3.4]:80",
            "ipport:[]:80",
            "ipport:example.com:80",
            "IPPORT:1.2.3.4",
        ] {
            let error = Subject::parse(bad).unwrap_err().to_string();
            assert!(
                error.contains("ipport:") || error.contains("lower case"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn operator_tokens_never_print() {
        let secret = "eyJhbGciOi.canary-token_~+/=";
        let subject = Subject::parse(&format!("operatortoken:{secret}")).unwrap();
        assert_eq!(subject.kind(), SubjectKind::OperatorToken);
        assert!(subject.is_secret());
        assert_eq!(subject.expose(), format!("operatortoken:{secret}"));
        assert_eq!(subject.to_string(), "operatortoken:[redacted]");
        assert_eq!(format!("{subject:?}"), "Subject(operatortoken:[redacted])");
        assert_eq!(subject, Subject::operator_token(secret).unwrap());
        assert_ne!(subject, Subject::operator_token("other").unwrap());
        // Malformed tokens are refused without being quoted.
        for bad in [
            "operatortoken:",
            "operatortoken:canary token",
            "operatortoken:canary\ntoken",
            "operatortoken:canarÿ",
            "operatorToken:canary",
            "canary-raw-token",
        ] {
            let error = Subject::parse(bad).unwrap_err();
            assert!(!error.to_string().contains("canary"), "{error}");
            assert!(!format!("{error:?}").contains("canary"), "{error:?}");
        }
        let long = "a".repeat(MAX_BEARER_TOKEN_BYTES + 1);
        assert!(Subject::operator_token(long).is_err());
    }

    #[test]
    fn cheap_clones_share_the_value() {
        let subject = Subject::parse("tel:+34666666666").unwrap();
        let clone = subject.clone();
        assert!(Arc::ptr_eq(&subject.inner, &clone.inner));
        let mut set = std::collections::HashSet::new();
        set.insert(subject);
        assert!(set.contains(&Subject::phone_number("+34666666666").unwrap()));
        assert_eq!("tel:+34666666666".parse::<Subject>().unwrap(), clone);
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(text in "(tel:|ipport:|operatortoken:)?[ -~\\[\\]:0-9a-f.+]{0,40}") {
            if let Ok(subject) = Subject::parse(&text) {
                let again = Subject::parse(subject.expose()).unwrap();
                prop_assert_eq!(&again, &subject);
                if !subject.is_secret() {
                    prop_assert_eq!(Subject::parse(&subject.to_string()).unwrap(), subject);
                }
            }
        }

        #[test]
        fn any_text_is_refused_or_read(text in ".{0,40}") {
            let _ = Subject::parse(&text);
        }

        #[test]
        fn valid_forms_round_trip_through_display(
            number in "\\+[1-9][0-9]{4,14}",
            v4 in any::<[u8; 4]>(),
            v6 in any::<[u16; 8]>(),
            port in proptest::option::of(any::<u16>()),
        ) {
            let phone = Subject::parse(&format!("tel:{number}")).unwrap();
            prop_assert_eq!(phone.to_string(), format!("tel:{number}"));
            for address in [IpAddr::from(v4), IpAddr::from(v6)] {
                let subject = Subject::ip(address, port);
                let again = Subject::parse(&subject.to_string()).unwrap();
                prop_assert_eq!(again.ip_address(), Some(address));
                prop_assert_eq!(again.port(), port);
                prop_assert_eq!(again, subject);
            }
        }
    }
}
