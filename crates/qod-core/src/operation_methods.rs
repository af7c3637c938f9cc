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
        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Creates a session. Never replayed once it may have reached the
            /// server; if the server's answer cannot be read, the error still
            /// carries the id of the session it made
            /// (`Error::created_session_id`), so that it can be deleted.
            fn create_session / create_session_with(body: &$crate::models::CreateSession)
                -> $crate::models::SessionInfo
                = $crate::operations::CreateSessionOp::new(body.clone());
            setup: [
                "use ", $krate, "::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};\n",
                "\n",
                "let body = CreateSession::new(\n",
                "    Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?),\n",
                "    QosProfileName::parse(\"QOS_E\")?,\n",
                ")\n",
                ".with_application_server(ApplicationServer::ipv4(\"198.51.100.10\".parse()?))\n",
                ".with_duration(600);\n",
            ],
            call: [
                "let session = client.create_session(&body)", $await, "?;\n",
                "println!(\"{} is {}\", session.session_id, session.qos_status);\n",
            ],
            call_with: ["let session = client.create_session_with(&body, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Reads a session.
            fn get_session / get_session_with(session_id: $crate::models::SessionId)
                -> $crate::models::SessionInfo
                = $crate::operations::GetSessionOp::new(session_id);
            setup: [
                "use ", $krate, "::models::SessionId;\n",
                "\n",
                "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            ],
            call: [
                "let session = client.get_session(id)", $await, "?;\n",
                "println!(\"{} until {:?}\", session.qos_status, session.expires_at);\n",
            ],
            call_with: ["let session = client.get_session_with(id, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Deletes a session.
            fn delete_session / delete_session_with(session_id: $crate::models::SessionId)
                -> ()
                = $crate::operations::DeleteSessionOp::new(session_id);
            setup: [
                "use ", $krate, "::models::SessionId;\n",
                "\n",
                "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            ],
            call: ["client.delete_session(id)", $await, "?;\n",],
            call_with: ["client.delete_session_with(id, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Extends an `AVAILABLE` session by `additional_seconds`. Never
            /// replayed once it may have reached the server.
            fn extend_session / extend_session_with(
                session_id: $crate::models::SessionId,
                additional_seconds: u32
            ) -> $crate::models::SessionInfo
                = $crate::operations::ExtendSessionOp::new(session_id, additional_seconds);
            setup: [
                "use ", $krate, "::models::SessionId;\n",
                "\n",
                "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            ],
            call: [
                "let session = client.extend_session(id, 300)", $await, "?;\n",
                "println!(\"now {} s in all\", session.duration);\n",
            ],
            call_with: ["let session = client.extend_session_with(id, 300, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// The sessions of a device (1.x). With `None`, the device the
            /// access token names.
            fn retrieve_sessions / retrieve_sessions_with(device: Option<$crate::models::Device>)
                -> Vec<$crate::models::SessionInfo>
                = $crate::operations::RetrieveSessionsOp::new(device);
            setup: [
                "use ", $krate, "::models::{Device, PhoneNumber};\n",
                "\n",
                "let device = Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?);\n",
            ],
            call: [
                "for session in client.retrieve_sessions(Some(device))", $await, "? {\n",
                "    println!(\"{} is {}\", session.session_id, session.qos_status);\n",
                "}\n",
            ],
            call_with: ["let sessions = client.retrieve_sessions_with(Some(device), &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// One QoS profile.
            fn get_qos_profile / get_qos_profile_with(name: &$crate::models::QosProfileName)
                -> $crate::models::QosProfile
                = $crate::operations::GetQosProfileOp::new(name.clone());
            setup: [
                "use ", $krate, "::models::QosProfileName;\n",
                "\n",
                "let name = QosProfileName::parse(\"QOS_E\")?;\n",
            ],
            call: [
                "let profile = client.get_qos_profile(&name)", $await, "?;\n",
                "println!(\"{} is {}\", profile.name, profile.status);\n",
            ],
            call_with: ["let profile = client.get_qos_profile_with(&name, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// The QoS profiles that match `filter` (the default filter matches all).
            fn list_qos_profiles / list_qos_profiles_with(filter: &$crate::models::QosProfileFilter)
                -> Vec<$crate::models::QosProfile>
                = $crate::operations::ListQosProfilesOp::new(filter.clone());
            setup: [
                "use ", $krate, "::models::{QosProfileFilter, QosProfileStatus};\n",
                "\n",
                "let active = QosProfileFilter {\n",
                "    status: Some(QosProfileStatus::Active),\n",
                "    ..QosProfileFilter::default()\n",
                "};\n",
            ],
            call: [
                "for profile in client.list_qos_profiles(&active)", $await, "? {\n",
                "    println!(\"{}\", profile.name);\n",
                "}\n",
            ],
            call_with: ["let profiles = client.list_qos_profiles_with(&active, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Assigns a QoS profile to a device until the assignment is
            /// revoked (QoS Provisioning). Never replayed once it may have
            /// reached the server; if the answer cannot be read, the error
            /// still carries the id of the assignment it made
            /// (`Error::created_assignment_id`), so that it can be revoked.
            fn create_assignment / create_assignment_with(body: &$crate::models::CreateAssignment)
                -> $crate::models::AssignmentInfo
                = $crate::operations::CreateQosAssignmentOp::new(body.clone());
            setup: [
                "use ", $krate, "::models::{CreateAssignment, Device, PhoneNumber, QosProfileName};\n",
                "\n",
                "let body = CreateAssignment::new(\n",
                "    Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?),\n",
                "    QosProfileName::parse(\"QOS_L\")?,\n",
                ");\n",
            ],
            call: [
                "let assignment = client.create_assignment(&body)", $await, "?;\n",
                "println!(\"{} is {}\", assignment.assignment_id, assignment.status);\n",
            ],
            call_with: ["let assignment = client.create_assignment_with(&body, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Reads a QoS assignment.
            fn get_assignment / get_assignment_with(assignment_id: $crate::models::AssignmentId)
                -> $crate::models::AssignmentInfo
                = $crate::operations::GetQosAssignmentByIdOp::new(assignment_id);
            setup: [
                "use ", $krate, "::models::AssignmentId;\n",
                "\n",
                "let id: AssignmentId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            ],
            call: [
                "let assignment = client.get_assignment(id)", $await, "?;\n",
                "println!(\"{}\", assignment.status);\n",
            ],
            call_with: ["let assignment = client.get_assignment_with(id, &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// The QoS assignment of a device (`None`: the device a
            /// three-legged token names); a 404 `NOT_FOUND` error when it has none.
            fn retrieve_assignment / retrieve_assignment_with(device: Option<$crate::models::Device>)
                -> $crate::models::AssignmentInfo
                = $crate::operations::GetQosAssignmentByDeviceOp::new(device);
            setup: [
                "use ", $krate, "::models::{Device, PhoneNumber};\n",
                "\n",
                "let device = Device::with_phone_number(PhoneNumber::parse(\"+14255550100\")?);\n",
            ],
            call: [
                "let assignment = client.retrieve_assignment(Some(device))", $await, "?;\n",
                "println!(\"{} is {}\", assignment.assignment_id, assignment.status);\n",
            ],
            call_with: ["let assignment = client.retrieve_assignment_with(Some(device), &options)", $await, "?;\n",],
        }

        $crate::operation_method_pair! {
            [$($async_kw $await_kw)?] [$krate, $prelude, $epilogue]
            /// Revokes a QoS assignment: done at once, or accepted to finish later.
            fn revoke_assignment / revoke_assignment_with(assignment_id: $crate::models::AssignmentId)
                -> $crate::Revocation
                = $crate::operations::RevokeQosAssignmentOp::new(assignment_id);
            setup: [
                "use ", $krate, "::models::AssignmentId;\n",
                "\n",
                "let id: AssignmentId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
            ],
            call: [
                "let revocation = client.revoke_assignment(id)", $await, "?;\n",
                "println!(\"{revocation:?}\");\n",
            ],
            call_with: ["let revocation = client.revoke_assignment_with(id, &options)", $await, "?;\n",],
        }
    };
}

/// Defines one operation's pair of methods: `$name`, and `$name_with`,
/// which also takes per-call options. Their examples share `$setup`; the
/// first then shows `$call`, the second a correlator of the caller's own
/// and `$call_with`. The rest as in [`operation_methods!`].
#[doc(hidden)]
#[macro_export]
macro_rules! operation_method_pair {
    (
        [$($async_kw:ident $await_kw:ident)?] [$krate:literal, $prelude:expr, $epilogue:expr]
        $(#[doc = $doc:literal])*
        fn $name:ident / $name_with:ident($($arg:ident: $arg_type:ty),* $(,)?) -> $output:ty
            = $operation:expr;
        setup: [$($setup:tt)*],
        call: [$($call:tt)*],
        call_with: [$($call_with:tt)*] $(,)?
    ) => {
        $(#[doc = $doc])*
        ///
        #[doc = concat!("```no_run\n", $prelude, $($setup)* $($call)* $epilogue, "```")]
        pub $($async_kw)? fn $name(&self, $($arg: $arg_type),*) -> Result<$output, $crate::Error> {
            self.$name_with($($arg,)* &$crate::CallOptions::new()) $(.$await_kw)?
        }

        #[doc = concat!("[`", stringify!($name), "`](Self::", stringify!($name), ")")]
        /// with per-call options: your own correlator, to find the call in
        /// the operator's logs.
        ///
        #[doc = concat!(
            "```no_run\n", $prelude,
            "use ", $krate, "::CallOptions;\n",
            "use ", $krate, "::models::XCorrelator;\n",
            $($setup)*
            "let options = CallOptions::new().with_correlator(XCorrelator::parse(\"order-4711\")?);\n",
            $($call_with)* $epilogue, "```",
        )]
        pub $($async_kw)? fn $name_with(
            &self,
            $($arg: $arg_type,)*
            options: &$crate::CallOptions,
        ) -> Result<$output, $crate::Error> {
            self.execute(&$operation, options) $(.$await_kw)?
        }
    };
}
