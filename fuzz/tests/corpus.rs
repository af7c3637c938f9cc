//! The seed corpus, and proptest's cases, through every fuzz entry point:
//! parsers of network input never panic.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use proptest::prelude::*;

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// A fuzz entry point.
type Target = fn(&[u8]);

#[test]
fn seed_corpus_runs_clean() {
    let targets: [(&str, Target); 4] = [
        ("operation_responses", qod_fuzz::operation_responses),
        ("notification", qod_fuzz::notification),
        ("token_responses", qod_fuzz::token_responses),
        ("models", qod_fuzz::models),
    ];
    for (name, target) in targets {
        let corpus = seeds(name);
        assert!(!corpus.is_empty(), "{name} has seeds");
        for seed in &corpus {
            target(seed);
            // Every truncation of a seed too: half-read bodies are what networks deliver.
            for end in (0..seed.len()).step_by(7) {
                target(&seed[..end]);
            }
        }
    }
}

/// JSON-shaped bytes built from the field names and values servers send, so
/// that cases get past the first byte of the parsers.
fn json_like() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("sessionId"),
        Just("assignmentId"),
        Just("id"),
        Just("qosStatus"),
        Just("statusInfo"),
        Just("qosProfile"),
        Just("duration"),
        Just("startedAt"),
        Just("expiresAt"),
        Just("device"),
        Just("phoneNumber"),
        Just("ipv4Address"),
        Just("publicAddress"),
        Just("publicPort"),
        Just("applicationServer"),
        Just("devicePorts"),
        Just("ranges"),
        Just("ports"),
        Just("from"),
        Just("to"),
        Just("webhook"),
        Just("notificationUrl"),
        Just("sink"),
        Just("sinkCredential"),
        Just("credentialType"),
        Just("code"),
        Just("status"),
        Just("message"),
        Just("messages"),
        Just("severity"),
        Just("name"),
        Just("data"),
        Just("type"),
        Just("time"),
        Just("access_token"),
        Just("expires_in"),
        Just("token_type"),
        Just("error"),
        Just("maxDuration"),
        Just("unit"),
        Just("value"),
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        prop_oneof![
            Just("3fa85f64-5717-4562-b3fc-2c963f66afa6".to_owned()),
            Just("AVAILABLE".to_owned()),
            Just("QOS_VC".to_owned()),
            Just("2024-06-01T12:00:00Z".to_owned()),
            Just("+14250000000".to_owned()),
            Just("ACCESSTOKEN".to_owned()),
            Just("bearer".to_owned()),
            ".{0,12}",
        ]
        .prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..8).prop_map(|pairs| {
                serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                )
            }),
        ]
    });
    value.prop_map(|v| serde_json::to_vec(&v).unwrap_or_default())
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..256), json_like()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn operation_parsers_never_panic(status in 100_u16..1000, body in bytes(), header in proptest::collection::vec(any::<u8>(), 0..24)) {
        qod_fuzz::parse_operation_responses(status, &header, &body);
    }

    #[test]
    fn notification_parser_never_panics(body in bytes(), auth in proptest::collection::vec(any::<u8>(), 0..40), content_type in proptest::collection::vec(any::<u8>(), 0..30)) {
        qod_fuzz::parse_notification(&auth, &content_type, &body);
    }

    #[test]
    fn model_parsers_never_panic(body in bytes()) {
        qod_fuzz::models(&body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn token_response_parsers_never_panic(status in 100_u16..1000, body in bytes()) {
        qod_fuzz::parse_token_responses(status, &body);
    }
}
