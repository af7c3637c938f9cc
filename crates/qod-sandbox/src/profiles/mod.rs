//! QoS profiles: QoS Profiles 1.1.0 under `/qos-profiles/v1` and
//! 0.10.1's `/qod/v0/qos-profiles`, read from the sandbox's [`Catalogue`].

pub(crate) mod catalogue;
pub(crate) mod rules;

use std::sync::Arc;

use http::StatusCode;

use crate::auth::caller::Caller;
use crate::reply::Reply;
use crate::rules::device::{known_v1_device, target};
use crate::test_assets::known_device;
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

    /// `GET .../qos-profiles/{name}`; with a three-legged token, only a
    /// profile available to its device.
    pub(crate) fn get(&self, caller: &Caller, name: &str) -> Reply {
        if let Err(reply) = profile_name(name, "name") {
            return reply;
        }
        let profile = self.catalogue.get(name).filter(|_| {
            caller.device.as_ref().is_none_or(|device| {
                let known = known_device(device.phone.as_deref());
                self.catalogue.available_to(name, known)
            })
        });
        match profile {
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

    /// QoS Profiles 1.1.0 `POST /retrieve-qos-profiles`: the profiles
    /// of the device the request or its three-legged token names, or all
    /// those open to any device.
    pub(crate) fn retrieve(&self, caller: &Caller, body: &[u8]) -> Reply {
        match self.try_retrieve(caller, body) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn try_retrieve(&self, caller: &Caller, body: &[u8]) -> Result<Reply, Reply> {
        let query = retrieve_query(body)?;
        let audience = match target(query.device.as_ref(), caller.device.as_deref())? {
            None => Audience::Anyone,
            Some(device) => Audience::Device(known_v1_device(device.ids())?),
        };
        Ok(Reply::json(
            StatusCode::OK,
            &self
                .catalogue
                .listed(audience, query.name.as_deref(), query.status),
        ))
    }
}
