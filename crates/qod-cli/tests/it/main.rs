//! The integration tests of the `qod` command, one binary with a module per
//! topic.

mod assignment;
mod cli;
mod hostile_server;
mod sandbox_command;
mod session_run;
mod support;
mod three_legged;
