//! The `--auth` modes.

use clap::ValueEnum;

/// Authentication modes (explained in `--auth`'s help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// No authentication.
    None,
    /// A bearer token.
    Bearer,
    /// OAuth 2.0 client credentials.
    Oauth2,
    /// T-Mobile TAAP.
    Tmobile,
}
