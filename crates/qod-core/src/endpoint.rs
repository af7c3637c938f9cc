//! Where the API lives and which dialect it speaks.

use std::fmt;

use http::Uri;
use http::uri::{Authority, Scheme};
use qod_models::{check_authority, is_loopback_host};

/// The QoD wire version a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiVersion {
    /// QoD 0.10.1 (T-Mobile, `.../qod/v0`): `webhook`, Unix-second timestamps.
    V0_10,
    /// QoD 1.x (`.../quality-on-demand/v1`): `sink`, RFC 3339 timestamps, extend, retrieve.
    V1,
}

/// One API of CAMARA's QoD family, for messages and for telling which one
/// an endpoint lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Api {
    /// Quality-on-Demand: QoS sessions.
    QualityOnDemand,
    /// QoS Profiles.
    QosProfiles,
    /// QoS Provisioning: QoS assignments.
    QosProvisioning,
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Api::QualityOnDemand => "QoD",
            Api::QosProfiles => "QoS Profiles",
            Api::QosProvisioning => "QoS Provisioning",
        })
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiVersion::V0_10 => "0.10",
            ApiVersion::V1 => "1",
        })
    }
}

impl std::str::FromStr for ApiVersion {
    type Err = EndpointError;
    fn from_str(text: &str) -> Result<Self, EndpointError> {
        match text {
            "0.10" | "0.10.1" | "v0" | "0" => Ok(ApiVersion::V0_10),
            "1" | "1.1" | "1.1.0" | "v1" => Ok(ApiVersion::V1),
            other => Err(EndpointError::new(format!(
                "unknown API version {other:?}: expected 0.10 or 1"
            ))),
        }
    }
}

/// Operator-specific rules on top of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flavor {
    /// The CAMARA spec as written.
    Camara,
    /// T-Mobile: `applicationServer` optional, `duration` at least 60 seconds.
    TMobile,
}

/// An endpoint URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid endpoint: {reason}")]
pub struct EndpointError {
    reason: String,
}

impl EndpointError {
    fn new(reason: impl Into<String>) -> Self {
        EndpointError {
            reason: reason.into(),
        }
    }

    /// Why the endpoint was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A base URL split into what requests are built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    scheme: Scheme,
    authority: Authority,
    /// The path without a trailing slash; empty for the root.
    path: String,
}

impl BaseUrl {
    fn parse(text: &str, allow_plain_http: bool) -> Result<Self, EndpointError> {
        let uri: Uri = text
            .parse()
            .map_err(|e| EndpointError::new(format!("{text:?} is not a URL: {e}")))?;
        let scheme = uri
            .scheme()
            .cloned()
            .ok_or_else(|| EndpointError::new(format!("{text:?} has no scheme (https://...)")))?;
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| EndpointError::new(format!("{text:?} has no host")))?;
        if authority.as_str().contains('@') {
            return Err(EndpointError::new(
                "credentials in the URL are not allowed; configure authentication instead",
            ));
        }
        if authority.host().is_empty() {
            return Err(EndpointError::new(format!("{text:?} has no host")));
        }
        check_authority(authority.as_str())
            .map_err(|rule| EndpointError::new(format!("{text:?}: {rule}")))?;
        if uri.query().is_some() {
            return Err(EndpointError::new(format!(
                "{text:?} has a query string; a base URL cannot"
            )));
        }
        if scheme == Scheme::HTTP {
            if !allow_plain_http && !is_loopback_host(authority.host()) {
                return Err(EndpointError::new(format!(
                    "plain http to {} is refused: use https, or allow plain http explicitly",
                    authority.host()
                )));
            }
        } else if scheme != Scheme::HTTPS {
            return Err(EndpointError::new(format!(
                "scheme {scheme} is not supported: use https"
            )));
        }
        let path = uri.path().trim_end_matches('/').to_owned();
        Ok(BaseUrl {
            scheme,
            authority,
            path,
        })
    }

    /// The URI of `suffix` (which starts with `/` and is already encoded) under this base.
    pub(crate) fn join(&self, suffix: &str) -> Result<Uri, http::Error> {
        self.join_all(&[suffix])
    }

    /// The base URL with `parts` appended, in one allocation.
    pub(crate) fn join_all(&self, parts: &[&str]) -> Result<Uri, http::Error> {
        let length = self.path.len() + parts.iter().map(|part| part.len()).sum::<usize>();
        let mut path = String::with_capacity(length);
        path.push_str(&self.path);
        parts.iter().for_each(|part| path.push_str(part));
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path)
            .build()
    }

    fn to_url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, self.path)
    }

    /// Another API of the family beside this one: `/x/quality-on-demand/v1`
    /// gives `/x/{api}`; any other path gets `/{api}` beside its last two
    /// segments.
    fn sibling(&self, api: &str) -> BaseUrl {
        let mut segments: Vec<&str> = self.path.split('/').collect();
        if segments.len() >= 3 {
            segments.truncate(segments.len() - 2);
        }
        let parent = segments.join("/");
        BaseUrl {
            path: format!("{}/{api}", parent.trim_end_matches('/')),
            ..self.clone()
        }
    }
}

