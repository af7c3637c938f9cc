//! The operation methods of both drivers, from one list: each runs its
//! operation with default options. Per-call options go through `execute`.

/// Defines, on a driver with `execute`, one method per operation: blocking
/// with `()`, async with `(async await)`. Each entry's docs are plain doc
/// comments; its example is on the operation's type.
macro_rules! operation_methods {
    (($($async_kw:ident $await_kw:ident)?)) => {
        $crate::operation_methods::operation_methods! { @each ($($async_kw $await_kw)?)
            /// Creates a session ([`CreateSessionOp`](crate::operations::CreateSessionOp)).
            /// Never replayed once it may have reached the server; if the
            /// server's answer cannot be read, [`Error::created`](crate::Error::created)
            /// still names the session it made, so that it can be deleted.
            fn create_session(body: &qod_models::CreateSession) -> qod_models::SessionInfo
                = crate::operations::CreateSessionOp::new(body.clone());
            /// Reads a session ([`GetSessionOp`](crate::operations::GetSessionOp)).
            fn get_session(session_id: qod_models::SessionId) -> qod_models::SessionInfo
                = crate::operations::GetSessionOp::new(session_id);
            /// Deletes a session ([`DeleteSessionOp`](crate::operations::DeleteSessionOp)).
            fn delete_session(session_id: qod_models::SessionId) -> ()
                = crate::operations::DeleteSessionOp::new(session_id);
            /// Extends an `AVAILABLE` session by `additional_seconds`
            /// ([`ExtendSessionOp`](crate::operations::ExtendSessionOp)). Never
            /// replayed once it may have reached the server.
            fn extend_session(session_id: qod_models::SessionId, additional_seconds: u32)
                -> qod_models::SessionInfo
                = crate::operations::ExtendSessionOp::new(session_id, additional_seconds);
            /// The sessions of a device, QoD 1.x
            /// ([`RetrieveSessionsOp`](crate::operations::RetrieveSessionsOp)). With
            /// `None`, the device the access token names.
            fn retrieve_sessions(device: Option<qod_models::Device>) -> Vec<qod_models::SessionInfo>
                = crate::operations::RetrieveSessionsOp::new(device);
            /// One QoS profile ([`GetQosProfileOp`](crate::operations::GetQosProfileOp)).
            fn get_qos_profile(name: &qod_models::QosProfileName) -> qod_models::QosProfile
                = crate::operations::GetQosProfileOp::new(name.clone());
            /// The QoS profiles that match `filter`; the default filter matches
            /// all ([`ListQosProfilesOp`](crate::operations::ListQosProfilesOp)).
            fn list_qos_profiles(filter: &qod_models::QosProfileFilter) -> Vec<qod_models::QosProfile>
                = crate::operations::ListQosProfilesOp::new(filter.clone());
            /// Assigns a QoS profile to a device until revoked, QoS Provisioning
            /// ([`CreateAssignmentOp`](crate::operations::CreateAssignmentOp)).
            /// Never replayed once it may have reached the server; if the answer
            /// cannot be read, [`Error::created`](crate::Error::created) still
            /// names the assignment it made, so that it can be revoked.
            fn create_assignment(body: &qod_models::CreateAssignment) -> qod_models::AssignmentInfo
                = crate::operations::CreateAssignmentOp::new(body.clone());
            /// Reads a QoS assignment ([`GetAssignmentOp`](crate::operations::GetAssignmentOp)).
            fn get_assignment(assignment_id: qod_models::AssignmentId) -> qod_models::AssignmentInfo
                = crate::operations::GetAssignmentOp::new(assignment_id);
            /// The QoS assignment of a device
            /// ([`RetrieveAssignmentOp`](crate::operations::RetrieveAssignmentOp)).
            /// With `None`, the device the access token names.
            fn retrieve_assignment(device: Option<qod_models::Device>) -> qod_models::AssignmentInfo
                = crate::operations::RetrieveAssignmentOp::new(device);
            /// Revokes a QoS assignment: at once, or accepted to end soon
            /// ([`RevokeAssignmentOp`](crate::operations::RevokeAssignmentOp)).
            fn revoke_assignment(assignment_id: qod_models::AssignmentId) -> crate::Revocation
                = crate::operations::RevokeAssignmentOp::new(assignment_id);
        }
    };
    (@each ()
        $(
            $(#[doc = $doc:literal])*
            fn $name:ident($($arg:ident: $arg_type:ty),* $(,)?) -> $output:ty = $operation:expr;
        )*
    ) => {
        $(
            $(#[doc = $doc])*
            pub fn $name(&self, $($arg: $arg_type),*) -> Result<$output, crate::Error> {
                self.execute(&$operation, &crate::CallOptions::new())
            }
        )*
    };
    (@each (async await)
        $(
            $(#[doc = $doc:literal])*
            fn $name:ident($($arg:ident: $arg_type:ty),* $(,)?) -> $output:ty = $operation:expr;
        )*
    ) => {
        $(
            $(#[doc = $doc])*
            pub async fn $name(&self, $($arg: $arg_type),*) -> Result<$output, crate::Error> {
                self.execute(&$operation, &crate::CallOptions::new()).await
            }
        )*
    };
}

pub(crate) use operation_methods;
