//! An offline QoD server: in-memory sessions with a clock-driven lifecycle,
//! a catalogue of QoS profiles, notifications, token endpoints and fault
//! injection. It serves QoD 0.10.1 under `/qod/v0` (T-Mobile's path and
//! rules), QoD 1.1.0 under `/quality-on-demand/v1` and QoS Profiles 1.1.0
//! under `/qos-profiles/v1`, and QoS Provisioning 0.3.0 under
//! `/qos-provisioning/v0.3` (one assignment per device, REQUESTED then
//! AVAILABLE after [`SandboxConfig::available_after`], a revoke answered
//! 204 at once, the revoked assignment readable for
//! [`SandboxConfig::retain_ended_for`], then 404).
//!
//! - **Its own reading of the specs.** Requests are checked against the
//!   schemas and answered with the CAMARA errors of each version (CAMARA's
//!   r3.2 test definitions are its integration tests); the sandbox shares no
//!   validation code with the client. Under `/qod/v0` T-Mobile's rules apply:
//!   no `applicationServer` needed, sessions of 60 s at least, and a create
//!   answered `AVAILABLE` (unless [`SandboxConfig::v0_requested_phase`]).
//!   1.x sessions start `REQUESTED`. Plain-http sinks are let through to
//!   loopback only, so that a test can listen without TLS.
//! - **Every auth mode of the client** ([`SandboxAuth`]): bearer tokens,
//!   OAuth 2.0 client credentials (with scopes: a token asked for with
//!   `scope` gets 403 `PERMISSION_DENIED` outside it), and T-Mobile TAAP with
//!   proof-of-possession tokens checked as T-Mobile's reference validator
//!   does, and as strictly as a gateway must: each used once (`jti`), with
//!   `iat` and `exp` at most 120 s apart, binding the method, the path, the
//!   `Authorization` header and a meaningful body (a GET or DELETE signed
//!   without its meaningless `{}` body passes); any other token gets 401.
//!   A session belongs to the client that created it. And an **OpenID
//!   mode** ([`OpenIdConfig`]), CAMARA's security profile: discovery, CIBA
//!   (scripted by [test numbers](test_assets)), JWT Bearer, the
//!   authorization code flow with PKCE, refresh, and client credentials,
//!   each client authenticated by its secret or `private_key_jwt`;
//!   three-legged tokens name the device, and the API applies QoD 1.x's
//!   rule "Identifying the device from the access token".
//! - **[Test assets](test_assets)**: devices and profiles with a known fate,
//!   for the answers a network gives only to some subscribers.
//! - **Cost independent of the sessions stored**: a time-ordered index of
//!   what is due, a device index, ended sessions forgotten after
//!   [`SandboxConfig::retain_ended_for`], at most
//!   [`SandboxConfig::max_sessions`] stored.
//! - **Connections that end**: a header-read timeout, an idle timeout, a
//!   body limit, and accept errors (out of file descriptors) that back off
//!   instead of spinning. A known path with another method gets 405 and
//!   `Allow`.
//! - **Strict on what arrives**: an HTTP/1.1 request without exactly one
//!   `Host`, a broken chunked body or JSON with a duplicate key is a 400; a
//!   JSON route's body typed other than `application/json` (or
//!   `application/*+json`) a 415 `UNSUPPORTED_MEDIA_TYPE`; only a body over
//!   the limit a 413. No input from the network gets a 5xx.
//! - **A door for tests**: profiles with a small `maxDuration`
//!   ([`SandboxConfig::max_durations`]), sessions ended as the network
//!   would ([`Sandbox::terminate_session`]), creates, extends and deletes
//!   counted per client ([`Sandbox::lifecycle_counts`]), and the same for a
//!   test in another process under `/_sandbox/`: `GET /_sandbox/stats`,
//!   `POST /_sandbox/sessions/{id}/terminate`, `POST
//!   /_sandbox/assignments/{id}/terminate` (no credentials needed).
//!
//! ```
//! let sandbox = qod_sandbox::Sandbox::start(qod_sandbox::SandboxConfig::default()).unwrap();
//! assert!(sandbox.v0_url().starts_with("http://127.0.0.1:"));
//! sandbox.stop();
//! ```

#![forbid(unsafe_code)]

mod api;
mod auth;
mod clock;
mod config;
mod http;
mod life;
mod notifier;
mod profiles;
mod provisioning;
mod reply;
mod rules;
mod sessions;
mod stats;
mod store;
pub mod test_assets;
mod wire;

