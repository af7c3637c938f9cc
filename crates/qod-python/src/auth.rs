//! Credentials from the plain data the Python auth values hand over.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use qod_core::Credentials;
use qod_core::auth::{
    ApiKeyCredentials, AssertionKey, AuthorizationServer, ClientAuth, ClientCredentials, Discovery,
    Purpose, Scope, Subject, SubjectKind, TaapCredentials, UserCredentials,
};

use crate::errors::invalid;

/// The credentials a tuple describes: `("bearer", token)`,
/// `("client_credentials", token_url, client_id, client_secret, scope)` or
/// `("tmobile", client_id, client_secret, private_key_pem, token_url)`,
/// `("api_key", header, key)`,
/// `("ciba", client_id, login_hint, private_key_pem, client_secret, key_id,
/// token_url, bc_authorize_url, discovery_url, scope, purpose)` or
/// `("jwt_bearer", client_id, subject, private_key_pem, key_id, token_url,
/// discovery_url, scope, purpose)`.
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
        "ciba" => {
            let subject = Subject::parse(&text(2, "login_hint")?)
                .map_err(|e| invalid("login_hint", &e.to_string()))?;
            let client = client_auth(
                text(1, "client_id")?,
                optional(3, "private_key_pem")?,
                optional(4, "client_secret")?,
                optional(5, "key_id")?,
            )?;
            let server = server(
                optional(6, "token_url")?,
                optional(7, "bc_authorize_url")?,
                optional(8, "discovery_url")?,
                true,
            )?;
            let user = UserCredentials::ciba(client, server).with_default_subject(subject);
            user_scope(user, optional(9, "scope")?, optional(10, "purpose")?)
        }
        "jwt_bearer" => {
            let subject = Subject::parse(&text(2, "subject")?)
                .map_err(|e| invalid("subject", &e.to_string()))?;
            if subject.kind() == SubjectKind::IpPort {
                return Err(invalid(
                    "subject",
                    "JWT Bearer asserts a tel:+... or operatortoken:... subject; \
                     an ipport: device is a CIBA login_hint (qod.Ciba)",
                ));
            }
            let client = client_auth(
                text(1, "client_id")?,
                Some(text(3, "private_key_pem")?),
                None,
                optional(4, "key_id")?,
            )?;
            let server = server(
                optional(5, "token_url")?,
                None,
                optional(6, "discovery_url")?,
                false,
            )?;
            let user = UserCredentials::jwt_bearer(client, server)
                .map_err(|e| invalid("JwtBearer", &e.to_string()))?
                .with_default_subject(subject);
            user_scope(user, optional(7, "scope")?, optional(8, "purpose")?)
        }
        other => Err(PyTypeError::new_err(format!(
            "auth: unknown mode {other:?}"
        ))),
    }
}

/// How a three-legged client authenticates: `private_key_jwt` with a key
/// (PKCS#8 PEM, RSA or P-256), `client_secret_basic` with a secret.
fn client_auth(
    client_id: String,
    private_key_pem: Option<String>,
    client_secret: Option<String>,
    key_id: Option<String>,
) -> PyResult<ClientAuth> {
    match (private_key_pem, client_secret) {
        (Some(pem), None) => {
            let mut key = AssertionKey::from_pkcs8_pem(pem.as_bytes())
                .map_err(|e| invalid("private_key_pem", &e.to_string()))?;
            if let Some(kid) = key_id {
                key = key
                    .with_kid(kid)
                    .map_err(|e| invalid("key_id", &e.to_string()))?;
            }
            ClientAuth::private_key_jwt(client_id, key)
                .map_err(|e| invalid("client_id", &e.to_string()))
        }
        (None, Some(secret)) => {
            if key_id.is_some() {
                return Err(invalid(
                    "key_id",
                    "names the key of private_key_pem, and a client_secret was given",
                ));
            }
            ClientAuth::secret_basic(client_id, secret)
                .map_err(|e| invalid("client_id", &e.to_string()))
        }
        (Some(_), Some(_)) => Err(invalid(
            "client_secret",
            "give private_key_pem (private_key_jwt) or client_secret, not both",
        )),
        (None, None) => Err(invalid(
            "private_key_pem",
            "the client authenticates with private_key_pem (private_key_jwt) or client_secret",
        )),
    }
}

/// Where a three-legged flow gets its tokens: discovered from
/// `discovery_url`, or `token_url` (and `bc_authorize_url` for CIBA).
fn server(
    token_url: Option<String>,
    bc_authorize_url: Option<String>,
    discovery_url: Option<String>,
    ciba: bool,
) -> PyResult<AuthorizationServer> {
    match (discovery_url, token_url) {
        (Some(url), None) => {
            if bc_authorize_url.is_some() {
                return Err(invalid(
                    "bc_authorize_url",
                    "give discovery_url or the URLs themselves (token_url, bc_authorize_url), \
                     not both",
                ));
            }
            let discovery =
                Discovery::new(&url).map_err(|e| invalid("discovery_url", &e.to_string()))?;
            Ok(AuthorizationServer::discover(discovery))
        }
        (Some(_), Some(_)) => Err(invalid(
            "token_url",
            "give discovery_url or the URLs themselves (token_url), not both",
        )),
        (None, Some(url)) => {
            let server =
                AuthorizationServer::new(&url).map_err(|e| invalid("token_url", &e.to_string()))?;
            match (ciba, bc_authorize_url) {
                (true, Some(url)) => server
                    .with_backchannel_url(&url)
                    .map_err(|e| invalid("bc_authorize_url", &e.to_string())),
                (true, None) => Err(invalid(
                    "bc_authorize_url",
                    "CIBA with token_url needs bc_authorize_url (or give discovery_url)",
                )),
                (false, _) => Ok(server),
            }
        }
        (None, None) => Err(invalid(
            "discovery_url",
            "the authorization server: give discovery_url, or token_url (and bc_authorize_url \
             for CIBA)",
        )),
    }
}

/// The scope the flow asks for: `scope` verbatim, or `openid`, `purpose`
/// and each call's API scopes.
fn user_scope(
    user: UserCredentials,
    scope: Option<String>,
    purpose: Option<String>,
) -> PyResult<Credentials> {
    let user = match (scope, purpose) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "scope",
                "is sent exactly as given, so purpose is not added to it: put the purpose in \
                 scope, or leave scope out",
            ));
        }
        (Some(scope), None) => {
            user.with_scope(Scope::verbatim(scope).map_err(|e| invalid("scope", &e.to_string()))?)
        }
        (None, Some(purpose)) => user.with_purpose(
            Purpose::parse(&purpose).map_err(|e| invalid("purpose", &e.to_string()))?,
        ),
        (None, None) => user,
    };
    Ok(Credentials::User(user))
}
