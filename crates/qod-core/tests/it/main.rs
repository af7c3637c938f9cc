//! The integration tests of qod-core, one binary with a module per topic.

mod assignment_wait;
mod auth;
mod bounds;
mod call_machine;
mod created_session;
mod golden_requests;
mod redaction;
mod schema_valid_responses;
mod server_text;
mod spec_examples;
mod spec_responses;
mod support;
mod three_legged;
mod validation;
