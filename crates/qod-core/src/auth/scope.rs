//! OAuth 2.0 scopes (RFC 6749 §3.3) and CAMARA's purpose scope.
//!
//! A CAMARA three-legged request asks for `openid`, one purpose
//! (`dpv:<Purpose>`) and the scopes of the operations it will call, e.g.
//! `openid dpv:RequestedServiceProvision quality-on-demand:sessions:create`.
//! Some operators still document the legacy `dpv:<Purpose>#<scope>` form:
//! [`Scope::verbatim`] sends such a string exactly as given.

use std::fmt;
use std::sync::Arc;

use crate::auth::AuthError;

/// `openid`: asks for an ID token. CAMARA clients SHOULD send it with CIBA
/// and the authorization code flow.
pub const OPENID: &str = "openid";

/// `offline_access`: asks for a refresh token (CIBA and the authorization
/// code flow only).
pub const OFFLINE_ACCESS: &str = "offline_access";

/// The purpose [`Purpose::default`] names: `dpv:RequestedServiceProvision`,
/// the W3C DPV purpose of a service the user asked for. The QoD specs
/// define no purpose of their own.
pub const DEFAULT_PURPOSE: &str = "dpv:RequestedServiceProvision";

/// The scope each operation of the three APIs needs, as their specs'
/// `security` blocks name it (`openId` scheme).
///
/// Checked against QoD 1.1.0, QoS Profiles 1.1.0 and QoS Provisioning
/// 0.3.0. QoD 0.10.1 (T-Mobile) names other scopes, on an authorization
/// code scheme it calls `threeLegged`, and none for its client
/// credentials scheme or for its QoS profile operations: see
/// [`QOD_V0_SESSIONS_READ`](scopes::QOD_V0_SESSIONS_READ) and its neighbours.
///
/// ```
/// use qod_core::auth::{Scope, scopes};
/// let scope = Scope::new([scopes::SESSIONS_CREATE, scopes::SESSIONS_DELETE])?;
/// assert_eq!(scope.to_string(), "quality-on-demand:sessions:create quality-on-demand:sessions:delete");
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
pub mod scopes {
    /// QoD 1.x `createSession` (`POST /sessions`).
    pub const SESSIONS_CREATE: &str = "quality-on-demand:sessions:create";
    /// QoD 1.x `getSession` (`GET /sessions/{sessionId}`).
    pub const SESSIONS_READ: &str = "quality-on-demand:sessions:read";
    /// QoD 1.x `deleteSession` (`DELETE /sessions/{sessionId}`).
    pub const SESSIONS_DELETE: &str = "quality-on-demand:sessions:delete";
    /// QoD 1.x `extendQosSessionDuration` (`POST /sessions/{sessionId}/extend`).
    pub const SESSIONS_UPDATE: &str = "quality-on-demand:sessions:update";
    /// QoD 1.x `retrieveSessionsByDevice` (`POST /retrieve-sessions`).
    pub const SESSIONS_RETRIEVE_BY_DEVICE: &str = "quality-on-demand:sessions:retrieve-by-device";
    /// QoS Profiles 1.x `retrieveQoSProfiles` (`POST /retrieve-qos-profiles`)
    /// and `getQosProfile` (`GET /qos-profiles/{name}`).
    pub const QOS_PROFILES_READ: &str = "qos-profiles:read";
    /// QoS Provisioning 0.3 `createQosAssignment` (`POST /qos-assignments`).
    pub const QOS_ASSIGNMENTS_CREATE: &str = "qos-provisioning:qos-assignments:create";
    /// QoS Provisioning 0.3 `getQosAssignmentById`.
    pub const QOS_ASSIGNMENTS_READ: &str = "qos-provisioning:qos-assignments:read";
    /// QoS Provisioning 0.3 `revokeQosAssignment`.
    pub const QOS_ASSIGNMENTS_DELETE: &str = "qos-provisioning:qos-assignments:delete";
    /// QoS Provisioning 0.3 `getQosAssignmentByDevice` (`POST /retrieve-qos-assignment`).
    pub const QOS_ASSIGNMENTS_READ_BY_DEVICE: &str =
        "qos-provisioning:qos-assignments:read-by-device";

    /// QoD 0.10.1 `getSession`, on its `threeLegged` (authorization code)
    /// scheme. Its default scheme, client credentials, names no scope.
    pub const QOD_V0_SESSIONS_READ: &str = "qod-sessions-read";
    /// QoD 0.10.1 `createSession` and `extendQosSessionDuration`, on its
    /// `threeLegged` scheme.
    pub const QOD_V0_SESSIONS_WRITE: &str = "qod-sessions-write";
    /// QoD 0.10.1 `deleteSession`, on its `threeLegged` scheme.
    pub const QOD_V0_SESSIONS_DELETE: &str = "qod-sessions-delete";
}

