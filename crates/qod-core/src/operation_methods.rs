//! One list of operation methods for every client, so that the blocking and
//! the async client, here and in the `qod` front door, offer the same calls
//! under the same names, each documented with an example.

/// Defines the operation methods on a client that has an `execute` method.
///
/// Not a stable API: the `qod` front door uses it for its own clients.
///
/// `$($async_kw $await_kw)?` is empty for a blocking client and
/// `async await` for an async one. The examples of the methods are written
/// here once and framed by the caller: `$krate` is the crate whose `models`
/// and `CallOptions` they name, `$prelude` hidden lines (`# …`) that make a
/// `client`, `$await` the text after each call (`""` or `".await"`) and
/// `$epilogue` hidden lines that end the example.
#[doc(hidden)]
#[macro_export]
macro_rules! operation_methods {
    (
        $($async_kw:ident $await_kw:ident)?;
        crate: $krate:literal,
        prelude: $prelude:expr,
        await: $await:literal,
        epilogue: $epilogue:expr $(,)?
    ) => {
        /// Creates a session. Never replayed once it may have reached the
        /// server; if the server's answer cannot be read, the error still
        /// carries the id of the session it made
        /// (`Error::created_session_id`), so that it can be deleted.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};\n",
            "\n",
            "let session = client.create_session(\n",
            "    &CreateSession::new(\n",
            "        Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?),\n",
            "        QosProfileName::parse(\"QOS_E\")?,\n",
            "    )\n",
            "    .with_application_server(ApplicationServer::ipv4(\"198.51.100.10\".parse()?))\n",
            "    .with_duration(600),\n",
            ")", $await, "?;\n",
            "println!(\"{} is {}\", session.session_id, session.qos_status);\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn create_session(
            &self,
            body: &$crate::models::CreateSession,
        ) -> Result<$crate::models::SessionInfo, $crate::Error> {
            self.create_session_with(body, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// Creates a session, with per-call options (e.g. your own correlator).
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, XCorrelator};\n",
            "\n",
            "let body = CreateSession::new(\n",
            "    Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?),\n",
            "    QosProfileName::parse(\"QOS_E\")?,\n",
            ")\n",
            ".with_application_server(ApplicationServer::ipv4(\"198.51.100.10\".parse()?));\n",
            "// Your own correlator, to find the call in the operator's logs.\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "let session = client.create_session_with(&body, &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn create_session_with(
            &self,
            body: &$crate::models::CreateSession,
            options: &$crate::CallOptions,
        ) -> Result<$crate::models::SessionInfo, $crate::Error> {
            self.execute(&$crate::operations::CreateSessionOp::new(body.clone()), options) $(.$await_kw)?
        }

        /// Reads a session.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::SessionId;\n",
            "\n",
            "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            "let session = client.get_session(id)", $await, "?;\n",
            "println!(\"{} until {:?}\", session.qos_status, session.expires_at);\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn get_session(
            &self,
            session_id: $crate::models::SessionId,
        ) -> Result<$crate::models::SessionInfo, $crate::Error> {
            self.get_session_with(session_id, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// Reads a session, with per-call options.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{SessionId, XCorrelator};\n",
            "\n",
            "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "let session = client.get_session_with(id, &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn get_session_with(
            &self,
            session_id: $crate::models::SessionId,
            options: &$crate::CallOptions,
        ) -> Result<$crate::models::SessionInfo, $crate::Error> {
            self.execute(&$crate::operations::GetSessionOp::new(session_id), options) $(.$await_kw)?
        }

        /// Deletes a session.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::SessionId;\n",
            "\n",
            "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            "client.delete_session(id)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn delete_session(
            &self,
            session_id: $crate::models::SessionId,
        ) -> Result<(), $crate::Error> {
            self.delete_session_with(session_id, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// Deletes a session, with per-call options.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{SessionId, XCorrelator};\n",
            "\n",
            "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "client.delete_session_with(id, &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn delete_session_with(
            &self,
            session_id: $crate::models::SessionId,
            options: &$crate::CallOptions,
        ) -> Result<(), $crate::Error> {
            self.execute(&$crate::operations::DeleteSessionOp::new(session_id), options) $(.$await_kw)?
        }

        /// Extends an `AVAILABLE` session by `additional_seconds`. Never
        /// replayed once it may have reached the server.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::SessionId;\n",
            "\n",
            "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            "let session = client.extend_session(id, 300)", $await, "?;\n",
            "println!(\"now {} s in all\", session.duration);\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn extend_session(
            &self,
            session_id: $crate::models::SessionId,
            additional_seconds: u32,
        ) -> Result<$crate::models::SessionInfo, $crate::Error> {
            self.extend_session_with(session_id, additional_seconds, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// Extends a session, with per-call options.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{SessionId, XCorrelator};\n",
            "\n",
            "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "let session = client.extend_session_with(id, 300, &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn extend_session_with(
            &self,
            session_id: $crate::models::SessionId,
            additional_seconds: u32,
            options: &$crate::CallOptions,
        ) -> Result<$crate::models::SessionInfo, $crate::Error> {
            self.execute(
                &$crate::operations::ExtendSessionOp::new(session_id, additional_seconds),
                options,
            ) $(.$await_kw)?
        }

        /// The sessions of a device (1.x). With `None`, the device the
        /// access token names.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::{Device, PhoneNumber};\n",
            "\n",
            "let device = Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?);\n",
            "for session in client.retrieve_sessions(Some(device))", $await, "? {\n",
            "    println!(\"{} is {}\", session.session_id, session.qos_status);\n",
            "}\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn retrieve_sessions(
            &self,
            device: Option<$crate::models::Device>,
        ) -> Result<Vec<$crate::models::SessionInfo>, $crate::Error> {
            self.retrieve_sessions_with(device, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// The sessions of a device (1.x), with per-call options.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{Device, PhoneNumber, XCorrelator};\n",
            "\n",
            "let device = Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?);\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "let sessions = client.retrieve_sessions_with(Some(device), &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn retrieve_sessions_with(
            &self,
            device: Option<$crate::models::Device>,
            options: &$crate::CallOptions,
        ) -> Result<Vec<$crate::models::SessionInfo>, $crate::Error> {
            self.execute(&$crate::operations::RetrieveSessionsOp::new(device), options) $(.$await_kw)?
        }

        /// One QoS profile.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::QosProfileName;\n",
            "\n",
            "let profile = client.get_qos_profile(&QosProfileName::parse(\"QOS_E\")?)", $await, "?;\n",
            "println!(\"{} is {}\", profile.name, profile.status);\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn get_qos_profile(
            &self,
            name: &$crate::models::QosProfileName,
        ) -> Result<$crate::models::QosProfile, $crate::Error> {
            self.get_qos_profile_with(name, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// One QoS profile, with per-call options.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{QosProfileName, XCorrelator};\n",
            "\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "let profile = client.get_qos_profile_with(&QosProfileName::parse(\"QOS_E\")?, &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn get_qos_profile_with(
            &self,
            name: &$crate::models::QosProfileName,
            options: &$crate::CallOptions,
        ) -> Result<$crate::models::QosProfile, $crate::Error> {
            self.execute(&$crate::operations::GetQosProfileOp::new(name.clone()), options) $(.$await_kw)?
        }

        /// The QoS profiles that match `filter` (the default filter matches all).
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::models::{QosProfileFilter, QosProfileStatus};\n",
            "\n",
            "let active = QosProfileFilter {\n",
            "    status: Some(QosProfileStatus::Active),\n",
            "    ..QosProfileFilter::default()\n",
            "};\n",
            "for profile in client.list_qos_profiles(&active)", $await, "? {\n",
            "    println!(\"{}\", profile.name);\n",
            "}\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn list_qos_profiles(
            &self,
            filter: &$crate::models::QosProfileFilter,
        ) -> Result<Vec<$crate::models::QosProfile>, $crate::Error> {
            self.list_qos_profiles_with(filter, &$crate::CallOptions::new()) $(.$await_kw)?
        }

        /// The QoS profiles that match `filter`, with per-call options.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::{QosProfileFilter, XCorrelator};\n",
            "\n",
            "let options = CallOptions::with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            "let profiles = client.list_qos_profiles_with(&QosProfileFilter::default(), &options)", $await, "?;\n",
            $epilogue, "```",
        )]
        pub $($async_kw)? fn list_qos_profiles_with(
            &self,
            filter: &$crate::models::QosProfileFilter,
            options: &$crate::CallOptions,
        ) -> Result<Vec<$crate::models::QosProfile>, $crate::Error> {
            self.execute(&$crate::operations::ListQosProfilesOp::new(filter.clone()), options) $(.$await_kw)?
        }
    };
}
