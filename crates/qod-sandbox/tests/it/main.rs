//! The sandbox's behaviour tests, one binary with a module per topic: its
//! API, auth (the OpenID mode in `openid_mode`), connections,
//! notifications, provisioning and resilience, what tests of a session
//! keeper use (`sandbox_control`), and
//! CAMARA's conformance scenarios (`conformance_*`, on the helpers of
//! `conformance`), each with the qod client against it over real HTTP.

mod conformance;
mod conformance_qos_profiles;
mod conformance_qos_provisioning;
mod conformance_quality_on_demand;
mod openid_mode;
mod sandbox_api;
mod sandbox_auth;
mod sandbox_connections;
mod sandbox_control;
mod sandbox_notifications;
mod sandbox_provisioning;
mod sandbox_resilience;
mod support;
