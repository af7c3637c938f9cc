//! The two QoD wire versions the sandbox serves.

/// The version a request came in (and a session was created) with; a
/// session is read back only in its own version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Wire {
    /// QoD 0.10.1 under `/qod/v0`, with T-Mobile's rules.
    V0,
    /// QoD 1.1.0 under `/quality-on-demand/v1`.
    V1,
}

impl Wire {
    /// The base path of the version.
    pub(crate) fn base_path(self) -> &'static str {
        match self {
            Wire::V0 => "/qod/v0",
            Wire::V1 => "/quality-on-demand/v1",
        }
    }
}
