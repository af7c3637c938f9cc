//! Where notifications go: 0.10.1's webhook URL and 1.x's `sink` and
//! `sinkCredential`, shared by sessions and assignments.

use serde_json::Value;

use crate::reply::{Reply, code};
use crate::rules::json::{child, object, required, string};

/// Where notifications of a session or an assignment go, with the token to present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotifyTarget {
    pub(crate) url: String,
    pub(crate) token: Option<String>,
}

/// The host of an `http`/`https` URL, or `None` when `text` is not one.
pub(crate) fn http_url_host(text: &str) -> Option<(&'static str, String)> {
    let uri: http::Uri = text.parse().ok()?;
    let scheme = match uri.scheme_str()? {
        "https" => "https",
        "http" => "http",
        _ => return None,
    };
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return None;
    }
    Some((scheme, host.to_ascii_lowercase()))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// 1.x `sink`: `^https:\/\/.+$`. Plain http is let through to loopback
/// only, so that a test can listen without TLS.
pub(crate) fn sink(value: &Value) -> Result<String, Reply> {
    let text = string(value, "sink")?;
    match http_url_host(text) {
        Some(("https", _)) => Ok(text.to_owned()),
        Some((_, host)) if is_loopback(&host) => Ok(text.to_owned()),
        _ => Err(Reply::error(
            http::StatusCode::BAD_REQUEST,
            code::INVALID_SINK,
            "sink not valid for the specified protocol: it must be an https URL",
        )),
    }
}

/// 1.x `sinkCredential`: only `ACCESSTOKEN` with a `bearer` token.
pub(crate) fn sink_credential(value: &Value) -> Result<Option<String>, Reply> {
    const PATH: &str = "sinkCredential";
    let map = object(value, PATH)?;
    let kind_path = child(PATH, "credentialType");
    match string(required(map, "credentialType", PATH)?, &kind_path)? {
        "ACCESSTOKEN" => {}
        "PLAIN" | "REFRESHTOKEN" => {
            return Err(Reply::error(
                http::StatusCode::BAD_REQUEST,
                code::INVALID_CREDENTIAL,
                "Only Access token is supported",
            ));
        }
        _ => {
            return Err(Reply::schema(
                &kind_path,
                "must be one of PLAIN, ACCESSTOKEN, REFRESHTOKEN",
            ));
        }
    }
    let token = string(
        required(map, "accessToken", PATH)?,
        &child(PATH, "accessToken"),
    )?;
    let expires_path = child(PATH, "accessTokenExpiresUtc");
    let expires = string(required(map, "accessTokenExpiresUtc", PATH)?, &expires_path)?;
    if time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339).is_err()
    {
        return Err(Reply::schema(
            &expires_path,
            "must be an RFC 3339 date-time with a time zone",
        ));
    }
    let type_path = child(PATH, "accessTokenType");
    if string(required(map, "accessTokenType", PATH)?, &type_path)? != "bearer" {
        return Err(Reply::error(
            http::StatusCode::BAD_REQUEST,
            code::INVALID_TOKEN,
            "Only bearer token is supported",
        ));
    }
    Ok(Some(token.to_owned()))
}
