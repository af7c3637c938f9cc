//! The blocking driver of the call machine: it sends, sleeps and waits
//! through what it is given and holds no call logic of its own.

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::{CallOptions, ClientCore, Clock, Endpoint, Error, Operation, Step, Transport};

/// A blocking QoD client over any [`Transport`]. It is `Send + Sync`: share
/// it between threads behind an `Arc` or a reference; they share its token
/// cache, and a burst of calls makes one token request.
///
/// The examples of its methods call a `client` made as below; the `qod`
/// crate's `Client` has the same methods over a ready transport.
///
/// ```
/// use std::sync::Arc;
/// use std::time::{Duration, SystemTime};
/// use qod_core::{Client, ClientCore, Clock, Credentials, Endpoint, TransportError};
///
/// struct FixedClock;
/// impl Clock for FixedClock {
///     fn now(&self) -> SystemTime { SystemTime::UNIX_EPOCH }
///     fn sleep(&self, _: Duration) {}
/// }
/// let transport = |request: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, TransportError> {
///     assert_eq!(request.headers()["authorization"], "Bearer abc123");
///     Ok(http::Response::builder().status(204).body(Vec::new()).unwrap())
/// };
/// let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0")?)
///     .credentials(Credentials::bearer("abc123")?);
/// let client = Client::new(transport, core, Arc::new(FixedClock));
/// client.delete_session("123e4567-e89b-12d3-a456-426614174000".parse()?)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client<T: Transport> {
    transport: T,
    core: ClientCore,
    clock: Arc<dyn Clock>,
}

impl<T: Transport> std::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Client<T> {
    /// A client that runs `core`'s calls over `transport`, telling time,
    /// sleeping and waiting with `clock`.
    pub fn new(transport: T, core: ClientCore, clock: Arc<dyn Clock>) -> Self {
        Client {
            transport,
            core,
            clock,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        self.core.endpoint()
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The authenticator and its token cache.
    pub fn authenticator(&self) -> &Authenticator {
        self.core.auth()
    }

    /// The transport-free half of the client.
    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    crate::operation_methods!(
        ;
        crate: "qod_core",
        prelude: concat!(
            "# use std::time::{Duration, SystemTime};\n",
            "# struct SystemClock;\n",
            "# impl qod_core::Clock for SystemClock {\n",
            "#     fn now(&self) -> SystemTime { SystemTime::now() }\n",
            "#     fn sleep(&self, _: Duration) { unimplemented!() }\n",
            "# }\n",
            "# let transport = |_: http::Request<Vec<u8>>| -> Result<http::Response<Vec<u8>>, qod_core::TransportError> { unimplemented!() };\n",
            "# let endpoint = qod_core::Endpoint::new(\"https://api.example.com/quality-on-demand/v1\")?;\n",
            "# let client = qod_core::Client::new(transport, qod_core::ClientCore::new(endpoint), std::sync::Arc::new(SystemClock));\n",
        ),
        await: "",
        epilogue: "# Ok::<(), Box<dyn std::error::Error>>(())\n",
    );

    crate::wait_methods::wait_methods!(;;);

    /// Runs any operation with per-call options: authentication, retries and
    /// the correlator, which every error of the call carries.
    pub fn execute<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        let mut call = self.core.start(operation, options, self.clock.now());
        loop {
            match call.next_step(self.clock.now()) {
                Step::Send(request) => {
                    let result = self.transport.send(request);
                    call.receive(result, self.clock.now());
                }
                Step::Sleep(delay) => self.clock.sleep(delay),
                Step::WaitForToken { wait, at_most } => self.clock.wait_for_token(wait, at_most),
                Step::Done(result) => return result,
            }
        }
    }
}
