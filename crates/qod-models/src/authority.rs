//! The authority (`host[:port]`) of a URL qod sends requests or
//! notifications to.

/// Checks the authority of a URL qod is asked to send to: no user
/// credentials (`user:password@`), and a port, when one is written, in
/// `1..=65535`. An empty port (`host:`) means the scheme's default.
///
/// A port out of range must be refused, not read: HTTP libraries that
/// cannot parse it fall back to the default port, a port the user never
/// named.
///
/// ```
/// use qod_models::check_authority;
/// assert!(check_authority("api.example.com:8443").is_ok());
/// assert!(check_authority("[::1]:9091").is_ok());
/// assert!(check_authority("127.0.0.1:99999").unwrap_err().contains("1..=65535"));
/// assert!(check_authority("user:pw@api.example.com").unwrap_err().contains("credentials"));
/// ```
pub fn check_authority(authority: &str) -> Result<(), String> {
    if authority.contains('@') {
        return Err(
            "must not contain user credentials (user:password@); configure authentication instead"
                .to_owned(),
        );
    }
    let port = if let Some(bracketed) = authority.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((_, "")) => None,
            Some((_, rest)) => match rest.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(format!("{authority:?} is not host[:port]")),
            },
            None => return Err(format!("{authority:?} has an unclosed '['")),
        }
    } else {
        authority.rsplit_once(':').map(|(_, port)| port)
    };
    match port {
        None | Some("") => Ok(()),
        Some(text) => match text.parse::<u32>() {
            _ if !text.bytes().all(|b| b.is_ascii_digit()) => {
                Err(format!("port {text:?} is not a number in 1..=65535"))
            }
            Ok(1..=65535) => Ok(()),
            _ => Err(format!("port {text} is out of range 1..=65535")),
        },
    }
}

/// The authority of an absolute URL: what follows `scheme://` up to the path.
pub(crate) fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_credentials() {
        for good in [
            "example.com",
            "example.com:1",
            "example.com:65535",
            "example.com:",
            "127.0.0.1:9091",
            "[::1]",
            "[::1]:443",
            "[2001:db8::1]:",
        ] {
            assert!(check_authority(good).is_ok(), "{good}");
        }
        for bad in [
            "example.com:0",
            "example.com:65536",
            "example.com:99999",
            "example.com:18446744073709551616",
            "example.com:+80",
            "example.com:8o",
            "[::1]:70000",
            "[::1]x",
            "[::1",
            "u@example.com",
            "u:p@example.com:443",
        ] {
            assert!(check_authority(bad).is_err(), "{bad}");
        }
        assert_eq!(authority_of("https://u:p@h:1/x?y#z"), "u:p@h:1");
        assert_eq!(authority_of("https://h"), "h");
    }
}
