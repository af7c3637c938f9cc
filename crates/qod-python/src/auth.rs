//! Credentials from the plain data the Python auth values hand over.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use qod_core::Credentials;
use qod_core::auth::{ApiKeyCredentials, ClientCredentials, TaapCredentials};

use crate::errors::invalid;

/// The credentials a tuple describes: `("bearer", token)`,
/// `("client_credentials", token_url, client_id, client_secret, scope)` or
/// `("tmobile", client_id, client_secret, private_key_pem, token_url)` or
/// `("api_key", header, key)`.
pub(crate) fn credentials(auth: Option<&Bound<'_, PyTuple>>) -> PyResult<Credentials> {
    let Some(auth) = auth else {
        return Ok(Credentials::None);
    };
    let mode: String = auth.get_item(0)?.extract()?;
    let text = |index: usize, field: &str| -> PyResult<String> {
        auth.get_item(index)?
            .extract::<String>()
            .map_err(|_| PyTypeError::new_err(format!("{field} must be a str")))
    };
    let optional = |index: usize, field: &str| -> PyResult<Option<String>> {
        let item = auth.get_item(index)?;
        if item.is_none() {
            return Ok(None);
        }
        item.extract::<String>()
            .map(Some)
            .map_err(|_| PyTypeError::new_err(format!("{field} must be a str or None")))
    };
    match mode.as_str() {
        "bearer" => {
            Credentials::bearer(text(1, "token")?).map_err(|e| invalid("token", &e.to_string()))
        }
        "client_credentials" => {
            let mut credentials = ClientCredentials::new(
                &text(1, "token_url")?,
                text(2, "client_id")?,
                text(3, "client_secret")?,
            )
            .map_err(|e| invalid("ClientCredentials", &e.to_string()))?;
            if let Some(scope) = optional(4, "scope")? {
                credentials = credentials.with_scope(scope);
            }
            Ok(Credentials::ClientCredentials(credentials))
        }
        "tmobile" => {
            let pem = text(3, "private_key_pem")?;
            let mut credentials = TaapCredentials::from_pem(
                text(1, "client_id")?,
                text(2, "client_secret")?,
                pem.as_bytes(),
            )
            .map_err(|e| invalid("TMobile", &e.to_string()))?;
            if let Some(url) = optional(4, "token_url")? {
                credentials = credentials
                    .with_token_url(&url)
                    .map_err(|e| invalid("token_url", &e.to_string()))?;
            }
            Ok(Credentials::TMobile(credentials))
        }
        "api_key" => ApiKeyCredentials::new(&text(1, "header")?, text(2, "key")?)
            .map(Credentials::ApiKey)
            .map_err(|e| invalid("ApiKey", &e.to_string())),
        other => Err(PyTypeError::new_err(format!(
            "auth: unknown mode {other:?}"
        ))),
    }
}
