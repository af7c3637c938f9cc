//! The OpenID mode ([`SandboxAuth::OpenId`](crate::SandboxAuth::OpenId)):
//! CAMARA's Security and Interoperability Profile served for one client.
//!
//! | endpoint | what |
//! |---|---|
//! | `GET /.well-known/openid-configuration` | discovery: the issuer and the endpoints below ([`discovery`]) |
//! | `GET /oauth2/jwks` | the key that signs ID tokens ([`id_token`]) |
//! | `POST /oauth2/bc-authorize` | CIBA's backchannel authentication ([`ciba`]) |
//! | `POST /oauth2/token` | client credentials, CIBA, JWT Bearer, authorization code, refresh |
//! | `GET` or `POST /oauth2/authorize` | the authorization code flow, approved at once ([`authorization_code`]) |
//!
//! The client authenticates at `bc-authorize` and the token endpoint
//! ([`client_auth`]). Three-legged tokens carry the device of their user,
//! which the API then reads instead of a request's `device`.

pub(crate) mod authorization_code;
pub(crate) mod ciba;
pub(crate) mod client_auth;
pub(crate) mod config;
pub(crate) mod discovery;
pub(crate) mod errors;
pub(crate) mod expiring;
pub(crate) mod form;
pub(crate) mod id_token;
pub(crate) mod jwt;
pub(crate) mod jwt_bearer;
pub(crate) mod login_hint;
pub(crate) mod replay;
pub(crate) mod scopes;
pub(crate) mod tokens;

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use http::request::Parts;
use serde_json::json;

use crate::auth::bearer;
use crate::auth::caller::{Caller, ClientId};
use crate::reply::Reply;
use authorization_code::Codes;
use ciba::Ciba;
use client_auth::{Checker, presented};
use config::OpenIdConfig;
use discovery::{BC_AUTHORIZE_PATH, CIBA_GRANT, JWT_BEARER_GRANT, TOKEN_PATH};
use errors::{OAuthError, no_store};
use form::Form;
use id_token::Signer;
use replay::SeenAssertions;
use tokens::{Grant, Tokens};

/// CIBA's ID-token claim naming the request (CIBA Core 7.4).
const AUTH_REQ_ID_CLAIM: &str = "urn:openid:params:jwt:claim:auth_req_id";

/// The OpenID mode's state.
pub(crate) struct OpenId {
    config: OpenIdConfig,
    /// How long access (and ID) tokens live.
    token_lifetime: Duration,
    /// The issuer when the request's `Host` names none: the address bound.
    fallback_issuer: String,
    client: ClientId,
    signer: Signer,
    seen: Mutex<SeenAssertions>,
    tokens: Tokens,
    ciba: Ciba,
    codes: Codes,
}

impl OpenId {
    pub(crate) fn new(
        config: OpenIdConfig,
        token_lifetime: Duration,
        fallback_issuer: String,
        client: ClientId,
    ) -> std::io::Result<OpenId> {
        Ok(OpenId {
            config,
            token_lifetime,
            fallback_issuer,
            client,
            signer: Signer::generate()?,
            seen: Mutex::new(SeenAssertions::default()),
            tokens: Tokens::default(),
            ciba: Ciba::default(),
            codes: Codes::default(),
        })
    }

    fn issuer(&self, parts: &Parts) -> String {
        discovery::issuer(parts, self.config.issuer.as_deref(), &self.fallback_issuer)
    }

    /// `GET /.well-known/openid-configuration`.
    pub(crate) fn discovery(&self, parts: &Parts) -> Reply {
        Reply::json(
            StatusCode::OK,
            &discovery::metadata(&self.issuer(parts), &self.config),
        )
    }

    /// `GET /oauth2/jwks`.
    pub(crate) fn jwks(&self) -> Reply {
        Reply::json(StatusCode::OK, &self.signer.jwks())
    }

