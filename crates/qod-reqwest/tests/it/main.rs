//! The integration tests of qod-reqwest, one binary with a module per topic.
//! `tests/memory_bound.rs` is a binary of its own: it measures the peak
//! memory of its process, which other tests would raise.

mod over_loopback;
mod tls;
