//! CAMARA's test definitions for QoS Profiles 1.1.0 (r3.2:
//! `qos-profiles-getQosProfile.feature`,
//! `qos-profiles-retrieveQoSProfiles.feature`), translated for the sandbox:
//! one test per scenario, named after its tag, each Scenario Outline's
//! examples in a loop. The devices and profiles the scenarios take from the
//! operator are the sandbox's [test assets](qod_sandbox::test_assets).
//!
//! | scenario (`@qos_profiles_…`) | result | why / how |
//! |---|---|---|
//! | `getQosProfile_01_generic_success_scenario` | pass | every profile of the catalogue |
//! | `getQosProfile_400.1_name_does_not_match_regex` | pass | |
//! | `getQosProfile_400.2_invalid_name_length` | pass | |
//! | `getQosProfile_401.1_no_authorization_header` | pass | |
//! | `getQosProfile_401.2_expired_access_token` | pass | |
//! | `getQosProfile_401.3_invalid_access_token` | pass | |
//! | `getQosProfile_403.1_missing_access_token_scope` | pass | |
//! | `getQosProfile_404.1_not_found` | pass | |
//! | `retrieveQoSProfiles_01_generic_success_scenario` | pass | |
//! | `retrieveQoSProfiles_02_filter_by_name_only` | pass | |
//! | `retrieveQoSProfiles_03_filter_by_status_only` | pass | one `INACTIVE` profile; none `DEPRECATED` (an empty list passes) |
//! | `retrieveQoSProfiles_04_return_restricted_profiles` | pass | `RESTRICTED_PROFILE`, for `PARTNER_PHONE_NUMBER` |
//! | `retrieveQoSProfiles_05_not_return_restricted_profiles` | pass | |
//! | `retrieveQoSProfiles_06_device_qos_profiles_not_found` | pass | `NO_PROFILES_PHONE_NUMBER` |
//! | `retrieveQoSProfiles_C01.01_device_empty` | pass | |
//! | `retrieveQoSProfiles_C01.02_device_identifiers_not_schema_compliant` | pass | |
//! | `retrieveQoSProfiles_C01.03_device_not_found` | pass | `UNKNOWN_PHONE_NUMBER` |
//! | `retrieveQoSProfiles_C01.04_unnecessary_device` | pass | in `openid_mode` (`retrieve_qos_profiles_c01_04_unnecessary_device`): the OpenID mode's three-legged tokens |
//! | `retrieveQoSProfiles_C01.06_unsupported_device` | pass | a device given by `networkAccessIdentifier` only |
//! | `retrieveQoSProfiles_C01.07_device_not_supported` | pass | `NOT_APPLICABLE_PHONE_NUMBER` |
//! | `retrieveQoSProfiles_400.1_schema_not_compliant` | pass | |
//! | `retrieveQoSProfiles_400.2_no_request_body` | pass | |
//! | `retrieveQoSProfiles_401.1_no_authorization_header` | pass | |
//! | `retrieveQoSProfiles_401.2_expired_access_token` | pass | |
//! | `retrieveQoSProfiles_401.3_invalid_access_token` | pass | |
//! | `retrieveQoSProfiles_403.1_missing_access_token_scope` | pass | |
//!
//! 26 scenarios: all pass; the one that needs a 3-legged token in `openid_mode`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::conformance::{Auth, Body, Exchange, Operator, assert_qos_profile};
use qod_sandbox::test_assets::{
    NO_PROFILES_PHONE_NUMBER, NOT_APPLICABLE_PHONE_NUMBER, PARTNER_PHONE_NUMBER,
    RESTRICTED_PROFILE, UNKNOWN_PHONE_NUMBER,
};
use serde_json::{Value, json};

const PROFILES: &str = "/qos-profiles/v1/qos-profiles";
const RETRIEVE: &str = "/qos-profiles/v1/retrieve-qos-profiles";

fn get(operator: &Operator, name: &str, auth: Auth<'_>) -> Exchange {
    operator.send("GET", &format!("{PROFILES}/{name}"), Body::None, auth)
}

