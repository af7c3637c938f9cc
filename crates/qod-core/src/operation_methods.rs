//! One list of operation methods for both drivers, so that the blocking and
//! the async client offer the same calls under the same names.

/// Defines the operation methods on a driver that has an `execute` method
/// and a `clock` to tell time and sleep with (blocking when called with
/// `; ;`, async when called with `async; await; Send`, the last the bound a
/// wait's progress callback needs).
macro_rules! operation_methods {
    ($($async_kw:ident)? ; $($await_kw:ident)? ; $($callback_bound:ident)?) => {
        /// Creates a session. Never replayed once it may have reached the server.
        pub $($async_kw)? fn create_session(&self, body: &CreateSession) -> Result<SessionInfo, Error> {
            self.create_session_with(body, &CallOptions::new()) $(.$await_kw)?
        }

        /// Creates a session, with per-call options (e.g. your own correlator).
        pub $($async_kw)? fn create_session_with(
            &self,
            body: &CreateSession,
            options: &CallOptions,
        ) -> Result<SessionInfo, Error> {
            self.execute(&CreateSessionOp::new(body.clone()), options) $(.$await_kw)?
        }

        /// Reads a session.
        pub $($async_kw)? fn get_session(&self, session_id: SessionId) -> Result<SessionInfo, Error> {
            self.get_session_with(session_id, &CallOptions::new()) $(.$await_kw)?
        }

        /// Reads a session, with per-call options.
        pub $($async_kw)? fn get_session_with(
            &self,
            session_id: SessionId,
            options: &CallOptions,
        ) -> Result<SessionInfo, Error> {
            self.execute(&GetSessionOp::new(session_id), options) $(.$await_kw)?
        }

        /// Deletes a session.
        pub $($async_kw)? fn delete_session(&self, session_id: SessionId) -> Result<(), Error> {
            self.delete_session_with(session_id, &CallOptions::new()) $(.$await_kw)?
        }

        /// Deletes a session, with per-call options.
        pub $($async_kw)? fn delete_session_with(
            &self,
            session_id: SessionId,
            options: &CallOptions,
        ) -> Result<(), Error> {
            self.execute(&DeleteSessionOp::new(session_id), options) $(.$await_kw)?
        }

        /// Extends an `AVAILABLE` session by `additional_seconds`. Never
        /// replayed once it may have reached the server.
        pub $($async_kw)? fn extend_session(
            &self,
            session_id: SessionId,
            additional_seconds: u32,
        ) -> Result<SessionInfo, Error> {
            self.extend_session_with(session_id, additional_seconds, &CallOptions::new()) $(.$await_kw)?
        }

        /// Extends a session, with per-call options.
        pub $($async_kw)? fn extend_session_with(
            &self,
            session_id: SessionId,
            additional_seconds: u32,
            options: &CallOptions,
        ) -> Result<SessionInfo, Error> {
            self.execute(&ExtendSessionOp::new(session_id, additional_seconds), options) $(.$await_kw)?
        }

        /// The sessions of a device (1.x).
        pub $($async_kw)? fn retrieve_sessions(&self, device: Option<Device>) -> Result<Vec<SessionInfo>, Error> {
            self.retrieve_sessions_with(device, &CallOptions::new()) $(.$await_kw)?
        }

        /// The sessions of a device (1.x), with per-call options.
        pub $($async_kw)? fn retrieve_sessions_with(
            &self,
            device: Option<Device>,
            options: &CallOptions,
        ) -> Result<Vec<SessionInfo>, Error> {
            self.execute(&RetrieveSessionsOp::new(device), options) $(.$await_kw)?
        }

        /// One QoS profile.
        pub $($async_kw)? fn get_qos_profile(&self, name: &QosProfileName) -> Result<QosProfile, Error> {
            self.get_qos_profile_with(name, &CallOptions::new()) $(.$await_kw)?
        }

        /// One QoS profile, with per-call options.
        pub $($async_kw)? fn get_qos_profile_with(
            &self,
            name: &QosProfileName,
            options: &CallOptions,
        ) -> Result<QosProfile, Error> {
            self.execute(&GetQosProfileOp::new(name.clone()), options) $(.$await_kw)?
        }

        /// The QoS profiles that match `filter`.
        pub $($async_kw)? fn list_qos_profiles(&self, filter: &QosProfileFilter) -> Result<Vec<QosProfile>, Error> {
            self.list_qos_profiles_with(filter, &CallOptions::new()) $(.$await_kw)?
        }

        /// The QoS profiles that match `filter`, with per-call options.
        pub $($async_kw)? fn list_qos_profiles_with(
            &self,
            filter: &QosProfileFilter,
            options: &CallOptions,
        ) -> Result<Vec<QosProfile>, Error> {
            self.execute(&ListQosProfilesOp::new(filter.clone()), options) $(.$await_kw)?
        }

        /// Assigns a QoS profile to a device until revoked (QoS
        /// Provisioning). Never replayed once it may have reached the server.
        pub $($async_kw)? fn create_assignment(&self, body: &CreateAssignment) -> Result<AssignmentInfo, Error> {
            self.create_assignment_with(body, &CallOptions::new()) $(.$await_kw)?
        }

        /// Assigns a QoS profile to a device, with per-call options.
        pub $($async_kw)? fn create_assignment_with(
            &self,
            body: &CreateAssignment,
            options: &CallOptions,
        ) -> Result<AssignmentInfo, Error> {
            self.execute(&CreateQosAssignmentOp::new(body.clone()), options) $(.$await_kw)?
        }

        /// Reads a QoS assignment.
        pub $($async_kw)? fn get_assignment(&self, assignment_id: AssignmentId) -> Result<AssignmentInfo, Error> {
            self.get_assignment_with(assignment_id, &CallOptions::new()) $(.$await_kw)?
        }

        /// Reads a QoS assignment, with per-call options.
        pub $($async_kw)? fn get_assignment_with(
            &self,
            assignment_id: AssignmentId,
            options: &CallOptions,
        ) -> Result<AssignmentInfo, Error> {
            self.execute(&GetQosAssignmentByIdOp::new(assignment_id), options) $(.$await_kw)?
        }

        /// The QoS assignment of a device (`None` with a three-legged
        /// token); a 404 `NOT_FOUND` error when it has none.
        pub $($async_kw)? fn retrieve_assignment(&self, device: Option<Device>) -> Result<AssignmentInfo, Error> {
            self.retrieve_assignment_with(device, &CallOptions::new()) $(.$await_kw)?
        }

        /// The QoS assignment of a device, with per-call options.
        pub $($async_kw)? fn retrieve_assignment_with(
            &self,
            device: Option<Device>,
            options: &CallOptions,
        ) -> Result<AssignmentInfo, Error> {
            self.execute(&GetQosAssignmentByDeviceOp::new(device), options) $(.$await_kw)?
        }

        /// Revokes a QoS assignment: done at once, or accepted to finish later.
        pub $($async_kw)? fn revoke_assignment(&self, assignment_id: AssignmentId) -> Result<Revocation, Error> {
            self.revoke_assignment_with(assignment_id, &CallOptions::new()) $(.$await_kw)?
        }

        /// Revokes a QoS assignment, with per-call options.
        pub $($async_kw)? fn revoke_assignment_with(
            &self,
            assignment_id: AssignmentId,
            options: &CallOptions,
        ) -> Result<Revocation, Error> {
            self.execute(&RevokeQosAssignmentOp::new(assignment_id), options) $(.$await_kw)?
        }

        /// Polls a session every `interval` until it is no longer `REQUESTED`
        /// (it became `AVAILABLE`, or `UNAVAILABLE`), or `timeout` passes.
        /// `on_poll` sees each reading, e.g. to show progress.
        pub $($async_kw)? fn wait_for_session(
            &self,
            session_id: SessionId,
            interval: Duration,
            timeout: Duration,
            on_poll: impl FnMut(&SessionInfo) $(+ $callback_bound)?,
        ) -> Result<SessionInfo, Error> {
            let read = GetSessionOp::new(session_id);
            self.poll_until_decided(&read, interval, timeout, on_poll) $(.$await_kw)?
        }

        /// Polls a QoS assignment every `interval` until it is no longer
        /// `REQUESTED` (it became `AVAILABLE`, or `UNAVAILABLE`), or
        /// `timeout` passes. `on_poll` sees each reading.
        pub $($async_kw)? fn wait_for_assignment(
            &self,
            assignment_id: AssignmentId,
            interval: Duration,
            timeout: Duration,
            on_poll: impl FnMut(&AssignmentInfo) $(+ $callback_bound)?,
        ) -> Result<AssignmentInfo, Error> {
            let read = GetQosAssignmentByIdOp::new(assignment_id);
            self.poll_until_decided(&read, interval, timeout, on_poll) $(.$await_kw)?
        }

        /// Runs `read` every `interval`, by [`StatusWait`]'s rules.
        $($async_kw)? fn poll_until_decided<O>(
            &self,
            read: &O,
            interval: Duration,
            timeout: Duration,
            mut on_poll: impl FnMut(&O::Output) $(+ $callback_bound)?,
        ) -> Result<O::Output, Error>
        where
            O: Operation + Sync,
            O::Output: Pollable + Send,
        {
            let wait = StatusWait::new(self.clock.now(), interval, timeout);
            loop {
                let info = self.execute(read, &CallOptions::new()) $(.$await_kw)? ?;
                on_poll(&info);
                match wait.after_reading(info, self.clock.now()) {
                    WaitStep::Done(result) => return result,
                    WaitStep::PollAgainAfter(delay) => self.clock.sleep(delay) $(.$await_kw)?,
                }
            }
        }
    };
}

pub(crate) use operation_methods;
