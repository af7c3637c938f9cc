//! Which resource a path names, which methods it allows, and the
//! [`Operation`] a method on it is.

use http::Method;

use crate::api::Operation;
use crate::wire::Wire;

/// A resource the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource<'a> {
    TaapToken,
    OAuthToken,
    OpenIdDiscovery,
    Jwks,
    BcAuthorize,
    OpenIdToken,
    Authorize,
    Sessions(Wire),
    Session(Wire, &'a str),
    Extend(Wire, &'a str),
    RetrieveSessions,
    /// `GET .../qos-profiles/{name}`, in 0.10.1 or QoS Profiles 1.1.0.
    Profile(&'a str),
    /// 0.10.1 `GET /qos-profiles?name=&status=`.
    ProfilesV0,
    RetrieveProfiles,
    /// QoS Provisioning `.../qos-assignments`.
    Assignments,
    Assignment(&'a str),
    RetrieveAssignment,
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    Found(Operation<'a>),
    /// A known resource, another method: the methods it allows.
    MethodNotAllowed(&'static str),
    NotFound,
}

fn resource(path: &str) -> Option<Resource<'_>> {
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let wire = |a: &str, b: &str| match (a, b) {
        ("qod", "v0") => Some(Wire::V0),
        ("quality-on-demand", "v1") => Some(Wire::V1),
        _ => None,
    };
    Some(match segments.as_slice() {
        ["oauth2", "v2", "tokens"] => Resource::TaapToken,
        ["oauth", "token"] => Resource::OAuthToken,
        [".well-known", "openid-configuration"] => Resource::OpenIdDiscovery,
        ["oauth2", "jwks"] => Resource::Jwks,
        ["oauth2", "bc-authorize"] => Resource::BcAuthorize,
        ["oauth2", "token"] => Resource::OpenIdToken,
        ["oauth2", "authorize"] => Resource::Authorize,
        ["qos-profiles", "v1", "qos-profiles", name] | ["qod", "v0", "qos-profiles", name] => {
            Resource::Profile(name)
        }
        ["qod", "v0", "qos-profiles"] => Resource::ProfilesV0,
        ["qos-profiles", "v1", "retrieve-qos-profiles"] => Resource::RetrieveProfiles,
        ["quality-on-demand", "v1", "retrieve-sessions"] => Resource::RetrieveSessions,
        ["qos-provisioning", "v0.3", "qos-assignments"] => Resource::Assignments,
        ["qos-provisioning", "v0.3", "qos-assignments", id] => Resource::Assignment(id),
        ["qos-provisioning", "v0.3", "retrieve-qos-assignment"] => Resource::RetrieveAssignment,
        [a, b, "sessions"] => Resource::Sessions(wire(a, b)?),
        [a, b, "sessions", id] => Resource::Session(wire(a, b)?, id),
        [a, b, "sessions", id, "extend"] => Resource::Extend(wire(a, b)?, id),
        _ => return None,
    })
}

impl<'a> Resource<'a> {
    /// The `Allow` header's value.
    fn allowed(self) -> &'static str {
        match self {
            Resource::Session(..) | Resource::Assignment(_) => "GET, DELETE",
            Resource::Profile(_)
            | Resource::ProfilesV0
            | Resource::OpenIdDiscovery
            | Resource::Jwks => "GET",
            Resource::Authorize => "GET, POST",
            _ => "POST",
        }
    }

    fn operation(self, method: &Method) -> Option<Operation<'a>> {
        Some(match (self, method.as_str()) {
            (Resource::TaapToken, "POST") => Operation::TaapToken,
            (Resource::OAuthToken, "POST") => Operation::OAuthToken,
            (Resource::OpenIdDiscovery, "GET") => Operation::OpenIdDiscovery,
            (Resource::Jwks, "GET") => Operation::Jwks,
            (Resource::BcAuthorize, "POST") => Operation::BcAuthorize,
            (Resource::OpenIdToken, "POST") => Operation::OpenIdToken,
            (Resource::Authorize, "GET" | "POST") => Operation::Authorize,
            (Resource::Sessions(wire), "POST") => Operation::Create(wire),
            (Resource::Session(wire, id), "GET") => Operation::Get(wire, id),
            (Resource::Session(wire, id), "DELETE") => Operation::Delete(wire, id),
            (Resource::Extend(wire, id), "POST") => Operation::Extend(wire, id),
            (Resource::RetrieveSessions, "POST") => Operation::RetrieveSessions,
            (Resource::Profile(name), "GET") => Operation::Profile(name),
            (Resource::ProfilesV0, "GET") => Operation::ListProfilesV0,
            (Resource::RetrieveProfiles, "POST") => Operation::RetrieveProfiles,
            (Resource::Assignments, "POST") => Operation::CreateAssignment,
            (Resource::Assignment(id), "GET") => Operation::GetAssignment(id),
            (Resource::Assignment(id), "DELETE") => Operation::RevokeAssignment(id),
            (Resource::RetrieveAssignment, "POST") => Operation::RetrieveAssignment,
            _ => return None,
        })
    }
}

/// Routes `method` on `path`.
pub(crate) fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    match resource(path) {
        None => Route::NotFound,
        Some(resource) => match resource.operation(method) {
            Some(operation) => Route::Found(operation),
            None => Route::MethodNotAllowed(resource.allowed()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations() {
        let id = "123e4567-e89b-12d3-a456-426614174000";
        let session = format!("/qod/v0/sessions/{id}");
        assert_eq!(
            route(&Method::DELETE, &session),
            Route::Found(Operation::Delete(Wire::V0, id))
        );
        assert_eq!(
            route(&Method::POST, "/quality-on-demand/v1/sessions"),
            Route::Found(Operation::Create(Wire::V1))
        );
        assert_eq!(
            route(&Method::GET, "/qos-profiles/v1/qos-profiles/QOS_E"),
            Route::Found(Operation::Profile("QOS_E"))
        );
        assert_eq!(
            route(
                &Method::DELETE,
                &format!("/qos-provisioning/v0.3/qos-assignments/{id}")
            ),
            Route::Found(Operation::RevokeAssignment(id))
        );
        assert_eq!(
            route(
                &Method::POST,
                "/qos-provisioning/v0.3/retrieve-qos-assignment"
            ),
            Route::Found(Operation::RetrieveAssignment)
        );
        assert_eq!(
            route(&Method::PUT, "/qos-provisioning/v0.3/qos-assignments/x"),
            Route::MethodNotAllowed("GET, DELETE")
        );
        for (method, path, operation) in [
            (
                Method::GET,
                "/.well-known/openid-configuration",
                Operation::OpenIdDiscovery,
            ),
            (Method::GET, "/oauth2/jwks", Operation::Jwks),
            (Method::POST, "/oauth2/bc-authorize", Operation::BcAuthorize),
            (Method::POST, "/oauth2/token", Operation::OpenIdToken),
            (Method::GET, "/oauth2/authorize", Operation::Authorize),
            (Method::POST, "/oauth2/authorize", Operation::Authorize),
        ] {
            assert_eq!(
                route(&method, path),
                Route::Found(operation),
                "{method} {path}"
            );
        }
        assert_eq!(
            route(&Method::GET, "/oauth2/token"),
            Route::MethodNotAllowed("POST")
        );
        assert_eq!(
            route(&Method::DELETE, "/oauth2/authorize"),
            Route::MethodNotAllowed("GET, POST")
        );
        assert_eq!(
            route(&Method::POST, "/.well-known/openid-configuration"),
            Route::MethodNotAllowed("GET")
        );
    }

    #[test]
    fn wrong_methods_and_unknown_paths() {
        assert_eq!(
            route(&Method::PUT, "/qod/v0/sessions/x"),
            Route::MethodNotAllowed("GET, DELETE")
        );
        assert_eq!(
            route(&Method::GET, "/quality-on-demand/v1/sessions"),
            Route::MethodNotAllowed("POST")
        );
        assert_eq!(
            route(&Method::GET, "/oauth2/v2/tokens"),
            Route::MethodNotAllowed("POST")
        );
        assert_eq!(
            route(&Method::POST, "/qos-profiles/v1/qos-profiles/QOS_E"),
            Route::MethodNotAllowed("GET")
        );
        for path in [
            "/",
            "",
            "/nope",
            "/qod/v2/sessions",
            "/qod/v0/sessions/",
            "/quality-on-demand/v1/sessions/x/shorten",
            "/qod/v0/retrieve-sessions",
            "/quality-on-demand/v1/qos-profiles",
        ] {
            assert_eq!(route(&Method::GET, path), Route::NotFound, "{path}");
        }
    }
}
