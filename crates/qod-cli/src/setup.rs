//! A client from the global options.

use std::time::Duration;

use qod::auth::{ClientCredentials, TaapCredentials};
use qod::core::EndpointError;
use qod::models::XCorrelator;
use qod::{ApiVersion, CallOptions, ClientBuilder, Credentials, Endpoint, Flavor};

use crate::cli::{AuthMode, FlavorArg, GlobalOptions};
use crate::failure::{Failure, chain};

fn required<'a>(value: &'a Option<String>, flag: &str, mode: &str) -> Result<&'a str, Failure> {
    value
        .as_deref()
        .ok_or_else(|| Failure::Input(format!("{flag} is required with --auth {mode}")))
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
    if let Some(url) = &options.provisioning_url {
        builder = builder.qos_provisioning_url(url);
    }
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
    builder
        .flavor(flavor)
        .build()
        .map_err(|e| invalid("--base-url", e))
}

fn credentials(options: &GlobalOptions) -> Result<Credentials, Failure> {
    Ok(match options.auth {
        AuthMode::None => Credentials::None,
        AuthMode::Bearer => Credentials::bearer(required(&options.token, "--token", "bearer")?)
            .map_err(|e| e.renamed("--token"))?,
        AuthMode::Oauth2 => Credentials::ClientCredentials(ClientCredentials::new(
            required(&options.token_url, "--token-url", "oauth2")?,
            required(&options.client_id, "--client-id", "oauth2")?,
            required(&options.client_secret, "--client-secret", "oauth2")?,
        )?),
        AuthMode::Tmobile => {
            let path = options.private_key.as_ref().ok_or_else(|| {
                Failure::Input("--private-key is required with --auth tmobile".to_owned())
            })?;
            let pem = qod::read_private_key_file(path)
                .map_err(|e| Failure::Input(format!("--private-key: {}", chain(&e))))?;
            let mut taap = TaapCredentials::from_pem(
                required(&options.client_id, "--client-id", "tmobile")?,
                required(&options.client_secret, "--client-secret", "tmobile")?,
                &pem,
            )?;
            if let Some(url) = &options.token_url {
                taap = taap.with_token_url(url)?;
            }
            Credentials::TMobile(taap)
        }
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
