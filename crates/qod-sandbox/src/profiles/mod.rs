//! QoS profiles: QoS Profiles 1.1.0 under `/qos-profiles/v1` and
//! 0.10.1's `/qod/v0/qos-profiles`, read from the sandbox's [`Catalogue`].

pub(crate) mod catalogue;
pub(crate) mod rules;

use std::sync::Arc;

use http::StatusCode;

use crate::reply::Reply;
use crate::rules::device::known_v1_device;
use catalogue::{Audience, Catalogue};
use rules::{profile_name, retrieve_query};

/// The profile operations, over the sandbox's one catalogue.
pub(crate) struct Profiles {
    catalogue: Arc<Catalogue>,
}

impl Profiles {
    pub(crate) fn new(catalogue: Arc<Catalogue>) -> Self {
        Profiles { catalogue }
    }

    /// `GET .../qos-profiles/{name}`.
    pub(crate) fn get(&self, name: &str) -> Reply {
        if let Err(reply) = profile_name(name, "name") {
            return reply;
        }
        match self.catalogue.get(name) {
            Some(profile) => Reply::json(StatusCode::OK, profile),
            None => Reply::not_found("QosProfile Id does not exist"),
        }
    }

    /// 0.10.1 `GET /qos-profiles?name=&status=`: 404 when nothing matches.
    /// Both parameters are plain strings there, so a value that matches no
    /// profile is no error.
    pub(crate) fn list_v0(&self, query: Option<&str>) -> Reply {
        let mut name = None;
        let mut status = None;
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "name" => name = Some(value.into_owned()),
                "status" => status = Some(value.into_owned()),
                _ => {}
            }
        }
        let found = self
            .catalogue
            .listed(Audience::Anyone, name.as_deref(), status.as_deref());
        if found.is_empty() {
            return Reply::not_found("No QoS Profiles found");
        }
        Reply::json(StatusCode::OK, &found)
    }

    /// QoS Profiles 1.1.0 `POST /retrieve-qos-profiles`.
    pub(crate) fn retrieve(&self, body: &[u8]) -> Reply {
        let query = match retrieve_query(body) {
            Ok(query) => query,
            Err(reply) => return reply,
        };
        let audience = match &query.device {
            None => Audience::Anyone,
            Some(device) => match known_v1_device(device) {
                Ok(known) => Audience::Device(known),
                Err(reply) => return reply,
            },
        };
        Reply::json(
            StatusCode::OK,
            &self
                .catalogue
                .listed(audience, query.name.as_deref(), query.status),
        )
    }
}