    /// The checks of a request's client credentials, an assertion naming
    /// one of `audiences`.
    fn checker<'a>(&'a self, audiences: &'a [&'a str], now: SystemTime) -> Checker<'a> {
        Checker {
            config: &self.config,
            audiences,
            seen: &self.seen,
            now,
        }
    }

    /// `POST /oauth2/bc-authorize`.
    pub(crate) fn bc_authorize(&self, parts: &Parts, body: &[u8], now: SystemTime) -> Reply {
        let answer = || -> Result<Reply, OAuthError> {
            let form = Form::body(&parts.headers, body)?;
            let issuer = self.issuer(parts);
            let endpoint = format!("{issuer}{BC_AUTHORIZE_PATH}");
            let credentials = presented(parts, &form)?.ok_or_else(|| {
                OAuthError::invalid_client("Client authentication is required", false)
            })?;
            self.checker(&[&endpoint, &issuer], now)
                .check(&credentials, &form)?;
            self.ciba.start(ciba::requested(&form)?, &self.config, now)
        };
        answer().unwrap_or_else(OAuthError::reply)
    }

    /// `POST /oauth2/token`.
    pub(crate) fn token(&self, parts: &Parts, body: &[u8], now: SystemTime) -> Reply {
        self.try_token(parts, body, now)
            .unwrap_or_else(OAuthError::reply)
    }

    fn try_token(&self, parts: &Parts, body: &[u8], now: SystemTime) -> Result<Reply, OAuthError> {
        let form = Form::body(&parts.headers, body)?;
        let issuer = self.issuer(parts);
        let endpoint = format!("{issuer}{TOKEN_PATH}");
        let audiences = [endpoint.as_str(), issuer.as_str()];
        let grant_type = form.required("grant_type")?;
        let credentials = presented(parts, &form)?;
        let checker = self.checker(&audiences, now);
        if grant_type == JWT_BEARER_GRANT {
            // The assertion authenticates the client; other credentials
            // beside it must hold as well.
            if let Some(credentials) = &credentials {
                checker.check(credentials, &form)?;
            }
            let grant = jwt_bearer::grant(&form, &self.config, &audiences, &self.seen, now)?;
            return self.grant(&grant, &issuer, now, &[]);
        }
        let credentials = credentials.ok_or_else(|| {
            OAuthError::invalid_client("Client authentication is required", false)
        })?;
        checker.check(&credentials, &form)?;
        match grant_type {
            "client_credentials" => {
                // CAMARA's profile requires the scope.
                let scope = scopes::requested(
                    form.get("scope")
                        .ok_or_else(|| OAuthError::invalid_scope("scope is required"))?,
                )?;
                let grant = Grant {
                    scope: scopes::Requested {
                        openid: false,
                        offline_access: false,
                        ..scope
                    },
                    subject: None,
                };
                self.grant(&grant, &issuer, now, &[])
            }
            CIBA_GRANT => {
                let auth_req_id = form.required("auth_req_id")?;
                let grant = self.ciba.poll(auth_req_id, now)?;
                self.grant(&grant, &issuer, now, &[(AUTH_REQ_ID_CLAIM, auth_req_id)])
            }
            "authorization_code" => {
                let exchanged = self.codes.exchange(&form, now)?;
                let nonce = exchanged.nonce.as_deref().map(|nonce| ("nonce", nonce));
                self.grant(&exchanged.grant, &issuer, now, nonce.as_slice())
            }
            "refresh_token" => {
                let refresh_token = form.required("refresh_token")?;
                let grant = self.tokens.refresh(refresh_token, form.get("scope"), now)?;
                self.grant(&grant, &issuer, now, &[])
            }
            _ => Err(OAuthError::unsupported_grant_type(
                "grant_type must be client_credentials, urn:openid:params:grant-type:ciba, \
                 urn:ietf:params:oauth:grant-type:jwt-bearer, authorization_code or refresh_token",
            )),
        }
    }

    /// The token answer for `grant`: an access token, a refresh token
    /// when the scope asks for `offline_access`, an ID token when it has
    /// `openid` and a user (with `claims` added to it).
    fn grant(
        &self,
        grant: &Grant,
        issuer: &str,
        now: SystemTime,
        claims: &[(&str, &str)],
    ) -> Result<Reply, OAuthError> {
        let refresh = grant
            .scope
            .offline_access
            .then_some(self.config.refresh_token_lifetime);
        let issued = self
            .tokens
            .issue(grant, self.token_lifetime, refresh, now)?;
        let mut body = json!({"access_token": issued.access_token, "token_type": "Bearer",
            "expires_in": self.token_lifetime.as_secs(), "scope": grant.scope.text});
        if let Some(refresh_token) = issued.refresh_token {
            body["refresh_token"] = json!(refresh_token);
        }
        if let Some(subject) = grant.subject.as_ref().filter(|_| grant.scope.openid) {
            let ppid = self.pairwise_id(&subject.canonical);
            let id_token = self
                .signer
                .id_token(
                    issuer,
                    &self.config.client_id,
                    &ppid,
                    now,
                    self.token_lifetime.as_secs(),
                    claims,
                )
                .ok_or_else(|| {
                    OAuthError::too_many("The ID token could not be signed: try again")
                })?;
            body["id_token"] = json!(id_token);
        }
        Ok(no_store(Reply::json(StatusCode::OK, &body)))
    }

    /// The user's id for this client (OpenID's pairwise `sub`, not the
    /// phone number, as CAMARA's profile says).
    fn pairwise_id(&self, canonical: &str) -> String {
        let input = format!("{}\n{canonical}", self.config.client_id);
        URL_SAFE_NO_PAD.encode(ring::digest::digest(
            &ring::digest::SHA256,
            input.as_bytes(),
        ))
    }

    /// `GET /oauth2/authorize`, its parameters in the query; `POST` with a form.
    pub(crate) fn authorize(&self, parts: &Parts, body: &[u8], now: SystemTime) -> Reply {
        let params = match parts.method {
            http::Method::POST => Form::body(&parts.headers, body),
            _ => Form::parse(parts.uri.query().unwrap_or_default().as_bytes()),
        };
        match params {
            Ok(params) => self
                .codes
                .authorize(&params, &self.config, &self.issuer(parts), now),
            Err(error) => error.reply(),
        }
    }

    /// The caller of an API operation: the grant of its access token, or the 401.
    pub(crate) fn caller(&self, parts: &Parts, now: SystemTime) -> Result<Caller, Reply> {
        let Some(token) = bearer(parts) else {
            return Err(Reply::unauthenticated(
                "Request not authenticated: no access token (Authorization: Bearer ...)",
            ));
        };
        let grant = self.tokens.grant(token, now).ok_or_else(|| {
            Reply::unauthenticated(
                "Request not authenticated due to missing, invalid, or expired credentials.",
            )
        })?;
        Ok(Caller {
            client: self.client,
            scopes: grant.scopes(),
            device: grant.subject.map(|subject| subject.device.clone()),
        })
    }
}
