//! Name resolution that does not cost a thread per call.
//!
//! ureq resolves the host before it looks in its connection pool, and with
//! an overall timeout set it runs every lookup on a new thread: about 50 us
//! per call, even on a reused connection. This resolver answers IP literals
//! at once and keeps names for a short while; a miss goes to ureq's own
//! resolver, timeout included. Clones share the names.
//!
//! It also refuses a port it cannot read: `Uri::port_u16` gives none for
//! `:99999`, and taking the scheme's default instead would send the request
//! to a port nobody named.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a looked-up name is reused.
const NAME_TTL: Duration = Duration::from_secs(30);

type Names = HashMap<String, (Instant, ResolvedSocketAddrs)>;

#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    names: Arc<Mutex<Names>>,
}

impl Clone for CachingResolver {
    fn clone(&self) -> Self {
        CachingResolver {
            inner: DefaultResolver::default(),
            names: self.names.clone(),
        }
    }
}

/// The port of `uri`: the one written, or the scheme's default when none is.
fn port(uri: &Uri) -> Result<u16, ureq::Error> {
    if let Some(port) = uri.port_u16() {
        return Ok(port);
    }
    let authority = uri.authority().map_or("", |a| a.as_str());
    // A written port that did not parse: out of range or not a number.
    if let Some((_, written)) = authority.rsplit_once(':')
        && !written.is_empty()
        && !written.contains(']')
    {
        return Err(ureq::Error::BadUri(format!(
            "port {written} of {authority} is not in 1..=65535"
        )));
    }
    Ok(if uri.scheme_str() == Some("http") {
        80
    } else {
        443
    })
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default();
        let port = port(uri)?;
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let mut addresses = self.empty();
            addresses.push(SocketAddr::new(ip, port));
            return Ok(addresses);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        let names = self
            .names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, addresses)) = names.get(&key)
            && now.duration_since(*at) < NAME_TTL
        {
            return Ok(addresses.clone());
        }
        drop(names);
        let addresses = self.inner.resolve(uri, config, timeout)?;
        let mut names = self
            .names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        names.retain(|_, (at, _)| now.duration_since(*at) < NAME_TTL);
        names.insert(key, (now, addresses.clone()));
        Ok(addresses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_written_or_defaulted_never_guessed() {
        let port_of = |uri: &str| port(&uri.parse::<Uri>().unwrap());
        assert_eq!(port_of("http://127.0.0.1/x").unwrap(), 80);
        assert_eq!(port_of("https://[::1]/x").unwrap(), 443);
        assert_eq!(port_of("https://h:8443/x").unwrap(), 8443);
        assert_eq!(port_of("http://h:/x").unwrap(), 80);
        for bad in [
            "http://127.0.0.1:99999/x",
            "http://h:65536/x",
            "https://[::1]:70000/x",
        ] {
            assert!(port_of(bad).is_err(), "{bad}");
        }
    }
}
