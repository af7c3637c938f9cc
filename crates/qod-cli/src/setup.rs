//! A client from the global options.

use std::time::Duration;

use qod::auth::{ClientCredentials, TaapCredentials};
use qod::core::EndpointError;
use qod::models::XCorrelator;
use qod::{ApiVersion, CallOptions, ClientBuilder, Credentials, Endpoint, Flavor};

use crate::auth_mode::{self, AuthFlag, AuthMode, Reader};
use crate::failure::Failure;
use crate::files::read_key_file;
use crate::global_options::{FlavorArg, GlobalOptions};

/// The credentials of a `--token`: refused, naming the flag and never
/// quoting the token, when it cannot follow `Bearer ` in a header (the
/// rules are [`Credentials::bearer`]'s).
pub fn bearer_credentials(token: &str) -> Result<Credentials, Failure> {
    Ok(Credentials::bearer(token).map_err(|e| e.renamed("--token"))?)
}

/// The endpoint, with the flavor defaulting to T-Mobile's for 0.10.
pub fn endpoint(options: &GlobalOptions) -> Result<Endpoint, Failure> {
    let base_url = options
        .base_url
        .as_deref()
        .ok_or_else(|| Failure::Input("--base-url (or QOD_BASE_URL) is required".to_owned()))?;
    let invalid = |flag: &str, error: EndpointError| {
        Failure::Input(format!("invalid `{flag}`: {}", error.reason()))
    };
    let mut builder = Endpoint::builder(base_url).allow_plain_http(options.allow_plain_http);
    if let Some(version) = &options.api_version {
        let version = version
            .parse::<ApiVersion>()
            .map_err(|e| invalid("--api-version", e))?;
        builder = builder.api_version(version);
    }
    let version = match builder.clone().build() {
        Ok(endpoint) => endpoint.api_version(),
        // A URL that passes once a version is given lacks only the version.
        Err(_) if builder.clone().api_version(ApiVersion::V1).build().is_ok() => {
            return Err(Failure::Input(format!(
                "cannot tell the API version from --base-url {base_url:?}: its path ends in \
                 neither /v0 nor /v1; give --api-version 0.10 or --api-version 1"
            )));
        }
        Err(error) => return Err(invalid("--base-url", error)),
    };
    let flavor = match (options.flavor, version) {
        (Some(FlavorArg::Tmobile), _) | (None, ApiVersion::V0_10) => Flavor::TMobile,
        _ => Flavor::Camara,
    };
    let builder = builder.flavor(flavor);
    // Added last, so that a failure here is the provisioning URL's.
    match &options.provisioning_url {
        Some(url) => builder
            .qos_provisioning_url(url)
            .build()
            .map_err(|e| invalid("--provisioning-url", e)),
        None => builder.build().map_err(|e| invalid("--base-url", e)),
    }
}

/// The credentials of `--auth`, from the flags the table in
/// [`crate::auth_mode`] gives it.
fn credentials(options: &GlobalOptions) -> Result<Credentials, Failure> {
    let mode = options.auth;
    auth_mode::check(Reader::Client, mode, |flag| options.source(flag))?;
    fn text(value: &Option<String>, mode: AuthMode, flag: AuthFlag) -> Result<&str, Failure> {
        auth_mode::required_value(value.as_deref(), Reader::Client, mode, flag)
    }
    Ok(match mode {
        AuthMode::None => Credentials::None,
        AuthMode::Bearer => bearer_credentials(text(&options.token, mode, AuthFlag::Token)?)?,
        AuthMode::Oauth2 => Credentials::ClientCredentials(ClientCredentials::new(
            text(&options.token_url, mode, AuthFlag::TokenUrl)?,
            text(&options.client_id, mode, AuthFlag::ClientId)?,
            text(&options.client_secret, mode, AuthFlag::ClientSecret)?,
        )?),
        AuthMode::Tmobile => {
            let path = auth_mode::required_value(
                options.private_key.as_deref(),
                Reader::Client,
                mode,
                AuthFlag::PrivateKey,
            )?;
            let pem = read_key_file("--private-key", path)?;
            let mut taap = TaapCredentials::from_pem(
                text(&options.client_id, mode, AuthFlag::ClientId)?,
                text(&options.client_secret, mode, AuthFlag::ClientSecret)?,
                &pem,
            )?;
            if let Some(url) = &options.token_url {
                taap = taap.with_token_url(url)?;
            }
            Credentials::TMobile(taap)
        }
        AuthMode::Openid => return Err(auth_mode::sandbox_only()),
    })
}

/// The client the options describe.
pub fn client(options: &GlobalOptions) -> Result<qod::Client, Failure> {
    let mut builder =
        ClientBuilder::with_endpoint(endpoint(options)?).credentials(credentials(options)?);
    if let Some(seconds) = options.timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    Ok(builder.build()?)
}

/// The per-call options (the correlator).
pub fn call_options(options: &GlobalOptions) -> Result<CallOptions, Failure> {
    Ok(match &options.correlator {
        Some(text) => CallOptions::new().with_correlator(
            XCorrelator::parse(text.as_str()).map_err(|e| e.renamed("--correlator"))?,
        ),
        None => CallOptions::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_header_values() {
        assert!(bearer_credentials("abc-._~+/123==").is_ok());
        assert!(bearer_credentials(&"a".repeat(qod::auth::MAX_BEARER_TOKEN_BYTES)).is_ok());
        assert!(bearer_credentials(&"a".repeat(qod::auth::MAX_BEARER_TOKEN_BYTES + 1)).is_err());
        for bad in [
            "",
            "tök",
            "two words",
            "tab\there",
            "nl\nx",
            "del\u{7f}",
            " ",
            "nul\u{0}",
        ] {
            let error = bearer_credentials(bad).unwrap_err();
            assert_eq!(error.exit_code(), 2);
            let text = error.to_string();
            assert!(text.starts_with("invalid `--token`: it "), "{text}");
            assert!(
                bad.len() < 3 || !text.contains(bad),
                "the token is not quoted: {text}"
            );
        }
    }
}
