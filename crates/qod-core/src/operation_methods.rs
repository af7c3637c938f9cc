//! One list of operation methods for both drivers, so that the blocking and
//! the async client offer the same calls under the same names.

/// Defines the operation methods on a driver that has an `execute` method
/// (blocking when called with `;`, async when called with `async; await`).
macro_rules! operation_methods {
    ($($async_kw:ident)? ; $($await_kw:ident)?) => {
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
    };
}

pub(crate) use operation_methods;
