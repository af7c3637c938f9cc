//! `qod assignment` (QoS Provisioning) against the sandbox, over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crate::support::{against, json, one_answer_server, qod, stderr};
use qod_sandbox::test_assets::NETWORK_TERMINATED_PHONE_NUMBER;
use qod_sandbox::{Sandbox, SandboxAuth, SandboxConfig};

fn quick_sandbox(auth: SandboxAuth) -> Sandbox {
    Sandbox::start(SandboxConfig {
        available_after: Duration::from_millis(100),
        auth,
        ..SandboxConfig::default()
    })
    .unwrap()
}

#[test]
fn full_lifecycle_with_bearer_auth_from_the_environment() {
    let sandbox = quick_sandbox(SandboxAuth::Bearer(vec!["cli-token".to_owned()]));
    let base = sandbox.v1_url();
    let env = [
        ("QOD_BASE_URL", base.as_str()),
        ("QOD_AUTH", "bearer"),
        ("QOD_TOKEN", "cli-token"),
    ];
    let created = json(&qod(
        &[
            "assignment",
            "create",
            "--phone",
            "+14255550300",
            "--profile",
            "QOS_L",
        ],
        &env,
    ));
    assert_eq!(created["status"], "REQUESTED");
    assert_eq!(created["device"]["phoneNumber"], "+14255550300");
    let id = created["assignmentId"].as_str().unwrap().to_owned();

    let waiting = qod(&["assignment", "wait", &id, "--interval", "0.1"], &env);
    assert_eq!(json(&waiting)["status"], "AVAILABLE");
    // Off a terminal, one line per status change on stderr.
    assert!(
        stderr(&waiting).contains(&format!("assignment {id} AVAILABLE after ")),
        "{}",
        stderr(&waiting)
    );
    let read = json(&qod(&["assignment", "get", &id], &env));
    assert_eq!(read["status"], "AVAILABLE");
    let found = json(&qod(
        &["assignment", "retrieve", "--phone", "+14255550300"],
        &env,
    ));
    assert_eq!(found["assignmentId"], id.as_str());

    let revoked = qod(&["assignment", "revoke", &id], &env);
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert!(revoked.stdout.is_empty(), "stdout is what the API answered");
    assert!(stderr(&revoked).contains(&format!("assignment {id} revoked")));
    let after = json(&qod(&["assignment", "get", &id], &env));
    assert_eq!(after["status"], "UNAVAILABLE");
    assert_eq!(after["statusInfo"], "DELETE_REQUESTED");

    // Without the token: 401 and a hint.
    let refused = against(&base, &["assignment", "get", &id]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("hint: the server wants credentials"));
}

#[test]
fn a_table_has_one_row_per_assignment() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    let output = against(
        &base,
        &[
            "--output",
            "table",
            "assignment",
            "create",
            "--phone",
            "+14255550301",
            "--profile",
            "QOS_L",
            "--sink",
            "https://app.example.com/events",
            "--sink-token",
            "sink-token-0123456789",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for header in ["ASSIGNMENT ID", "STATUS", "PROFILE", "DEVICE", "STARTED"] {
        assert!(lines[0].contains(header), "{text}");
    }
    assert!(lines[1].contains("REQUESTED"), "{text}");
    assert!(lines[1].contains("QOS_L"), "{text}");
    assert!(lines[1].contains("+14255550301"), "{text}");
}

#[test]
fn waiting_shows_the_network_refusing() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    let created = json(&against(
        &base,
        &[
            "assignment",
            "create",
            "--phone",
            NETWORK_TERMINATED_PHONE_NUMBER,
            "--profile",
            "QOS_L",
        ],
    ));
    let id = created["assignmentId"].as_str().unwrap();
    let waited = json(&against(
        &base,
        &["assignment", "wait", id, "--interval", "0.1"],
    ));
    assert_eq!(waited["status"], "UNAVAILABLE");
    assert_eq!(waited["statusInfo"], "NETWORK_TERMINATED");
}

#[test]
fn a_conflict_and_a_missing_assignment_exit_1_with_the_code() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    let create = [
        "assignment",
        "create",
        "--phone",
        "+14255550302",
        "--profile",
        "QOS_L",
    ];
    json(&against(&base, &create));
    let conflict = against(&base, &create);
    assert_eq!(conflict.status.code(), Some(1));
    assert!(
        stderr(&conflict).contains("CONFLICT"),
        "{}",
        stderr(&conflict)
    );
    let none = against(
        &base,
        &["assignment", "retrieve", "--phone", "+14255550303"],
    );
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("404"), "{}", stderr(&none));
}

#[test]
fn invalid_input_exits_2_names_the_flag_and_sends_nothing() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v1_url();
    for (args, flag) in [
        (
            &[
                "assignment",
                "create",
                "--phone",
                "+1",
                "--profile",
                "QOS_L",
            ][..],
            "--phone",
        ),
        (
            &[
                "assignment",
                "create",
                "--phone",
                "+14255550304",
                "--profile",
                "Q",
            ][..],
            "--profile",
        ),
        (
            &[
                "assignment",
                "create",
                "--phone",
                "+14255550304",
                "--profile",
                "QOS_L",
                "--sink",
                "ftp://example.com",
            ][..],
            "--sink",
        ),
        (&["assignment", "get", "not-an-id"][..], "assignmentId"),
        (&["assignment", "revoke", "not-an-id"][..], "assignmentId"),
        (
            &["assignment", "retrieve", "--ipv6", "::1", "--phone", "x"][..],
            "--phone",
        ),
    ] {
        let output = against(&base, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(flag),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(sandbox.stats().requests, 0, "nothing was sent");
    assert_eq!(sandbox.assignment_count(), 0);
}

#[test]
fn a_0_10_base_url_has_no_assignments_unless_given_a_provisioning_url() {
    let sandbox = quick_sandbox(SandboxAuth::None);
    let base = sandbox.v0_url();
    let create = [
        "assignment",
        "create",
        "--phone",
        "+14255550305",
        "--profile",
        "QOS_L",
    ];
    let output = against(&base, &create);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("hint: QoS Provisioning needs a QoD 1.x --base-url"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sandbox.stats().requests, 0, "nothing was sent");
    // An operator whose provisioning sits elsewhere says where.
    let provisioning = sandbox.provisioning_url();
    let mut args = vec!["--provisioning-url", provisioning.as_str()];
    args.extend_from_slice(&create);
    assert_eq!(json(&against(&base, &args))["status"], "REQUESTED");
    assert_eq!(sandbox.assignment_count(), 1);
}

#[test]
fn a_created_assignment_whose_answer_cannot_be_read_is_named_on_stderr() {
    let server = one_answer_server(
        r#"<html>Created {"assignmentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "status": </html>"#,
    );
    let base = server.url("/quality-on-demand/v1");
    let output = against(
        &base,
        &[
            "assignment",
            "create",
            "--phone",
            "+14255550306",
            "--profile",
            "QOS_L",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let text = stderr(&output);
    assert!(
        text.lines().any(|line| line
            == "assignment 3fa85f64-5717-4562-b3fc-2c963f66afa6 was created; \
                revoke it with: qod assignment revoke 3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        "{text}"
    );
}

#[test]
fn help_lists_the_assignment_commands() {
    let help = qod(&["assignment", "--help"], &[]);
    let text = String::from_utf8_lossy(&help.stdout).into_owned();
    for command in ["create", "get", "retrieve", "revoke", "wait"] {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(command)),
            "{text}"
        );
    }
}
