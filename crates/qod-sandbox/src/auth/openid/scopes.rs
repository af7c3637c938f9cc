//! A `scope` as CAMARA's profile writes it: `openid`, a purpose
//! (`dpv:<Purpose>`, at most one), the APIs' scopes, and `offline_access`
//! for a refresh token. The purpose in front of each API scope
//! (`dpv:<Purpose>#<scope>`), which operators still use, is read as both.

use crate::auth::caller::{Scope, Scopes};
use crate::auth::openid::errors::{OAuthError, shown};

/// What a request's scope asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requested {
    pub(crate) api: Scopes,
    pub(crate) openid: bool,
    pub(crate) offline_access: bool,
    /// The scope as given, for the answer's `scope`.
    pub(crate) text: String,
}

/// A DPV purpose's name: letters and digits.
fn purpose_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Checks a purpose `value` beside the one already named, if any.
fn one_purpose(named: Option<&str>, value: &str) -> Result<(), OAuthError> {
    if !purpose_name(value) {
        return Err(OAuthError::invalid_scope(&format!(
            "the purpose dpv:{} is no DPV purpose name",
            shown(value)
        )));
    }
    match named {
        Some(first) if first != value => Err(OAuthError::invalid_scope(
            "a scope names one purpose (dpv:...) at most",
        )),
        _ => Ok(()),
    }
}

/// Reads a scope: `invalid_scope` for a scope the sandbox does not know,
/// for two purposes, or for none of the APIs' scopes.
pub(crate) fn requested(text: &str) -> Result<Requested, OAuthError> {
    let mut requested = Requested {
        api: Scopes::NONE,
        openid: false,
        offline_access: false,
        text: text.to_owned(),
    };
    let mut purpose: Option<&str> = None;
    for name in text.split_ascii_whitespace() {
        let api_scope = match name {
            "openid" => {
                requested.openid = true;
                continue;
            }
            "offline_access" => {
                requested.offline_access = true;
                continue;
            }
            _ => match name.strip_prefix("dpv:") {
                Some(rest) => {
                    let (value, scope) = match rest.split_once('#') {
                        Some((value, scope)) => (value, Some(scope)),
                        None => (rest, None),
                    };
                    one_purpose(purpose, value)?;
                    purpose = Some(value);
                    match scope {
                        Some(scope) => scope,
                        None => continue,
                    }
                }
                None => name,
            },
        };
        let scopes = Scope::parse(api_scope).ok_or_else(|| {
            OAuthError::invalid_scope(&format!("unknown scope {}", shown(api_scope)))
        })?;
        requested.api = requested.api.with(scopes);
    }
    if requested.api.is_empty() {
        return Err(OAuthError::invalid_scope(
            "the scope names none of the APIs' scopes (quality-on-demand:sessions:create, qos-profiles:read, ...)",
        ));
    }
    Ok(requested)
}

/// Every scope name the sandbox grants, for discovery.
pub(crate) fn supported() -> Vec<&'static str> {
    let mut names = vec!["openid", "offline_access"];
    names.extend(Scope::EVERY.iter().map(|s| s.name()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profiles_forms() {
        let ciba = requested(
            "openid dpv:RequestedServiceProvision quality-on-demand:sessions:create offline_access",
        )
        .unwrap();
        assert!(ciba.openid && ciba.offline_access);
        assert!(ciba.api.allows(Scope::SessionsCreate));
        assert!(!ciba.api.allows(Scope::SessionsRead));
        let legacy = requested("openid dpv:RequestedServiceProvision#quality-on-demand:sessions:read dpv:RequestedServiceProvision#qos-profiles:read").unwrap();
        assert!(legacy.api.allows(Scope::SessionsRead) && legacy.api.allows(Scope::ProfilesRead));
        assert!(!legacy.offline_access);
        assert!(
            requested("qos-profiles:read").is_ok(),
            "no purpose, no openid"
        );
    }

    #[test]
    fn what_is_refused() {
        for (text, says) in [
            ("openid", "none of the APIs"),
            ("", "none of the APIs"),
            ("openid dpv:A dpv:B qos-profiles:read", "one purpose"),
            (
                "dpv:A#qos-profiles:read dpv:B#quality-on-demand:sessions:read",
                "one purpose",
            ),
            ("dpv: qos-profiles:read", "no DPV purpose"),
            ("dpv:A#admin", "unknown scope admin"),
            ("qos-profiles:read admin\"x", "unknown scope admin?x"),
        ] {
            let error = requested(text).unwrap_err();
            assert_eq!(error.error, "invalid_scope", "{text}");
            assert!(
                error.description.contains(says),
                "{text}: {}",
                error.description
            );
        }
        assert!(supported().contains(&"quality-on-demand:sessions:retrieve-by-device"));
    }
}