/// Where each API of the family sits under an operator's API root.
const SESSIONS_API: &str = "quality-on-demand/v1";
const PROFILES_API: &str = "qos-profiles/v1";
const PROVISIONING_API: &str = "qos-provisioning/v0.3";

/// A QoD API endpoint: the base URLs of the three APIs of CAMARA's QoD
/// family (quality-on-demand sessions, qos-profiles, and qos-provisioning
/// when the operator offers it), the sessions wire version and the
/// operator's flavor.
///
/// ```
/// use qod_core::{ApiVersion, Endpoint};
/// let tmobile = Endpoint::tmobile_production();
/// assert_eq!(tmobile.api_version(), ApiVersion::V0_10);
/// assert_eq!(tmobile.qos_provisioning_url(), None);
///
/// let camara = Endpoint::new("https://api.example.com/quality-on-demand/v1").unwrap();
/// assert_eq!(camara.api_version(), ApiVersion::V1);
/// assert_eq!(camara.qos_profiles_url(), "https://api.example.com/qos-profiles/v1");
/// assert_eq!(
///     camara.qos_provisioning_url().as_deref(),
///     Some("https://api.example.com/qos-provisioning/v0.3")
/// );
/// assert_eq!(Endpoint::from_api_root("https://api.example.com").unwrap(), camara);
///
/// assert!(Endpoint::new("http://api.example.com/qod/v0").is_err());
/// assert!(Endpoint::new("http://127.0.0.1:9091/qod/v0").is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    sessions: BaseUrl,
    profiles: BaseUrl,
    /// `None` where the operator offers no QoS Provisioning (T-Mobile).
    provisioning: Option<BaseUrl>,
    version: ApiVersion,
    flavor: Flavor,
}

impl Endpoint {
    /// T-Mobile production: `https://naas.t-mobile.com/qod/v0`.
    pub fn tmobile_production() -> Self {
        Self::tmobile("naas.t-mobile.com")
    }

    /// T-Mobile sandbox: `https://naas-sandbox.t-mobile.com/qod/v0`.
    pub fn tmobile_sandbox() -> Self {
        Self::tmobile("naas-sandbox.t-mobile.com")
    }

    fn tmobile(host: &'static str) -> Self {
        let base = BaseUrl {
            scheme: Scheme::HTTPS,
            authority: Authority::from_static(host),
            path: "/qod/v0".to_owned(),
        };
        Endpoint {
            sessions: base.clone(),
            profiles: base,
            provisioning: None,
            version: ApiVersion::V0_10,
            flavor: Flavor::TMobile,
        }
    }

    /// An endpoint from its base URL, the version inferred from the path
    /// (`.../v0` is 0.10, `.../v1` is 1.x). Plain http is refused except to a
    /// loopback host.
    pub fn new(base_url: &str) -> Result<Self, EndpointError> {
        EndpointBuilder::new(base_url).build()
    }

    /// A builder for the settings [`Endpoint::new`] infers.
    pub fn builder(base_url: &str) -> EndpointBuilder {
        EndpointBuilder::new(base_url)
    }

    /// The endpoint of a CAMARA operator from its API root (the `apiRoot`
    /// of the specs' server URLs, e.g. `https://api.example.com` or
    /// `https://api.example.com/camara`): sessions at
    /// `{apiRoot}/quality-on-demand/v1`, profiles at `{apiRoot}/qos-profiles/v1`
    /// and provisioning at `{apiRoot}/qos-provisioning/v0.3`.
    ///
    /// ```
    /// use qod_core::Endpoint;
    /// let endpoint = Endpoint::from_api_root("https://api.example.com/camara/")?;
    /// assert_eq!(endpoint.base_url(), "https://api.example.com/camara/quality-on-demand/v1");
    /// assert_eq!(endpoint.qos_profiles_url(), "https://api.example.com/camara/qos-profiles/v1");
    /// assert_eq!(
    ///     endpoint.qos_provisioning_url().as_deref(),
    ///     Some("https://api.example.com/camara/qos-provisioning/v0.3")
    /// );
    /// # Ok::<(), qod_core::EndpointError>(())
    /// ```
    pub fn from_api_root(api_root: &str) -> Result<Self, EndpointError> {
        Self::builder_from_api_root(api_root).build()
    }

    /// A builder for [`Endpoint::from_api_root`]'s endpoint, e.g. to allow
    /// plain http or to place one of the APIs elsewhere.
    pub fn builder_from_api_root(api_root: &str) -> EndpointBuilder {
        let sessions = format!("{}/{SESSIONS_API}", api_root.trim_end_matches('/'));
        EndpointBuilder::new(&sessions).api_version(ApiVersion::V1)
    }