use std::collections::{BTreeMap, HashMap};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use auth::mode::SandboxAuth;
pub use auth::openid::config::OpenIdConfig;
pub use auth::public_key::{ClientPublicKey, PublicKeyError};
pub use clock::{ManualClock, SandboxClock, SystemClock};
pub use config::{Faults, SandboxConfig};
pub use profiles::catalogue::Catalogue;
pub use stats::{LifecycleCounts, SandboxStats};

use crate::api::Api;
use crate::auth::AuthState;
use crate::http::server::{self, Server};

/// A running sandbox. Dropping it stops it.
pub struct Sandbox {
    address: SocketAddr,
    server: Arc<Server>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds `config.address` and serves in background threads. A setting
    /// it cannot serve with (no room for a session, a TAAP key that is no
    /// RSA public key) is an [`std::io::ErrorKind::InvalidInput`] error.
    pub fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        check(&config)?;
        let catalogue = Catalogue::default()
            .with_max_durations(&config.max_durations)
            .map_err(|message| std::io::Error::new(std::io::ErrorKind::InvalidInput, message))?;
        let listener = TcpListener::bind(&config.address)?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let counters = Arc::new(stats::Counters::default());
        let auth = AuthState::new(config.auth.clone(), config.token_lifetime, &base_url)?;
        let server = Arc::new(Server {
            api: Api::new(config, catalogue, counters, base_url),
            auth,
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("qod-sandbox")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let serving = server.clone();
        let thread = std::thread::Builder::new()
            .name("qod-sandbox-main".to_owned())
            .spawn(move || {
                runtime.block_on(server::serve(serving, listener, stopped));
                runtime.shutdown_background();
            })?;
        Ok(Sandbox {
            address,
            server,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The QoD 0.10.1 base URL (`.../qod/v0`).
    pub fn v0_url(&self) -> String {
        format!("{}/qod/v0", self.base_url())
    }

    /// The QoD 1.1.0 base URL (`.../quality-on-demand/v1`).
    pub fn v1_url(&self) -> String {
        format!("{}/quality-on-demand/v1", self.base_url())
    }

    /// The QoS Profiles 1.1.0 base URL (`.../qos-profiles/v1`).
    pub fn profiles_url(&self) -> String {
        format!("{}/qos-profiles/v1", self.base_url())
    }

    /// The QoS Provisioning 0.3.0 base URL (`.../qos-provisioning/v0.3`),
    /// the one `qod::Endpoint::from_api_root(sandbox.base_url())` reaches.
    ///
    /// ```
    /// let sandbox = qod_sandbox::Sandbox::start(qod_sandbox::SandboxConfig::default()).unwrap();
    /// assert!(sandbox.provisioning_url().ends_with("/qos-provisioning/v0.3"));
    /// ```
    pub fn provisioning_url(&self) -> String {
        format!("{}/qos-provisioning/v0.3", self.base_url())
    }

    /// The TAAP token URL (`.../oauth2/v2/tokens`).
    pub fn taap_token_url(&self) -> String {
        format!("{}/oauth2/v2/tokens", self.base_url())
    }

    /// The RFC 6749 token URL (`.../oauth/token`).
    pub fn oauth_token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url())
    }

    /// The token URL of the configured auth mode: TAAP's, RFC 6749's or
    /// the OpenID mode's (`.../oauth2/token`), `None` for the modes
    /// without one.
    ///
    /// ```
    /// use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};
    /// let sandbox = Sandbox::start(SandboxConfig {
    ///     auth: SandboxAuth::ClientCredentials {
    ///         client_id: "id".to_owned(),
    ///         client_secret: "secret".to_owned(),
    ///     },
    ///     ..SandboxConfig::default()
    /// }).unwrap();
    /// assert_eq!(sandbox.token_url(), Some(sandbox.oauth_token_url()));
    /// ```
    pub fn token_url(&self) -> Option<String> {
        self.server
            .auth
            .token_path()
            .map(|path| format!("{}{path}", self.base_url()))
    }

    /// The OpenID mode's discovery document
    /// (`.../.well-known/openid-configuration`), `None` in other modes.
    /// Its endpoints name the sandbox as a request's `Host` does, or as
    /// [`OpenIdConfig::issuer`] says.
    ///
    /// ```
    /// let sandbox = qod_sandbox::Sandbox::start(qod_sandbox::SandboxConfig::default()).unwrap();
    /// assert_eq!(sandbox.openid_configuration_url(), None, "no OpenID mode");
    /// ```
    pub fn openid_configuration_url(&self) -> Option<String> {
        matches!(self.server.auth.mode(), SandboxAuth::OpenId(_)).then(|| {
            format!(
                "{}{}",
                self.base_url(),
                auth::openid::discovery::DISCOVERY_PATH
            )
        })
    }

    /// The counters so far.
    pub fn stats(&self) -> SandboxStats {
        self.server.api.counters.snapshot()
    }

    /// For each x-correlator, how many `POST /sessions` arrived that the
    /// sandbox did not refuse with 429 (the most recent 65 536 correlators).
    pub fn create_receipts(&self) -> HashMap<String, u32> {
        self.server.api.counters.create_receipts()
    }

    /// Per client, the creates, extends and deletes of sessions and
    /// assignments the sandbox answered with success. A client is named as
    /// the auth mode knows it: its client id (OAuth 2.0, TAAP, OpenID),
    /// `bearer-N` for the Nth token of [`SandboxAuth::Bearer`] (1-based;
    /// never the token itself), `anonymous` with [`SandboxAuth::None`].
    /// `GET /_sandbox/stats` answers the same, under `clients`.
    ///
    /// ```
    /// let sandbox = qod_sandbox::Sandbox::start(qod_sandbox::SandboxConfig::default()).unwrap();
    /// assert!(sandbox.lifecycle_counts().is_empty(), "nothing asked for yet");
    /// ```
    pub fn lifecycle_counts(&self) -> BTreeMap<String, LifecycleCounts> {
        self.server.lifecycle_counts()
    }

    /// Ends the live (REQUESTED or AVAILABLE) session `id`, of either
    /// version, as the network would: it becomes UNAVAILABLE with
    /// `statusInfo` `NETWORK_TERMINATED`, its device is free for a new
    /// session, and its webhook or sink, if any, gets the status-changed
    /// event. It stays readable for [`SandboxConfig::retain_ended_for`].
    /// `true` if a live session was ended; `false` for an id no live session
    /// has (unknown, not a UUID, or already ended). `POST
    /// /_sandbox/sessions/{id}/terminate` does the same over HTTP (204, or
    /// 404).
    ///
    /// ```
    /// let sandbox = qod_sandbox::Sandbox::start(qod_sandbox::SandboxConfig::default()).unwrap();
    /// assert!(!sandbox.terminate_session("123e4567-e89b-12d3-a456-426614174000"));
    /// ```
    pub fn terminate_session(&self, id: &str) -> bool {
        self.server.api.terminate_session(id)
    }

    /// Ends the live (REQUESTED or AVAILABLE) QoS assignment `id` as the
    /// network would: UNAVAILABLE with `NETWORK_TERMINATED`, its sink
    /// notified. As QoS Provisioning asks, it still holds its device until
    /// it is revoked (a create for the device meanwhile gets 409). `true` if
    /// a live assignment was ended. `POST
    /// /_sandbox/assignments/{id}/terminate` does the same over HTTP.
    pub fn terminate_assignment(&self, id: &str) -> bool {
        self.server.api.terminate_assignment(id)
    }

    /// How many sessions are stored (active or recently ended).
    pub fn session_count(&self) -> usize {
        self.server.api.session_count()
    }

    /// How many QoS assignments are stored (active or recently revoked).
    pub fn assignment_count(&self) -> usize {
        self.server.api.assignment_count()
    }

    /// Stops serving and waits for the server thread.
    pub fn stop(mut self) {
        self.shut_down();
    }

    /// Blocks until the server thread ends (it ends on `stop` from elsewhere or a fatal error).
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Refuses settings the sandbox cannot serve with.
fn check(config: &SandboxConfig) -> std::io::Result<()> {
    let invalid = |message: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, message);
    if config.max_sessions == 0 {
        return Err(invalid("max_sessions must be at least 1".to_owned()));
    }
    if config.header_read_timeout.is_zero() || config.idle_timeout.is_zero() {
        return Err(invalid(
            "the connection timeouts must not be zero".to_owned(),
        ));
    }
    if let SandboxAuth::Taap { public_key_der, .. } = &config.auth {
        let rsa_only =
            || invalid("the TAAP client key must be RSA: PoP tokens are RS256".to_owned());
        if public_key_der.is_empty() {
            return Err(rsa_only());
        }
        let key = ClientPublicKey::from_pem_or_der(public_key_der)
            .map_err(|e| invalid(format!("the TAAP client key: {e}")))?;
        if key.pkcs1_der().is_none() {
            return Err(rsa_only());
        }
    }
    if let SandboxAuth::OpenId(openid) = &config.auth
        && let Some(problem) = openid.problem()
    {
        return Err(invalid(problem));
    }
    if let SandboxAuth::Bearer(tokens) = &config.auth
        && tokens.iter().any(String::is_empty)
    {
        return Err(invalid("bearer tokens must not be empty".to_owned()));
    }
    Ok(())
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shut_down();
    }
}
