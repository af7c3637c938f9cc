//! How a sandbox is set up.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::{SandboxClock, SystemClock};

/// Which callers the sandbox accepts.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum SandboxAuth {
    /// Any caller (the quickstart needs no setup).
    #[default]
    None,
    /// Callers presenting one of these bearer tokens.
    Bearer(Vec<String>),
    /// RFC 6749 client credentials at `/oauth/token`; API calls need a token it issued.
    ClientCredentials {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
    /// T-Mobile TAAP at `/oauth2/v2/tokens`; every call, the token call
    /// included, needs a valid PoP token signed by the client's key.
    Taap {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
        /// The client's RSA public key, DER `RSAPublicKey` (PKCS#1).
        public_key_der: Vec<u8>,
    },
}

impl std::fmt::Debug for SandboxAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SandboxAuth::None => "None",
            SandboxAuth::Bearer(_) => "Bearer([redacted])",
            SandboxAuth::ClientCredentials { .. } => "ClientCredentials([redacted])",
            SandboxAuth::Taap { .. } => "Taap([redacted])",
        })
    }
}

/// Faults injected into API answers, for resilience tests. Off by default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Added to every API answer.
    pub latency: Duration,
    /// Share of API calls answered 429 with `Retry-After`.
    pub share_429: f64,
    /// Share of API calls answered 503.
    pub share_503: f64,
    /// Share of API calls whose connection is closed without an answer,
    /// after the request was read.
    pub share_dropped: f64,
    /// The `Retry-After` seconds sent with a 429.
    pub retry_after_seconds: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency: Duration::ZERO,
            share_429: 0.0,
            share_503: 0.0,
            share_dropped: 0.0,
            retry_after_seconds: 1,
        }
    }
}

/// Everything about a sandbox.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub address: String,
    /// How long a session stays `REQUESTED` before it becomes `AVAILABLE`.
    pub available_after: Duration,
    /// How long an ended session stays readable before it is gone (404).
    pub retain_ended_for: Duration,
    /// Who may call.
    pub auth: SandboxAuth,
    /// How long issued tokens live.
    pub token_lifetime: Duration,
    /// Injected faults.
    pub faults: Faults,
    /// The clock sessions follow.
    pub clock: Arc<dyn SandboxClock>,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            address: "127.0.0.1:0".to_owned(),
            available_after: Duration::from_millis(500),
            retain_ended_for: Duration::from_secs(360),
            auth: SandboxAuth::None,
            token_lifetime: Duration::from_secs(3600),
            faults: Faults::default(),
            clock: Arc::new(SystemClock),
            max_body_bytes: 64 * 1024,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("address", &self.address)
            .field("available_after", &self.available_after)
            .field("retain_ended_for", &self.retain_ended_for)
            .field("auth", &self.auth)
            .field("token_lifetime", &self.token_lifetime)
            .field("faults", &self.faults)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}
