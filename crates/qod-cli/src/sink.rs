//! `--sink` and `--sink-token`: where the server sends notifications, and
//! the access token it puts on them.

use std::time::{Duration, SystemTime};

use qod::models::{SinkCredential, SinkUrl, Timestamp, TimestampFormat};

use crate::failure::Failure;

/// The sink and its credential when `--sink` is given; a `--sink-token`
/// is declared valid for `lifetime` seconds from now.
pub fn parse(
    sink: Option<&str>,
    token: Option<&str>,
    lifetime: u64,
) -> Result<Option<(SinkUrl, Option<SinkCredential>)>, Failure> {
    let Some(sink) = sink else {
        return Ok(None);
    };
    let sink = SinkUrl::parse(sink)
        .and_then(|sink| sink.validate().map(|()| sink))
        .map_err(|e| e.renamed("--sink"))?;
    let credential = token.map(|token| credential(token, lifetime)).transpose()?;
    Ok(Some((sink, credential)))
}

/// A sink's access token, valid for `lifetime` seconds from now.
fn credential(token: &str, lifetime: u64) -> Result<SinkCredential, Failure> {
    let expires = SystemTime::now() + Duration::from_secs(lifetime);
    let seconds = expires
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let expires = Timestamp::from_unix(i64::try_from(seconds).unwrap_or(i64::MAX))
        .ok_or_else(|| Failure::Input("--sink-token: cannot compute its expiry".to_owned()))?
        .with_format(TimestampFormat::Rfc3339);
    Ok(SinkCredential::access_token(token, expires))
}
