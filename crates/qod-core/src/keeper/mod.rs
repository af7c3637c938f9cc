//! Holding QoS for exactly as long as the app needs it: a session keeper.
//!
//! [`SessionKeeper`] is a [`crate::Machine`] made of calls. It creates the
//! session, reports each status change, extends before `expiresAt` within
//! the profile's `maxDuration`, creates again after the network ends the
//! session or it expires while still wanted, and deletes it when told to
//! stop. Every driver runs it; the `qod` crate runs it on a thread
//! (`qod::KeptSession`) or a task (`qod::AsyncKeptSession`) that deletes on
//! every way out.

mod event;
mod machine;
mod settings;
#[cfg(test)]
mod tests;

pub use event::{KeeperEnd, KeeperEvent, KeeperReport, OutageReason};
pub use machine::{SessionKeeper, check_input};
pub use settings::{KeeperSettings, MaxDuration, Sweep, Watch};