fn retrieve(operator: &Operator, body: Body, auth: Auth<'_>) -> Exchange {
    operator.send("POST", RETRIEVE, body, auth)
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

fn all_profiles(operator: &Operator) -> Vec<Value> {
    retrieve(operator, Body::Json(json!({})), Auth::Valid)
        .assert_success(200)
        .as_array()
        .unwrap()
        .clone()
}

fn unauthenticated(operator: &Operator, send: impl Fn(Auth<'_>) -> Exchange) {
    send(Auth::Absent).assert_error(401, &["UNAUTHENTICATED"]);
    send(Auth::Token("not-a-token-the-sandbox-issued")).assert_error(401, &["UNAUTHENTICATED"]);
    let expired = operator.expired_token();
    send(Auth::Token(&expired)).assert_error(401, &["UNAUTHENTICATED"]);
}

/// Device identifiers that break their schema (`device_identifier` examples).
fn non_compliant_devices() -> [Value; 4] {
    [
        json!({"phoneNumber": "+0123"}),
        json!({"ipv4Address": {"publicAddress": "203.0.113.1"}}),
        json!({"ipv6Address": "not-an-address"}),
        json!({"networkAccessIdentifier": ["123456789@domain.com"]}),
    ]
}

// ================================================================ getQosProfile

#[test]
fn get_qos_profile_01_generic_success_scenario() {
    let operator = Operator::start();
    for profile in all_profiles(&operator) {
        let name = profile["name"].as_str().unwrap();
        let read = get(&operator, name, Auth::Valid);
        let body = read.assert_success(200);
        assert_qos_profile(body);
        assert_eq!(body["name"], name);
    }
}

#[test]
fn get_qos_profile_400_1_name_does_not_match_regex() {
    let operator = Operator::start();
    for name in ["QOS%20E", "QOS!E", "QOS*", "%C3%84_QOS"] {
        get(&operator, name, Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
    }
}

#[test]
fn get_qos_profile_400_2_invalid_name_length() {
    let operator = Operator::start();
    for name in ["QO".to_owned(), "Q".repeat(257)] {
        get(&operator, &name, Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
    }
}

#[test]
fn get_qos_profile_401_1_no_authorization_header() {
    let operator = Operator::start();
    get(&operator, "QOS_E", Auth::Absent).assert_error(401, &["UNAUTHENTICATED"]);
}

#[test]
fn get_qos_profile_401_2_expired_access_token() {
    let operator = Operator::start();
    let expired = operator.expired_token();
    get(&operator, "QOS_E", Auth::Token(&expired)).assert_error(401, &["UNAUTHENTICATED"]);
}

#[test]
fn get_qos_profile_401_3_invalid_access_token() {
    let operator = Operator::start();
    unauthenticated(&operator, |auth| get(&operator, "QOS_E", auth));
}

#[test]
fn get_qos_profile_403_1_missing_access_token_scope() {
    let operator = Operator::start();
    let token = operator.token_with_scope(Some("quality-on-demand:sessions:read"));
    get(&operator, "QOS_E", Auth::Token(&token)).assert_error(403, &["PERMISSION_DENIED"]);
}

#[test]
fn get_qos_profile_404_1_not_found() {
    let operator = Operator::start();
    get(&operator, "QOS_NOT_OFFERED.v2-x", Auth::Valid).assert_error(404, &["NOT_FOUND"]);
}

// ================================================================ retrieveQoSProfiles

#[test]
fn retrieve_qos_profiles_01_generic_success_scenario() {
    let operator = Operator::start();
    for body in [
        json!({}),
        json!({"device": {"phoneNumber": "+14255550900"}}),
        json!({"device": {"ipv6Address": "2001:db8::1"}, "status": "ACTIVE"}),
    ] {
        let found = retrieve(&operator, Body::Json(body), Auth::Valid);
        let list = found.assert_success(200).as_array().unwrap().clone();
        assert!(!list.is_empty());
        list.iter().for_each(assert_qos_profile);
    }
}

#[test]
fn retrieve_qos_profiles_02_filter_by_name_only() {
    let operator = Operator::start();
    let found = retrieve(&operator, Body::Json(json!({"name": "QOS_M"})), Auth::Valid);
    let list = found.assert_success(200);
    assert_eq!(names(list), ["QOS_M"]);
    assert_qos_profile(&list[0]);
}

#[test]
fn retrieve_qos_profiles_03_filter_by_status_only() {
    let operator = Operator::start();
    for (status, at_least) in [("ACTIVE", 9), ("INACTIVE", 1), ("DEPRECATED", 0)] {
        let found = retrieve(
            &operator,
            Body::Json(json!({ "status": status })),
            Auth::Valid,
        );
        let list = found.assert_success(200).as_array().unwrap().clone();
        assert!(list.len() >= at_least, "{status}: {list:?}");
        for profile in &list {
            assert_qos_profile(profile);
            assert_eq!(profile["status"], status);
        }
    }
}

#[test]
fn retrieve_qos_profiles_04_return_restricted_profiles() {
    let operator = Operator::start();
    let body = json!({"device": {"phoneNumber": PARTNER_PHONE_NUMBER}});
    let found = retrieve(&operator, Body::Json(body), Auth::Valid);
    let list = found.assert_success(200);
    list.as_array().unwrap().iter().for_each(assert_qos_profile);
    assert!(names(list).contains(&RESTRICTED_PROFILE), "{list}");
}

#[test]
fn retrieve_qos_profiles_05_not_return_restricted_profiles() {
    let operator = Operator::start();
    let found = retrieve(&operator, Body::Json(json!({})), Auth::Valid);
    let list = found.assert_success(200);
    list.as_array().unwrap().iter().for_each(assert_qos_profile);
    assert!(!names(list).contains(&RESTRICTED_PROFILE), "{list}");
    // Nor for a device it is not for.
    let other = json!({"device": {"phoneNumber": "+14255550901"}});
    let list = retrieve(&operator, Body::Json(other), Auth::Valid)
        .assert_success(200)
        .clone();
    assert!(!names(&list).contains(&RESTRICTED_PROFILE), "{list}");
}

#[test]
fn retrieve_qos_profiles_06_device_qos_profiles_not_found() {
    let operator = Operator::start();
    let body = json!({"device": {"phoneNumber": NO_PROFILES_PHONE_NUMBER}});
    let found = retrieve(&operator, Body::Json(body), Auth::Valid);
    assert_eq!(found.assert_success(200), &json!([]));
}

#[test]
fn retrieve_qos_profiles_c01_01_device_empty() {
    let operator = Operator::start();
    retrieve(&operator, Body::Json(json!({"device": {}})), Auth::Valid)
        .assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn retrieve_qos_profiles_c01_02_device_identifiers_not_schema_compliant() {
    let operator = Operator::start();
    for device in non_compliant_devices() {
        retrieve(
            &operator,
            Body::Json(json!({ "device": device })),
            Auth::Valid,
        )
        .assert_error(400, &["INVALID_ARGUMENT"]);
    }
}

#[test]
fn retrieve_qos_profiles_c01_03_device_not_found() {
    let operator = Operator::start();
    let body = json!({"device": {"phoneNumber": UNKNOWN_PHONE_NUMBER}});
    retrieve(&operator, Body::Json(body), Auth::Valid).assert_error(404, &["IDENTIFIER_NOT_FOUND"]);
}

#[test]
fn retrieve_qos_profiles_c01_06_unsupported_device() {
    let operator = Operator::start();
    let body = json!({"device": {"networkAccessIdentifier": "123456789@domain.com"}});
    retrieve(&operator, Body::Json(body), Auth::Valid)
        .assert_error(422, &["UNSUPPORTED_IDENTIFIER"]);
}

#[test]
fn retrieve_qos_profiles_c01_07_device_not_supported() {
    let operator = Operator::start();
    let body = json!({"device": {"phoneNumber": NOT_APPLICABLE_PHONE_NUMBER}});
    retrieve(&operator, Body::Json(body), Auth::Valid)
        .assert_error(422, &["SERVICE_NOT_APPLICABLE"]);
}

#[test]
fn retrieve_qos_profiles_400_1_schema_not_compliant() {
    let operator = Operator::start();
    for body in [
        json!({"status": "RETIRED"}),
        json!({"status": 1}),
        json!({"name": "QO"}),
        json!({"name": "QOS E"}),
        json!({"device": "+14255550902"}),
        json!([]),
    ] {
        retrieve(&operator, Body::Json(body), Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
    }
}

#[test]
fn retrieve_qos_profiles_400_2_no_request_body() {
    let operator = Operator::start();
    retrieve(&operator, Body::None, Auth::Valid).assert_error(400, &["INVALID_ARGUMENT"]);
}

#[test]
fn retrieve_qos_profiles_401_1_no_authorization_header() {
    let operator = Operator::start();
    retrieve(&operator, Body::Json(json!({})), Auth::Absent)
        .assert_error(401, &["UNAUTHENTICATED"]);
}

#[test]
fn retrieve_qos_profiles_401_2_expired_access_token() {
    let operator = Operator::start();
    let expired = operator.expired_token();
    retrieve(&operator, Body::Json(json!({})), Auth::Token(&expired))
        .assert_error(401, &["UNAUTHENTICATED"]);
}

#[test]
fn retrieve_qos_profiles_401_3_invalid_access_token() {
    let operator = Operator::start();
    unauthenticated(&operator, |auth| {
        retrieve(&operator, Body::Json(json!({})), auth)
    });
}

#[test]
fn retrieve_qos_profiles_403_1_missing_access_token_scope() {
    let operator = Operator::start();
    let token = operator.token_with_scope(Some("quality-on-demand:sessions:read"));
    retrieve(&operator, Body::Json(json!({})), Auth::Token(&token))
        .assert_error(403, &["PERMISSION_DENIED"]);
}
