//! Serving HTTP: connections and their timeouts ([`server`]), the steps a
//! request passes ([`pipeline`]), routing, replies, and JSON output helpers.

pub(crate) mod activity;
pub(crate) mod faults;
pub(crate) mod json;
pub(crate) mod pipeline;
pub(crate) mod reply;
pub(crate) mod routes;
pub(crate) mod server;
