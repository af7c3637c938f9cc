//! The integration tests of the qod client, one binary with a module per
//! topic. `tests/memory_bound.rs` is a binary of its own: it measures the
//! peak memory of its process, which other tests would raise. The sandbox's
//! own behaviour tests are in crates/qod-sandbox/tests.

mod async_client;
mod drivers;
mod hostile_server;
mod keeper;
mod logging;
mod support;
mod three_legged;
mod transport_over_http;