/// What a scope token may hold (RFC 6749 §3.3): visible ASCII but `"` and `\`.
fn is_scope_token_byte(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

/// Checks one scope token; the error names the token (scopes are not secret).
fn check_token(token: &str) -> Result<(), AuthError> {
    if token.is_empty() {
        return Err(AuthError::Config("a scope token is empty".to_owned()));
    }
    if !token.bytes().all(is_scope_token_byte) {
        return Err(AuthError::Config(format!(
            "scope token {:?} may hold visible ASCII only, without '\"' or '\\' (RFC 6749 §3.3); \
             use Scope::verbatim to send a scope string exactly as an operator documents it",
            crate::printable(token)
        )));
    }
    Ok(())
}

/// A scope: one or more scope tokens, sent space-separated.
///
/// Built from tokens ([`Scope::new`]), parsed from a space-separated
/// string ([`Scope::parse`]), or taken exactly as given
/// ([`Scope::verbatim`]). [`Display`](fmt::Display) gives the string sent
/// on the wire. Two scopes are equal when that string is.
///
/// ```
/// use qod_core::auth::{Purpose, Scope, scopes};
/// let scope = Scope::openid()
///     .union(&Purpose::default().into())
///     .union(&Scope::new([scopes::SESSIONS_CREATE, scopes::SESSIONS_READ])?);
/// assert_eq!(
///     scope.to_string(),
///     "openid dpv:RequestedServiceProvision quality-on-demand:sessions:create quality-on-demand:sessions:read"
/// );
/// assert!(scope.contains(scopes::SESSIONS_READ));
/// assert!(scope.covers(&Scope::parse("openid  quality-on-demand:sessions:create")?));
///
/// // An operator's legacy form, sent untouched.
/// let legacy = Scope::verbatim("dpv:RequestedServiceProvision#qod")?;
/// assert_eq!(legacy.to_string(), "dpv:RequestedServiceProvision#qod");
/// # Ok::<(), qod_core::auth::AuthError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    text: Arc<str>,
    verbatim: bool,
}

impl Scope {
    /// A scope of `tokens`, in order, each once. Refused when there is none
    /// or one breaks RFC 6749's `scope-token` rule (visible ASCII but `"`
    /// and `\`; no space).
    pub fn new<I>(tokens: I) -> Result<Self, AuthError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut text = String::new();
        for token in tokens {
            let token = token.as_ref();
            check_token(token)?;
            if !text.split(' ').any(|seen| seen == token) {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(token);
            }
        }
        if text.is_empty() {
            return Err(AuthError::Config(
                "a scope needs at least one scope token".to_owned(),
            ));
        }
        Ok(Scope {
            text: text.into(),
            verbatim: false,
        })
    }

    /// Parses a space-separated list of scope tokens. Runs of spaces count
    /// as one and spaces at either end are dropped; any other whitespace,
    /// or a token that breaks the `scope-token` rule, is refused. A token
    /// given twice is kept once.
    pub fn parse(text: &str) -> Result<Self, AuthError> {
        Self::new(text.split(' ').filter(|token| !token.is_empty()))
    }

    /// `text` exactly as given, for a scope string an operator documents
    /// that does not follow RFC 6749 (e.g. with `#`, as in
    /// `dpv:RequestedServiceProvision#qod`, or other characters). Refused
    /// only when it is empty, blank, or has a control character.
    pub fn verbatim(text: impl Into<String>) -> Result<Self, AuthError> {
        let text = text.into();
        if text.trim().is_empty() {
            return Err(AuthError::Config("the scope is empty".to_owned()));
        }
        if text.chars().any(char::is_control) {
            return Err(AuthError::Config(
                "the scope has a control character".to_owned(),
            ));
        }
        Ok(Scope {
            text: text.into(),
            verbatim: true,
        })
    }

    /// `openid` alone.
    pub fn openid() -> Self {
        Scope {
            text: OPENID.into(),
            verbatim: false,
        }
    }

    /// The string sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it was given with [`Scope::verbatim`].
    pub fn is_verbatim(&self) -> bool {
        self.verbatim
    }

    /// Its space-separated tokens, in order.
    pub fn tokens(&self) -> impl Iterator<Item = &str> + '_ {
        self.text.split(' ').filter(|token| !token.is_empty())
    }

    /// Whether `token` is one of its tokens.
    pub fn contains(&self, token: &str) -> bool {
        self.tokens().any(|own| own == token)
    }

    /// Whether every token of `other` is one of its tokens.
    pub fn covers(&self, other: &Scope) -> bool {
        other.tokens().all(|token| self.contains(token))
    }

    /// This scope followed by the tokens of `other` it lacks, in `other`'s
    /// order. This scope's own string is kept as it is (a verbatim scope
    /// stays verbatim, with the new tokens appended after a space).
    #[must_use]
    pub fn union(&self, other: &Scope) -> Scope {
        let mut text = self.text.to_string();
        for token in other.tokens() {
            if !text.split(' ').any(|seen| seen == token) {
                text.push(' ');
                text.push_str(token);
            }
        }
        Scope {
            text: text.into(),
            verbatim: self.verbatim || other.verbatim,
        }
    }

    /// This scope with `token` added at the end, unless it has it.
    pub fn with(&self, token: &str) -> Result<Scope, AuthError> {
        check_token(token)?;
        Ok(self.union(&Scope {
            text: token.into(),
            verbatim: false,
        }))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Scope").field(&&*self.text).finish()
    }
}

