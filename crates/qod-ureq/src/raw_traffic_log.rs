//! Keeping ureq's dumps of raw traffic out of logs.
//!
//! At `DEBUG` and `TRACE`, ureq's protocol layer (`ureq_proto`) writes every
//! byte it sends and receives as a hex dump: request headers (the bearer
//! token, the Basic `id:secret` of a token request, the PoP token), request
//! bodies (notification tokens) and response bodies (issued access tokens).
//! A program that turns logging up to trace for every crate, e.g.
//! `RUST_LOG=trace`, would write those secrets to its logs.
//!
//! A transport cannot switch this off itself: the `log` facade has one
//! logger per program, owned by the program, and the only switch ureq
//! leaves (`log`'s compile-time `max_level_*` features) would silence every
//! crate of the program. So the program's logger is wrapped instead.

use log::{Level, Log, Metadata, Record};

/// The log targets under which ureq writes raw traffic, secrets included,
/// at `DEBUG` and `TRACE`. A target is also matched by its submodules
/// (`ureq_proto::util`).
pub const RAW_TRAFFIC_LOG_TARGETS: &[&str] = &["ureq_proto"];

/// Whether `target` is one of [`RAW_TRAFFIC_LOG_TARGETS`] or below one.
fn is_raw_traffic(target: &str) -> bool {
    RAW_TRAFFIC_LOG_TARGETS.iter().any(|raw| {
        target
            .strip_prefix(raw)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    })
}

/// A logger that passes everything to the logger it wraps except records of
/// [`RAW_TRAFFIC_LOG_TARGETS`] below `INFO`, whatever that logger's filter
/// (`RUST_LOG`) says.
///
/// ```
/// use log::{Level, Log, Metadata};
/// use qod_ureq::WithoutRawTraffic;
///
/// struct Everything;
/// impl Log for Everything {
///     fn enabled(&self, _: &Metadata) -> bool { true }
///     fn log(&self, _: &log::Record) {}
///     fn flush(&self) {}
/// }
/// let logger = WithoutRawTraffic::new(Everything);
/// let dump = Metadata::builder().level(Level::Trace).target("ureq_proto::util").build();
/// let ours = Metadata::builder().level(Level::Trace).target("qod_core::client").build();
/// assert!(!logger.enabled(&dump));
/// assert!(logger.enabled(&ours));
/// ```
///
/// A program using `env_logger` installs it like this:
///
/// ```no_run
/// let logger = env_logger::Builder::from_default_env().build();
/// let max_level = logger.filter();
/// log::set_boxed_logger(Box::new(qod_ureq::WithoutRawTraffic::new(logger)))?;
/// log::set_max_level(max_level);
/// # Ok::<(), log::SetLoggerError>(())
/// ```
#[derive(Debug)]
pub struct WithoutRawTraffic<L> {
    inner: L,
}

impl<L: Log> WithoutRawTraffic<L> {
    /// Wraps `inner`.
    pub fn new(inner: L) -> Self {
        WithoutRawTraffic { inner }
    }

    /// The wrapped logger.
    pub fn inner(&self) -> &L {
        &self.inner
    }
}

impl<L: Log> Log for WithoutRawTraffic<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        (metadata.level() <= Level::Info || !is_raw_traffic(metadata.target()))
            && self.inner.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert!(is_raw_traffic("ureq_proto"));
        assert!(is_raw_traffic("ureq_proto::client::recvresp"));
        assert!(!is_raw_traffic("ureq_protocol"));
        assert!(!is_raw_traffic("ureq::pool"));
        assert!(!is_raw_traffic("qod_core::client"));
    }
}
