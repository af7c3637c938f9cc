//! HTTP serving with hyper: routing, correlators, authentication and faults.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use qod_models::{ErrorCode, XCorrelator};

use crate::api::Api;
use crate::auth::AuthState;
use crate::faults::{Fault, draw};
use crate::lifecycle::Wire;
use crate::reply::Reply;
use crate::stats::bump;

/// The error that makes hyper close the connection without an answer.
#[derive(Debug)]
pub(crate) struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DroppedConnection {}

pub(crate) struct Server {
    pub(crate) api: Api,
    pub(crate) auth: AuthState,
}

enum Route<'a> {
    TaapToken,
    OAuthToken,
    Api(ApiRoute<'a>),
    Unknown,
}

enum ApiRoute<'a> {
    Create(Wire),
    Get(Wire, &'a str),
    Delete(Wire, &'a str),
    Extend(Wire, &'a str),
    Retrieve,
    Profile(&'a str),
    ListProfilesV0,
    RetrieveProfiles,
}

fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let wire_of = |prefix: &[&str]| match prefix {
        ["qod", "v0"] => Some(Wire::V0),
        ["quality-on-demand", "v1"] => Some(Wire::V1),
        _ => None,
    };
    match (method, segments.as_slice()) {
        (&Method::POST, ["oauth2", "v2", "tokens"]) => Route::TaapToken,
        (&Method::POST, ["oauth", "token"]) => Route::OAuthToken,
        (&Method::GET, ["qos-profiles", "v1", "qos-profiles", name])
        | (&Method::GET, ["qod", "v0", "qos-profiles", name]) => {
            Route::Api(ApiRoute::Profile(name))
        }
        (&Method::GET, ["qod", "v0", "qos-profiles"]) => Route::Api(ApiRoute::ListProfilesV0),
        (&Method::POST, ["qos-profiles", "v1", "retrieve-qos-profiles"]) => {
            Route::Api(ApiRoute::RetrieveProfiles)
        }
        (&Method::POST, ["quality-on-demand", "v1", "retrieve-sessions"]) => {
            Route::Api(ApiRoute::Retrieve)
        }
        (method, [a, b, "sessions", rest @ ..]) => match (wire_of(&[a, b]), method, rest) {
            (Some(wire), &Method::POST, []) => Route::Api(ApiRoute::Create(wire)),
            (Some(wire), &Method::GET, [id]) => Route::Api(ApiRoute::Get(wire, id)),
            (Some(wire), &Method::DELETE, [id]) => Route::Api(ApiRoute::Delete(wire, id)),
            (Some(wire), &Method::POST, [id, "extend"]) => Route::Api(ApiRoute::Extend(wire, id)),
            _ => Route::Unknown,
        },
        _ => Route::Unknown,
    }
}

fn into_response(reply: Reply, correlator: Option<&HeaderValue>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    if !response_body_empty(reply.status) {
        headers.insert("content-type", HeaderValue::from_static("application/json"));
    }
    if let Some(correlator) = correlator {
        headers.insert("x-correlator", correlator.clone());
    }
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.insert(name, value);
        }
    }
    response
}

fn response_body_empty(status: StatusCode) -> bool {
    status == StatusCode::NO_CONTENT
}

impl Server {
    pub(crate) async fn handle(
        self: Arc<Self>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, DroppedConnection> {
        let counters = &self.api.counters;
        bump(&counters.requests);
        let (parts, body) = request.into_parts();
        let correlator = parts.headers.get("x-correlator").cloned();
        let body = match Limited::new(body, self.api.config.max_body_bytes)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                let reply = Reply::error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::InvalidArgument,
                    "Request body too large",
                );
                return Ok(into_response(reply, correlator.as_ref()));
            }
        };
        if let Some(value) = &correlator
            && value
                .to_str()
                .ok()
                .and_then(|v| XCorrelator::parse(v).ok())
                .is_none()
        {
            return Ok(into_response(
                Reply::bad_request("Schema validation failed at x-correlator"),
                None,
            ));
        }
        let now = self.api.now();
        let reply = match route(&parts.method, parts.uri.path()) {
            Route::TaapToken => {
                bump(&counters.token_requests);
                self.auth.taap_token(&parts, &body, now)
            }
            Route::OAuthToken => {
                bump(&counters.token_requests);
                self.auth.oauth_token(&parts, &body, now)
            }
            Route::Unknown => Reply::not_found("The specified resource is not found."),
            Route::Api(api_route) => {
                let faults = self.api.config.faults;
                if !faults.latency.is_zero() {
                    tokio::time::sleep(faults.latency).await;
                }
                let fault = draw(&faults);
                if !matches!(fault, Fault::TooManyRequests)
                    && matches!(api_route, ApiRoute::Create(_))
                {
                    counters.record_create(correlator.as_ref().and_then(|c| c.to_str().ok()));
                }
                match fault {
                    Fault::Drop => {
                        bump(&counters.faults_injected);
                        return Err(DroppedConnection);
                    }
                    Fault::TooManyRequests => {
                        bump(&counters.faults_injected);
                        let reply = Reply::error(
                            StatusCode::TOO_MANY_REQUESTS,
                            ErrorCode::TooManyRequests,
                            "Rate limit reached.",
                        )
                        .with_header("retry-after", faults.retry_after_seconds.to_string());
                        return Ok(into_response(reply, correlator.as_ref()));
                    }
                    Fault::Unavailable => {
                        bump(&counters.faults_injected);
                        let reply = Reply::error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            ErrorCode::Unavailable,
                            "Service unavailable",
                        );
                        return Ok(into_response(reply, correlator.as_ref()));
                    }
                    Fault::None => {}
                }
                match self.auth.check_call(&parts, &body, now) {
                    Err(reply) => reply,
                    Ok(()) => self.dispatch(api_route, parts.uri.query(), &body),
                }
            }
        };
        if reply.status.is_server_error() {
            bump(&counters.server_errors);
        }
        Ok(into_response(reply, correlator.as_ref()))
    }

    fn dispatch(&self, api_route: ApiRoute<'_>, query: Option<&str>, body: &[u8]) -> Reply {
        match api_route {
            ApiRoute::Create(wire) => self.api.create(wire, body),
            ApiRoute::Get(wire, id) => self.api.get(wire, id),
            ApiRoute::Delete(wire, id) => self.api.delete(wire, id),
            ApiRoute::Extend(wire, id) => self.api.extend(wire, id, body),
            ApiRoute::Retrieve => self.api.retrieve(body),
            ApiRoute::Profile(name) => self.api.profile(name),
            ApiRoute::ListProfilesV0 => self.api.list_profiles_v0(query),
            ApiRoute::RetrieveProfiles => self.api.retrieve_profiles(body),
        }
    }
}

/// Serves `listener` until `shutdown` fires.
pub(crate) async fn serve(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let ticker_server = server.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(100));
        loop {
            interval.tick().await;
            ticker_server.api.tick();
        }
    });
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                bump(&server.api.counters.connections);
                let _ = stream.set_nodelay(true);
                let server = server.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| server.clone().handle(request));
                    let io = hyper_util::rt::TokioIo::new(stream);
                    if let Err(e) = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(io, service).await {
                        log::debug!("connection ended: {e}");
                    }
                });
            }
        }
    }
}
