//! Serving HTTP: connections and their timeouts ([`server`]), the steps a
//! request passes ([`pipeline`]) and routing.

pub(crate) mod activity;
pub(crate) mod faults;
pub(crate) mod pipeline;
pub(crate) mod routes;
pub(crate) mod server;
pub(crate) mod stats_route;
