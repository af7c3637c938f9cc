//! Serving HTTP: connections and their timeouts ([`server`]), the steps a
//! request passes ([`pipeline`]), routing, and the sandbox's own control
//! routes ([`control`]).

pub(crate) mod activity;
pub(crate) mod control;
pub(crate) mod faults;
pub(crate) mod pipeline;
pub(crate) mod routes;
pub(crate) mod server;