    /// The wire version.
    pub fn api_version(&self) -> ApiVersion {
        self.version
    }

    /// The operator's flavor.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The sessions base URL.
    pub fn base_url(&self) -> String {
        self.sessions.to_url()
    }

    /// The QoS-profiles base URL.
    pub fn qos_profiles_url(&self) -> String {
        self.profiles.to_url()
    }

    /// The QoS-provisioning base URL; `None` when the operator offers no
    /// QoS Provisioning (T-Mobile, and any 0.10 endpoint not given one).
    pub fn qos_provisioning_url(&self) -> Option<String> {
        self.provisioning.as_ref().map(BaseUrl::to_url)
    }

    /// The host and port of the sessions API, e.g. for a TAAP token URL.
    pub fn authority(&self) -> &str {
        self.sessions.authority.as_str()
    }

    /// The scheme of the sessions API.
    pub fn scheme(&self) -> &str {
        self.sessions.scheme.as_str()
    }

    pub(crate) fn sessions(&self) -> &BaseUrl {
        &self.sessions
    }

    pub(crate) fn profiles(&self) -> &BaseUrl {
        &self.profiles
    }

    pub(crate) fn provisioning(&self) -> Option<&BaseUrl> {
        self.provisioning.as_ref()
    }
}

/// Builds an [`Endpoint`] with settings beyond the base URL.
#[derive(Debug, Clone)]
pub struct EndpointBuilder {
    base_url: String,
    profiles_url: Option<String>,
    provisioning_url: Option<String>,
    version: Option<ApiVersion>,
    flavor: Flavor,
    allow_plain_http: bool,
}

impl EndpointBuilder {
    fn new(base_url: &str) -> Self {
        EndpointBuilder {
            base_url: base_url.to_owned(),
            profiles_url: None,
            provisioning_url: None,
            version: None,
            flavor: Flavor::Camara,
            allow_plain_http: false,
        }
    }

    /// Sets the wire version instead of inferring it from the path.
    #[must_use]
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Sets the operator flavor (default: [`Flavor::Camara`]).
    #[must_use]
    pub fn flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// Sets the QoS-profiles base URL. By default: for 0.10 the sessions base;
    /// for 1.x `.../quality-on-demand/v1` becomes `.../qos-profiles/v1`.
    #[must_use]
    pub fn qos_profiles_url(mut self, url: &str) -> Self {
        self.profiles_url = Some(url.to_owned());
        self
    }

    /// Sets the QoS-provisioning base URL. By default: for 1.x
    /// `.../quality-on-demand/v1` becomes `.../qos-provisioning/v0.3`; a 0.10
    /// endpoint has none unless given one here.
    #[must_use]
    pub fn qos_provisioning_url(mut self, url: &str) -> Self {
        self.provisioning_url = Some(url.to_owned());
        self
    }

    /// Allows plain `http://` to hosts that are not loopback. Only for networks
    /// you trust: tokens would cross them in clear text.
    #[must_use]
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Checks the URLs and makes the endpoint.
    pub fn build(self) -> Result<Endpoint, EndpointError> {
        let sessions = BaseUrl::parse(&self.base_url, self.allow_plain_http)?;
        let version = match self.version {
            Some(version) => version,
            None => infer_version(&sessions.path).ok_or_else(|| {
                EndpointError::new(format!(
                    "cannot tell the API version from {:?}: the path should end in /v0 or /v1, or set it explicitly",
                    self.base_url
                ))
            })?,
        };
        let profiles = match &self.profiles_url {
            Some(url) => BaseUrl::parse(url, self.allow_plain_http)?,
            None => match version {
                ApiVersion::V0_10 => sessions.clone(),
                ApiVersion::V1 => sessions.sibling(PROFILES_API),
            },
        };
        // T-Mobile's QoD 0.10 comes with no QoS Provisioning: only an explicit URL gives one.
        let provisioning = match &self.provisioning_url {
            Some(url) => Some(BaseUrl::parse(url, self.allow_plain_http)?),
            None => match version {
                ApiVersion::V0_10 => None,
                ApiVersion::V1 => Some(sessions.sibling(PROVISIONING_API)),
            },
        };
        Ok(Endpoint {
            sessions,
            profiles,
            provisioning,
            version,
            flavor: self.flavor,
        })
    }
}

