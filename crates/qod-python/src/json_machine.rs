//! Any machine, its output turned into JSON bytes: the one shape of result
//! the Python side reads, whatever the operation.

use std::time::SystemTime;

use http::Response;
use qod_core::{Error, ErrorKind, Machine, Step, TransportError};

/// A machine whose output is JSON, kept behind one type by the [`crate::Job`].
pub(crate) trait JsonMachine: Send + Sync {
    /// [`Machine::next_step`], with the output as JSON.
    fn next_step(&mut self, now: SystemTime) -> Step<Vec<u8>>;
    /// [`Machine::receive`].
    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime);
}

/// `machine`, whose output `encode` turns into JSON.
pub(crate) struct Json<M: Machine> {
    machine: M,
    encode: fn(M::Output) -> serde_json::Result<Vec<u8>>,
}

impl<M: Machine + Send + Sync> Json<M> {
    /// `machine` with `encode`, boxed for the job.
    pub(crate) fn boxed(
        machine: M,
        encode: fn(M::Output) -> serde_json::Result<Vec<u8>>,
    ) -> Box<dyn JsonMachine>
    where
        M: 'static,
    {
        Box::new(Json { machine, encode })
    }
}

impl<M: Machine + Send + Sync> JsonMachine for Json<M> {
    fn next_step(&mut self, now: SystemTime) -> Step<Vec<u8>> {
        match self.machine.next_step(now) {
            Step::Send(request) => Step::Send(request),
            Step::Sleep(delay) => Step::Sleep(delay),
            Step::WaitForToken { wait, at_most } => Step::WaitForToken { wait, at_most },
            Step::Done(result) => Step::Done(result.and_then(|output| {
                (self.encode)(output).map_err(|e| Error::from(ErrorKind::Encode(e)))
            })),
        }
    }

    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime) {
        self.machine.receive(result, now);
    }
}
