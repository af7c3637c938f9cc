//! Who made a call, what its token lets it do, and the device a
//! three-legged token names.

use std::sync::Arc;

use crate::rules::device::DeviceIds;

/// The API client a call came from. Sessions belong to the client that
/// created them; other clients get 403 for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ClientId(pub(crate) u32);

impl ClientId {
    /// Every caller of a sandbox without authentication.
    pub(crate) const ANYONE: ClientId = ClientId(0);
}

/// An operation's permission, as the specs name scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    SessionsCreate,
    SessionsRead,
    SessionsDelete,
    SessionsUpdate,
    SessionsRetrieveByDevice,
    ProfilesRead,
    AssignmentsCreate,
    AssignmentsRead,
    AssignmentsDelete,
    AssignmentsReadByDevice,
}

impl Scope {
    /// Every scope, in the order discovery lists their names.
    pub(crate) const EVERY: [Scope; 10] = [
        Scope::SessionsCreate,
        Scope::SessionsRead,
        Scope::SessionsDelete,
        Scope::SessionsUpdate,
        Scope::SessionsRetrieveByDevice,
        Scope::ProfilesRead,
        Scope::AssignmentsCreate,
        Scope::AssignmentsRead,
        Scope::AssignmentsDelete,
        Scope::AssignmentsReadByDevice,
    ];

    fn bit(self) -> u16 {
        1 << (self as u8)
    }

    /// 1.1.0's scope names, and 0.10.1's three-legged ones.
    pub(crate) fn parse(name: &str) -> Option<&'static [Scope]> {
        Some(match name {
            "quality-on-demand:sessions:create" => &[Scope::SessionsCreate],
            "quality-on-demand:sessions:read" => &[Scope::SessionsRead],
            "quality-on-demand:sessions:delete" => &[Scope::SessionsDelete],
            "quality-on-demand:sessions:update" => &[Scope::SessionsUpdate],
            "quality-on-demand:sessions:retrieve-by-device" => &[Scope::SessionsRetrieveByDevice],
            "qos-profiles:read" | "qod-profiles-read" => &[Scope::ProfilesRead],
            "qod-sessions-read" => &[Scope::SessionsRead],
            "qod-sessions-write" => &[Scope::SessionsCreate, Scope::SessionsUpdate],
            "qod-sessions-delete" => &[Scope::SessionsDelete],
            "qos-provisioning:qos-assignments:create" => &[Scope::AssignmentsCreate],
            "qos-provisioning:qos-assignments:read" => &[Scope::AssignmentsRead],
            "qos-provisioning:qos-assignments:delete" => &[Scope::AssignmentsDelete],
            "qos-provisioning:qos-assignments:read-by-device" => &[Scope::AssignmentsReadByDevice],
            _ => return None,
        })
    }

    /// The name 1.1.0 gives it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scope::SessionsCreate => "quality-on-demand:sessions:create",
            Scope::SessionsRead => "quality-on-demand:sessions:read",
            Scope::SessionsDelete => "quality-on-demand:sessions:delete",
            Scope::SessionsUpdate => "quality-on-demand:sessions:update",
            Scope::SessionsRetrieveByDevice => "quality-on-demand:sessions:retrieve-by-device",
            Scope::ProfilesRead => "qos-profiles:read",
            Scope::AssignmentsCreate => "qos-provisioning:qos-assignments:create",
            Scope::AssignmentsRead => "qos-provisioning:qos-assignments:read",
            Scope::AssignmentsDelete => "qos-provisioning:qos-assignments:delete",
            Scope::AssignmentsReadByDevice => "qos-provisioning:qos-assignments:read-by-device",
        }
    }
}

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scopes(u16);

impl Scopes {
    pub(crate) const ALL: Scopes = Scopes(u16::MAX);
    pub(crate) const NONE: Scopes = Scopes(0);

    /// These and `scopes`.
    #[must_use]
    pub(crate) fn with(self, scopes: &[Scope]) -> Scopes {
        Scopes(scopes.iter().fold(self.0, |bits, s| bits | s.bit()))
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every scope of `other` is one of these.
    pub(crate) fn covers(self, other: Scopes) -> bool {
        other.0 & !self.0 == 0
    }

    /// The scopes of a token request's space-separated `scope`; `Err`
    /// names the first one the sandbox does not know.
    pub(crate) fn parse(text: &str) -> Result<Scopes, String> {
        let mut bits = 0;
        for name in text.split_ascii_whitespace() {
            let scopes = Scope::parse(name).ok_or_else(|| name.to_owned())?;
            for scope in scopes {
                bits |= scope.bit();
            }
        }
        Ok(Scopes(bits))
    }

    pub(crate) fn allows(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }
}

/// The caller of an API operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Caller {
    pub(crate) client: ClientId,
    pub(crate) scopes: Scopes,
    /// The device a three-legged access token names; `None` for a
    /// two-legged token, which names none.
    pub(crate) device: Option<Arc<DeviceIds>>,
}

impl Caller {
    pub(crate) const ANYONE: Caller = Caller::two_legged(ClientId::ANYONE, Scopes::ALL);

    pub(crate) const fn two_legged(client: ClientId, scopes: Scopes) -> Caller {
        Caller {
            client,
            scopes,
            device: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let read = Scopes::parse("quality-on-demand:sessions:read qos-profiles:read").unwrap();
        assert!(read.allows(Scope::SessionsRead));
        assert!(read.allows(Scope::ProfilesRead));
        assert!(!read.allows(Scope::SessionsCreate));
        let v0 = Scopes::parse("qod-sessions-write").unwrap();
        assert!(v0.allows(Scope::SessionsCreate) && v0.allows(Scope::SessionsUpdate));
        assert_eq!(Scopes::parse("admin").unwrap_err(), "admin");
        assert!(Scopes::ALL.allows(Scope::SessionsRetrieveByDevice));
        assert!(!Scopes::parse("").unwrap().allows(Scope::SessionsRead));
        assert!(Scopes::parse("").unwrap().is_empty());
        let two = Scopes::NONE.with(&[Scope::SessionsRead, Scope::ProfilesRead]);
        assert_eq!(two, read);
        assert!(read.covers(Scopes::NONE.with(&[Scope::ProfilesRead])));
        assert!(!read.covers(v0));
        assert!(Scopes::ALL.covers(read));
    }
}
