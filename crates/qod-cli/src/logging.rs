//! What the command logs on stderr: warnings, what `RUST_LOG` asks for, and
//! with `--verbose` qod's own line per HTTP exchange; never ureq's dumps of
//! raw traffic, which would print tokens and credentials.

use std::io::Write;

use log::{Level, LevelFilter};
use qod::ureq_transport::WithoutRawTraffic;

/// The target of qod's line per HTTP exchange (method, path, status,
/// correlator, attempt, time taken; never headers or bodies).
const EXCHANGE_TARGET: &str = "qod_core";

/// Sets up the logger: warnings by default, `RUST_LOG` over that, and with
/// `verbose` qod's exchange lines at debug level. Exchange lines print as
/// they are; any other record as `[LEVEL target] message`.
pub fn init(verbose: bool) {
    let mut builder = env_logger::Builder::new();
    builder.filter_level(LevelFilter::Warn);
    if verbose {
        builder.filter_module(EXCHANGE_TARGET, LevelFilter::Debug);
    }
    builder.parse_env(env_logger::Env::default());
    builder.format(|out, record| {
        if record.level() == Level::Debug && record.target().starts_with(EXCHANGE_TARGET) {
            writeln!(out, "{}", record.args())
        } else {
            writeln!(
                out,
                "[{} {}] {}",
                record.level(),
                record.target(),
                record.args()
            )
        }
    });
    let logger = builder.build();
    let max_level = logger.filter();
    if log::set_boxed_logger(Box::new(WithoutRawTraffic::new(logger))).is_ok() {
        log::set_max_level(max_level);
    }
}
