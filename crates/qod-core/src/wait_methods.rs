//! `wait_for_session` and `wait_for_assignment` for both drivers of the call
//! machine, from one definition: they read, decide by [`crate::StatusWait`]'s
//! rules, and sleep with the driver's clock.

/// Defines the wait methods on a driver with `execute` and a `clock`
/// (blocking when called with `; ;`, async with `async; await; Send`, the
/// last the bound a wait's progress callback needs).
macro_rules! wait_methods {
    ($($async_kw:ident)? ; $($await_kw:ident)? ; $($callback_bound:ident)?) => {
        /// Polls a session every `interval` until it is no longer `REQUESTED`
        /// (it became `AVAILABLE`, or `UNAVAILABLE`), or `timeout` passes.
        /// `on_poll` sees each reading, e.g. to show progress.
        pub $($async_kw)? fn wait_for_session(
            &self,
            session_id: qod_models::SessionId,
            interval: std::time::Duration,
            timeout: std::time::Duration,
            on_poll: impl FnMut(&qod_models::SessionInfo) $(+ $callback_bound)?,
        ) -> Result<qod_models::SessionInfo, crate::Error> {
            let read = crate::operations::GetSessionOp::new(session_id);
            self.poll_until_decided(&read, interval, timeout, on_poll) $(.$await_kw)?
        }

        /// Polls a QoS assignment every `interval` until it is no longer
        /// `REQUESTED` (it became `AVAILABLE`, or `UNAVAILABLE`), or
        /// `timeout` passes. `on_poll` sees each reading.
        pub $($async_kw)? fn wait_for_assignment(
            &self,
            assignment_id: qod_models::AssignmentId,
            interval: std::time::Duration,
            timeout: std::time::Duration,
            on_poll: impl FnMut(&qod_models::AssignmentInfo) $(+ $callback_bound)?,
        ) -> Result<qod_models::AssignmentInfo, crate::Error> {
            let read = crate::operations::GetQosAssignmentByIdOp::new(assignment_id);
            self.poll_until_decided(&read, interval, timeout, on_poll) $(.$await_kw)?
        }

        /// Runs `read` every `interval`, by [`crate::StatusWait`]'s rules.
        $($async_kw)? fn poll_until_decided<O>(
            &self,
            read: &O,
            interval: std::time::Duration,
            timeout: std::time::Duration,
            mut on_poll: impl FnMut(&O::Output) $(+ $callback_bound)?,
        ) -> Result<O::Output, crate::Error>
        where
            O: crate::Operation + Sync,
            O::Output: crate::Pollable + Send,
        {
            let wait = crate::StatusWait::new(self.clock.now(), interval, timeout);
            loop {
                // No reading, retries and `Retry-After` included, outlasts the wait.
                let left = wait.time_left(self.clock.now());
                let options = crate::CallOptions::new().with_time_limit(left);
                let info = self.execute(read, &options) $(.$await_kw)? ?;
                on_poll(&info);
                match wait.after_reading(info, self.clock.now()) {
                    crate::WaitStep::Done(result) => return result,
                    crate::WaitStep::PollAgainAfter(delay) => self.clock.sleep(delay) $(.$await_kw)?,
                }
            }
        }
    };
}

pub(crate) use wait_methods;