fn infer_version(path: &str) -> Option<ApiVersion> {
    match path.rsplit('/').next()? {
        "v0" => Some(ApiVersion::V0_10),
        "v1" => Some(ApiVersion::V1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_urls() {
        for bad in [
            "",
            "naas.t-mobile.com/qod/v0",
            "ftp://example.com/qod/v0",
            "https://user:pw@example.com/qod/v0",
            "https://example.com/qod/v0?x=1",
            "http://example.com/qod/v0",
            "http://10.0.0.1/qod/v0",
            "https://example.com/qod",
            "http://127.0.0.1:99999/qod/v0",
            "http://127.0.0.1:65536/qod/v0",
            "https://example.com:70000/qod/v0",
            "https://example.com:0/qod/v0",
            "https://[::1]:65536/qod/v0",
        ] {
            assert!(Endpoint::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_only_when_allowed_or_loopback() {
        for loopback in [
            "http://localhost:8080/qod/v0",
            "http://127.0.0.1/qod/v0",
            "http://[::1]:9/quality-on-demand/v1",
        ] {
            assert!(Endpoint::new(loopback).is_ok(), "{loopback}");
        }
        let allowed = Endpoint::builder("http://sandbox.lan/qod/v0")
            .allow_plain_http(true)
            .build();
        assert!(allowed.is_ok());
    }

    #[test]
    fn derives_profiles_url() {
        let endpoint =
            Endpoint::new("https://api.example.com/camara/quality-on-demand/v1/").unwrap();
        assert_eq!(
            endpoint.base_url(),
            "https://api.example.com/camara/quality-on-demand/v1"
        );
        assert_eq!(
            endpoint.qos_profiles_url(),
            "https://api.example.com/camara/qos-profiles/v1"
        );
        let explicit = Endpoint::builder("https://a.example/qod")
            .api_version(ApiVersion::V1)
            .qos_profiles_url("https://b.example/profiles")
            .build()
            .unwrap();
        assert_eq!(explicit.qos_profiles_url(), "https://b.example/profiles");
        assert_eq!(
            Endpoint::tmobile_sandbox().base_url(),
            "https://naas-sandbox.t-mobile.com/qod/v0"
        );
    }

    #[test]
    fn derives_the_provisioning_url_for_1x_only() {
        let endpoint =
            Endpoint::new("https://api.example.com/camara/quality-on-demand/v1/").unwrap();
        assert_eq!(
            endpoint.qos_provisioning_url().as_deref(),
            Some("https://api.example.com/camara/qos-provisioning/v0.3")
        );
        // Whatever the path, provisioning sits where profiles do.
        let short = Endpoint::builder("https://a.example/qod")
            .api_version(ApiVersion::V1)
            .build()
            .unwrap();
        assert_eq!(
            short.qos_provisioning_url(),
            Some(
                short
                    .qos_profiles_url()
                    .replace("qos-profiles/v1", "qos-provisioning/v0.3")
            )
        );
        for none in [
            Endpoint::tmobile_production(),
            Endpoint::tmobile_sandbox(),
            Endpoint::new("https://api.example.com/qod/v0").unwrap(),
        ] {
            assert_eq!(none.qos_provisioning_url(), None, "{}", none.base_url());
        }
        let given = Endpoint::builder("https://api.example.com/qod/v0")
            .qos_provisioning_url("https://p.example.com/qos-provisioning/v0.3")
            .build()
            .unwrap();
        assert_eq!(
            given.qos_provisioning_url().as_deref(),
            Some("https://p.example.com/qos-provisioning/v0.3")
        );
        let refused = Endpoint::builder("https://api.example.com/quality-on-demand/v1")
            .qos_provisioning_url("http://p.example.com/qos-provisioning/v0.3")
            .build();
        assert!(refused.unwrap_err().reason().contains("plain http"));
    }

    #[test]
    fn an_api_root_gives_all_three_apis() {
        let endpoint = Endpoint::from_api_root("http://127.0.0.1:9091").unwrap();
        assert_eq!(endpoint.api_version(), ApiVersion::V1);
        assert_eq!(endpoint.flavor(), Flavor::Camara);
        assert_eq!(
            endpoint.base_url(),
            "http://127.0.0.1:9091/quality-on-demand/v1"
        );
        assert_eq!(
            endpoint.qos_profiles_url(),
            "http://127.0.0.1:9091/qos-profiles/v1"
        );
        assert_eq!(
            endpoint.qos_provisioning_url().as_deref(),
            Some("http://127.0.0.1:9091/qos-provisioning/v0.3")
        );
        for bad in [
            "",
            "api.example.com",
            "http://api.example.com",
            "https://api.example.com?x=1",
            "https://user:pw@api.example.com",
        ] {
            assert!(Endpoint::from_api_root(bad).is_err(), "{bad}");
        }
        let lan = Endpoint::builder_from_api_root("http://sandbox.lan/camara")
            .allow_plain_http(true)
            .build()
            .unwrap();
        assert_eq!(
            lan.qos_provisioning_url().as_deref(),
            Some("http://sandbox.lan/camara/qos-provisioning/v0.3")
        );
    }
}
