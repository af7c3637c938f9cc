//! One definition of the front door's clients: a type of its own over a core
//! client and one transport, so that its page lists every method, each with
//! an example; the methods hand the work to the core client.

/// Defines a front-door client `$name` wrapping the core client `$inner`
/// over `$transport`. Blocking with `;`, async with `async await;`; the
/// bounds an async caller's operations, outputs and closures need are given
/// in brackets. `$prelude`, `$await` and `$epilogue` frame every example as
/// in `qod_core::operation_methods!`.
macro_rules! front_door_client {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($inner:ty) over $transport:ty;
        $($async_kw:ident $await_kw:ident)?;
        operation: [$($operation_bound:tt)*],
        output: [$($output_bound:tt)*],
        on_poll: [$($on_poll_bound:tt)*],
        prelude: $prelude:expr,
        await: $await:literal,
        epilogue: $epilogue:expr $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name($inner);

        impl $name {
            /// The endpoint: base URL, wire version and operator rules.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "println!(\"calling {} (QoD {:?})\", client.endpoint().base_url(), client.endpoint().api_version());\n",
                $epilogue, "```",
            )]
            pub fn endpoint(&self) -> &qod_core::Endpoint {
                self.0.endpoint()
            }

            /// The transport, with the settings it was built with.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "assert_eq!(client.transport().body_limit(), 1024 * 1024);\n",
                $epilogue, "```",
            )]
            pub fn transport(&self) -> &$transport {
                self.0.transport()
            }

            /// The authenticator and its token cache.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "// A static bearer token cannot be fetched again after a 401.\n",
                "println!(\"refreshes tokens: {}\", client.authenticator().can_refresh());\n",
                $epilogue, "```",
            )]
            pub fn authenticator(&self) -> &qod_core::auth::Authenticator {
                self.0.authenticator()
            }

            /// The transport-free half of the client, which starts a
            /// [`Call`](qod_core::Call) for a driver of your own.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "println!(\"retries: {:?}\", client.core().retry());\n",
                $epilogue, "```",
            )]
            pub fn core(&self) -> &qod_core::ClientCore {
                self.0.core()
            }

            /// Polls a session every `interval` until it is no longer
            /// `REQUESTED` (it became `AVAILABLE`, or `UNAVAILABLE`), or
            /// `timeout` passes. `on_poll` sees each reading, e.g. to show
            /// progress.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "use std::time::Duration;\n",
                "use qod::models::SessionId;\n",
                "\n",
                "let id: SessionId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
                "let session = client.wait_for_session(\n",
                "    id,\n",
                "    Duration::from_secs(1),\n",
                "    Duration::from_secs(60),\n",
                "    |reading| println!(\"{}\", reading.qos_status),\n",
                ")", $await, "?;\n",
                "println!(\"{} is {}\", session.session_id, session.qos_status);\n",
                $epilogue, "```",
            )]
            pub $($async_kw)? fn wait_for_session(
                &self,
                session_id: qod_core::models::SessionId,
                interval: std::time::Duration,
                timeout: std::time::Duration,
                on_poll: impl FnMut(&qod_core::models::SessionInfo) $($on_poll_bound)*,
            ) -> Result<qod_core::models::SessionInfo, qod_core::Error> {
                self.0.wait_for_session(session_id, interval, timeout, on_poll) $(.$await_kw)?
            }

            /// Polls a QoS assignment every `interval` until it is no longer
            /// `REQUESTED` (it became `AVAILABLE`, or `UNAVAILABLE`), or
            /// `timeout` passes. `on_poll` sees each reading.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "use std::time::Duration;\n",
                "use qod::models::AssignmentId;\n",
                "\n",
                "let id: AssignmentId = \"123e4567-e89b-12d3-a456-426614174000\".parse()?;\n",
                "let assignment = client.wait_for_assignment(\n",
                "    id,\n",
                "    Duration::from_secs(1),\n",
                "    Duration::from_secs(60),\n",
                "    |reading| println!(\"{}\", reading.status),\n",
                ")", $await, "?;\n",
                "println!(\"{} is {}\", assignment.assignment_id, assignment.status);\n",
                $epilogue, "```",
            )]
            pub $($async_kw)? fn wait_for_assignment(
                &self,
                assignment_id: qod_core::models::AssignmentId,
                interval: std::time::Duration,
                timeout: std::time::Duration,
                on_poll: impl FnMut(&qod_core::models::AssignmentInfo) $($on_poll_bound)*,
            ) -> Result<qod_core::models::AssignmentInfo, qod_core::Error> {
                self.0.wait_for_assignment(assignment_id, interval, timeout, on_poll) $(.$await_kw)?
            }

            /// Runs any operation with per-call options: authentication,
            /// retries and the correlator, which every error of the call
            /// carries.
            ///
            #[doc = concat!(
                "```no_run\n", $prelude,
                "use qod::CallOptions;\n",
                "use qod::operations::GetSessionOp;\n",
                "\n",
                "let operation = GetSessionOp::new(\"123e4567-e89b-12d3-a456-426614174000\".parse()?);\n",
                "let session = client.execute(&operation, &CallOptions::new())", $await, "?;\n",
                $epilogue, "```",
            )]
            pub $($async_kw)? fn execute<O: qod_core::Operation $($operation_bound)*>(
                &self,
                operation: &O,
                options: &qod_core::CallOptions,
            ) -> Result<O::Output, qod_core::Error>
            where
                O::Output: $($output_bound)*
            {
                self.0.execute(operation, options) $(.$await_kw)?
            }

            qod_core::operation_methods!(
                $($async_kw $await_kw)?;
                crate: "qod",
                prelude: $prelude,
                await: $await,
                epilogue: $epilogue,
            );
        }

        /// A front-door client around a core client, e.g. one with a clock
        /// or an id source of your own.
        impl From<$inner> for $name {
            fn from(client: $inner) -> Self {
                $name(client)
            }
        }

        /// The core client inside.
        impl From<$name> for $inner {
            fn from(client: $name) -> Self {
                client.0
            }
        }
    };
}

pub(crate) use front_door_client;