impl From<&Purpose> for Scope {
    fn from(purpose: &Purpose) -> Self {
        Scope {
            text: purpose.text.clone(),
            verbatim: false,
        }
    }
}

impl From<Purpose> for Scope {
    fn from(purpose: Purpose) -> Self {
        Scope::from(&purpose)
    }
}

/// A CAMARA purpose scope: `dpv:` and a W3C Data Privacy Vocabulary
/// purpose name, letters only (e.g. `dpv:FraudPreventionAndDetection`).
/// A three-legged request that touches personal data asks for exactly one.
///
/// ```
/// use qod_core::auth::Purpose;
/// assert_eq!(Purpose::default().as_str(), "dpv:RequestedServiceProvision");
/// assert!(Purpose::parse("dpv:FraudPreventionAndDetection").is_ok());
/// assert!(Purpose::parse("dpv:RequestedServiceProvision#qod").is_err());
/// assert!(Purpose::parse("RequestedServiceProvision").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Purpose {
    text: Arc<str>,
}

impl Purpose {
    /// Checks `text`: `dpv:` then one or more ASCII letters. The legacy
    /// `dpv:<Purpose>#<scope>` form is not a purpose: give it whole with
    /// [`Scope::verbatim`].
    pub fn parse(text: &str) -> Result<Self, AuthError> {
        let name = text.strip_prefix("dpv:").unwrap_or_default();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(AuthError::Config(format!(
                "purpose {:?} must be dpv: and a DPV purpose name, letters only \
                 (e.g. {DEFAULT_PURPOSE}); give a legacy dpv:<Purpose>#<scope> string with Scope::verbatim",
                crate::printable(text)
            )));
        }
        Ok(Purpose { text: text.into() })
    }

    /// The purpose as sent, `dpv:…`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Default for Purpose {
    /// [`DEFAULT_PURPOSE`].
    fn default() -> Self {
        Purpose {
            text: DEFAULT_PURPOSE.into(),
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Purpose").field(&&*self.text).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn new_keeps_order_and_drops_duplicates() {
        let scope = Scope::new(["b", "a", "b", "c", "a"]).unwrap();
        assert_eq!(scope.as_str(), "b a c");
        assert_eq!(scope.tokens().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert!(!scope.is_verbatim());
    }

    #[test]
    fn bad_tokens_are_refused_with_the_rule() {
        for bad in [
            "",
            "a b",
            "quo\"te",
            "back\\slash",
            "tab\there",
            "é",
            "nl\n",
        ] {
            let error = Scope::new([bad]).unwrap_err();
            assert!(matches!(error, AuthError::Config(_)), "{bad:?}");
        }
        let error = Scope::new(["ok", "bad\""]).unwrap_err().to_string();
        assert!(
            error.contains("RFC 6749") && error.contains("verbatim"),
            "{error}"
        );
        assert!(Scope::new(Vec::<String>::new()).is_err());
        // The whole range the grammar allows.
        let every: String = (0x21_u8..=0x7E)
            .filter(|b| *b != b'"' && *b != b'\\')
            .map(char::from)
            .collect();
        assert_eq!(Scope::new([every.as_str()]).unwrap().as_str(), every);
    }

    #[test]
    fn parse_splits_on_spaces_only() {
        let scope = Scope::parse("  openid   dpv:RequestedServiceProvision  openid ").unwrap();
        assert_eq!(scope.as_str(), "openid dpv:RequestedServiceProvision");
        assert!(Scope::parse("   ").is_err());
        assert!(Scope::parse("").is_err());
        assert!(Scope::parse("a\tb").is_err());
        assert!(Scope::parse("a\r\nb").is_err());
        // `#` is a scope-token character: the legacy form parses too.
        let legacy = Scope::parse("openid dpv:RequestedServiceProvision#qod").unwrap();
        assert!(legacy.contains("dpv:RequestedServiceProvision#qod"));
    }

    #[test]
    fn verbatim_passes_through_untouched() {
        let text = "  dpv:RequestedServiceProvision#qod  \"odd\" tøken ";
        let scope = Scope::verbatim(text).unwrap();
        assert_eq!(scope.as_str(), text);
        assert_eq!(scope.to_string(), text);
        assert!(scope.is_verbatim());
        assert!(scope.contains("\"odd\""));
        for bad in ["", "   ", "a\nb", "a\u{1b}[2J", "a\u{7f}"] {
            assert!(Scope::verbatim(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn union_contains_and_covers() {
        let a = Scope::parse("openid x y").unwrap();
        let b = Scope::parse("y z openid w").unwrap();
        let both = a.union(&b);
        assert_eq!(both.as_str(), "openid x y z w");
        assert!(both.covers(&a) && both.covers(&b));
        assert!(!a.covers(&b));
        assert!(a.covers(&a));
        assert_eq!(a.union(&a), a);
        // A verbatim scope keeps its string; new tokens follow it.
        let legacy = Scope::verbatim("dpv:X#qod").unwrap();
        let wider = legacy.union(&Scope::openid());
        assert_eq!(wider.as_str(), "dpv:X#qod openid");
        assert!(wider.is_verbatim());
        assert_eq!(Scope::openid().union(&legacy).as_str(), "openid dpv:X#qod");
        assert_eq!(a.with("v").unwrap().as_str(), "openid x y v");
        assert_eq!(a.with("x").unwrap(), a);
        assert!(a.with("bad token").is_err());
    }

    #[test]
    fn equality_is_the_wire_string() {
        assert_eq!(
            Scope::parse("a  b").unwrap(),
            Scope::new(["a", "b"]).unwrap()
        );
        assert_ne!(Scope::parse("a b").unwrap(), Scope::parse("b a").unwrap());
    }

    #[test]
    fn purposes() {
        assert_eq!(Purpose::default().to_string(), DEFAULT_PURPOSE);
        assert_eq!(Scope::from(Purpose::default()).as_str(), DEFAULT_PURPOSE);
        for good in [
            "dpv:FraudPreventionAndDetection",
            "dpv:ServiceProvision",
            "dpv:x",
        ] {
            assert_eq!(Purpose::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "dpv:",
            "dpv:Requested Service",
            "dpv:Fraud-Prevention",
            "dpv:RequestedServiceProvision#qod",
            "DPV:RequestedServiceProvision",
            "RequestedServiceProvision",
            "dpv:Prövision",
            "dpv:A1",
        ] {
            let error = Purpose::parse(bad).unwrap_err().to_string();
            assert!(error.contains("dpv:"), "{bad:?}: {error}");
        }
        assert_eq!(
            format!("{:?}", Purpose::default()),
            "Purpose(\"dpv:RequestedServiceProvision\")"
        );
    }

    #[test]
    fn operation_scopes_are_scope_tokens() {
        let all = [
            scopes::SESSIONS_CREATE,
            scopes::SESSIONS_READ,
            scopes::SESSIONS_DELETE,
            scopes::SESSIONS_UPDATE,
            scopes::SESSIONS_RETRIEVE_BY_DEVICE,
            scopes::QOS_PROFILES_READ,
            scopes::QOS_ASSIGNMENTS_CREATE,
            scopes::QOS_ASSIGNMENTS_READ,
            scopes::QOS_ASSIGNMENTS_DELETE,
            scopes::QOS_ASSIGNMENTS_READ_BY_DEVICE,
            scopes::QOD_V0_SESSIONS_READ,
            scopes::QOD_V0_SESSIONS_WRITE,
            scopes::QOD_V0_SESSIONS_DELETE,
        ];
        let scope = Scope::new(all).unwrap();
        assert_eq!(scope.tokens().count(), all.len());
        assert_eq!(scopes::SESSIONS_UPDATE, "quality-on-demand:sessions:update");
        assert_eq!(
            scopes::QOS_ASSIGNMENTS_READ_BY_DEVICE,
            "qos-provisioning:qos-assignments:read-by-device"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(text in ".{0,64}") {
            if let Ok(scope) = Scope::parse(&text) {
                prop_assert_eq!(Scope::parse(&scope.to_string()).unwrap(), scope.clone());
                prop_assert!(scope.tokens().all(|t| t.bytes().all(is_scope_token_byte)));
            }
            if let Ok(scope) = Scope::verbatim(text.clone()) {
                prop_assert_eq!(scope.to_string(), text.as_str());
            }
            let _ = Purpose::parse(&text);
        }

        #[test]
        fn token_lists_round_trip(tokens in proptest::collection::vec("[!#-\\[\\]-~]{1,12}", 1..6)) {
            let scope = Scope::new(&tokens).unwrap();
            let again = Scope::parse(&scope.to_string()).unwrap();
            prop_assert_eq!(&again, &scope);
            prop_assert!(tokens.iter().all(|t| scope.contains(t)));
        }
    }
}
