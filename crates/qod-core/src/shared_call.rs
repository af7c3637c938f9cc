//! Calls and status waits that hold a share of the client's core and own
//! their operation, for drivers that cannot keep a borrow alive from one
//! step to the next: a binding to another language keeps the machine in an
//! object of that language, which no Rust lifetime can follow. The borrowed
//! path ([`ClientCore::start`], [`StatusWait::new`]) stays as it was, with
//! no allocation.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::held::{Held, Lent};
use crate::status_wait::Pollable;
use crate::{Call, CallOptions, ClientCore, Operation, StatusWait};

impl<O: Operation + Send + Sync + 'static> Call<'static, O> {
    /// Starts a call of `operation` on a share of `core` at `now`, as
    /// [`ClientCore::start`] does: the same machine, which borrows nothing
    /// and so may be kept anywhere (it shares `core`'s token cache).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::SystemTime;
    /// use qod_core::{Call, CallOptions, ClientCore, Endpoint, Machine, Step};
    /// use qod_core::operations::DeleteSessionOp;
    ///
    /// let core = Arc::new(ClientCore::new(Endpoint::new("http://127.0.0.1:9/qod/v0")?));
    /// let op = DeleteSessionOp::new("123e4567-e89b-12d3-a456-426614174000".parse()?);
    /// let mut call: Call<'static, _> = Call::shared(core, op, &CallOptions::new(), SystemTime::now());
    /// let Step::Send(request) = call.next_step(SystemTime::now()) else { panic!("sends first") };
    /// assert_eq!(request.method(), "DELETE");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shared(
        core: Arc<ClientCore>,
        operation: O,
        options: &CallOptions,
        now: SystemTime,
    ) -> Self {
        Call::start(Lent::shared(core), Held::Owned(operation), options, now)
    }
}

impl<O, F> StatusWait<'static, O, F>
where
    O: Operation + Send + Sync + 'static,
    O::Output: Pollable,
    F: FnMut(&O::Output),
{
    /// A status wait on a share of `core` that owns its `read`, as
    /// [`StatusWait::new`] makes one: the same machine, borrowing nothing.
    pub fn shared(
        core: Arc<ClientCore>,
        read: O,
        interval: Duration,
        timeout: Duration,
        now: SystemTime,
        on_poll: F,
    ) -> Self {
        let read = Lent::shared(Arc::new(read));
        StatusWait::held(Lent::shared(core), read, interval, timeout, now, on_poll)
    }
}

#[cfg(test)]
mod tests {
    use http::Response;

    use super::*;
    use crate::operations::GetSessionOp;
    use crate::{Credentials, Endpoint, Machine, Step};

    fn core() -> Arc<ClientCore> {
        let endpoint = Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1");
        let core = ClientCore::new(endpoint.unwrap_or_else(|e| panic!("{e}")));
        let credentials = Credentials::bearer("abc123").unwrap_or_else(|e| panic!("{e}"));
        Arc::new(core.with_credentials(credentials))
    }

    fn read() -> GetSessionOp {
        let id = "123e4567-e89b-12d3-a456-426614174000".parse();
        GetSessionOp::new(id.unwrap_or_else(|e| panic!("{e}")))
    }

    fn answer(status: &str) -> Response<Vec<u8>> {
        let body = format!(
            r#"{{"sessionId":"123e4567-e89b-12d3-a456-426614174000",
                "qosProfile":"QOS_VC","duration":60,"qosStatus":"{status}"}}"#
        );
        Response::builder()
            .status(200)
            .body(body.into_bytes())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// What a binding needs: a machine it can keep, and move between threads.
    fn keepable<M: Machine + Send + 'static>(machine: M) -> M {
        machine
    }

    #[test]
    fn a_shared_call_outlives_every_borrow_and_runs_as_a_borrowed_one() {
        let now = SystemTime::UNIX_EPOCH;
        let mut call = keepable(Call::shared(core(), read(), &CallOptions::new(), now));
        let Step::Send(request) = call.next_step(now) else {
            panic!("sends first")
        };
        assert_eq!(request.headers()["authorization"], "Bearer abc123");
        call.receive(Ok(answer("AVAILABLE")), now);
        let Step::Done(Ok(info)) = call.next_step(now) else {
            panic!("ends with the session")
        };
        assert_eq!(info.qos_status.as_str(), "AVAILABLE");
    }

    #[test]
    fn a_shared_status_wait_polls_until_decided() {
        let t0 = SystemTime::UNIX_EPOCH;
        let (interval, timeout) = (Duration::from_secs(1), Duration::from_secs(5));
        let mut seen = 0;
        let mut wait = StatusWait::shared(core(), read(), interval, timeout, t0, |_| seen += 1);
        let mut now = t0;
        let mut answers = ["REQUESTED", "AVAILABLE"].into_iter();
        let result = loop {
            match wait.next_step(now) {
                Step::Send(_) => {
                    let status = answers.next().unwrap_or("AVAILABLE");
                    wait.receive(Ok(answer(status)), now);
                }
                Step::Sleep(delay) => now += delay,
                Step::WaitForToken { .. } => panic!("a bearer token needs no fetch"),
                Step::Done(result) => break result,
            }
        };
        assert!(result.is_ok());
        assert_eq!(now, t0 + interval);
        drop(wait);
        assert_eq!(seen, 2);
    }
}
