//! The keeper's decisions with time handed in, against a scripted network.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use http::{Request, Response};
use qod_models::{
    ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName, QosStatus,
    QosStatusChangedData, SessionId, StatusInfo,
};

use super::*;
use crate::{ClientCore, Endpoint, ErrorKind, Machine, Step, TransportError};

const T0: u64 = 1_700_000_000;

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(T0 + seconds)
}

fn core() -> ClientCore {
    let endpoint = Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1");
    ClientCore::new(endpoint.unwrap_or_else(|e| panic!("{e}")))
}

fn request(duration: u32) -> CreateSession {
    let phone = PhoneNumber::parse("+14255550100").unwrap_or_else(|e| panic!("{e}"));
    let profile = QosProfileName::parse("QOS_E").unwrap_or_else(|e| panic!("{e}"));
    let server = "198.51.100.10".parse().unwrap_or_else(|e| panic!("{e}"));
    CreateSession::new(Device::with_phone_number(phone), profile)
        .with_application_server(ApplicationServer::ipv4(server))
        .with_duration(duration)
}

/// A session as the scripted network holds it.
#[derive(Clone)]
struct Held {
    duration: u32,
    started: u64,
    status: &'static str,
    info: Option<&'static str>,
}

/// A network that makes sessions AVAILABLE at once, caps extensions at
/// `max`, removes a session at its expiry, and does what `script` says.
struct Network {
    max: u32,
    sessions: HashMap<String, Held>,
    next_id: u128,
    log: Vec<(u64, String)>,
    /// Each create is answered with this status first.
    created_status: &'static str,
    /// Sessions end NETWORK_TERMINATED this long after their create.
    terminate_after: Option<u64>,
    /// Extensions are answered with this status instead.
    extend_fails: Option<u16>,
    delete_fails: bool,
}

impl Network {
    fn new(max: u32) -> Self {
        Network {
            max,
            sessions: HashMap::new(),
            next_id: 1,
            log: Vec::new(),
            created_status: "AVAILABLE",
            terminate_after: None,
            extend_fails: None,
            delete_fails: false,
        }
    }

    fn body(id: &str, held: &Held) -> Vec<u8> {
        let mut json = serde_json::json!({
            "sessionId": id, "qosProfile": "QOS_E", "duration": held.duration,
            "qosStatus": held.status,
            "device": {"phoneNumber": "+14255550100"},
        });
        if held.status == "AVAILABLE" {
            json["startedAt"] = serde_json::json!(rfc3339(held.started));
            json["expiresAt"] = serde_json::json!(rfc3339(held.started + u64::from(held.duration)));
        }
        if let Some(info) = held.info {
            json["statusInfo"] = serde_json::json!(info);
        }
        json.to_string().into_bytes()
    }

    fn count(&self, what: &str) -> usize {
        self.log
            .iter()
            .filter(|(_, line)| line.starts_with(what))
            .count()
    }

    fn times(&self, what: &str) -> Vec<u64> {
        let lines = self.log.iter().filter(|(_, line)| line.starts_with(what));
        lines.map(|(t, _)| *t).collect()
    }

    fn answer(&mut self, request: &Request<Vec<u8>>, now: u64) -> Response<Vec<u8>> {
        // The network's own clock: expiry and termination.
        for held in self.sessions.values_mut() {
            if let Some(after) = self.terminate_after
                && now >= held.started + after
                && held.status == "AVAILABLE"
            {
                held.status = "UNAVAILABLE";
                held.info = Some("NETWORK_TERMINATED");
            }
        }
        self.sessions.retain(|_, held| {
            held.status != "AVAILABLE" || now < held.started + u64::from(held.duration)
        });
        let path = request.uri().path().to_owned();
        let id = path
            .rsplit('/')
            .find(|part| part.len() == 36)
            .map(str::to_owned);
        let method = request.method().as_str().to_owned();
        let reply = |status: u16, body: Vec<u8>| {
            Response::builder()
                .status(status)
                .body(body)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let not_found = || {
            reply(
                404,
                br#"{"status":404,"code":"NOT_FOUND","message":"no such session"}"#.to_vec(),
            )
        };
        match (method.as_str(), id) {
            ("GET", None) if path.contains("qos-profiles") => {
                self.log.push((now, "profile".into()));
                let body = serde_json::json!({"name": "QOS_E", "status": "ACTIVE",
                    "maxDuration": {"value": self.max, "unit": "Seconds"}});
                reply(200, body.to_string().into_bytes())
            }
            ("POST", None) => {
                let sent: serde_json::Value =
                    serde_json::from_slice(request.body()).unwrap_or_else(|e| panic!("{e}"));
                let duration = sent["duration"].as_u64().unwrap_or(0) as u32;
                let id = format!("00000000-0000-4000-8000-{:012x}", self.next_id);
                self.next_id += 1;
                self.log.push((now, format!("create {id}")));
                let held = Held {
                    duration,
                    started: now,
                    status: self.created_status,
                    info: None,
                };
                let body = Network::body(&id, &held);
                self.sessions.insert(id, held);
                reply(201, body)
            }
            ("GET", Some(id)) => match self.sessions.get(&id) {
                Some(held) => {
                    self.log.push((now, format!("read {id}")));
                    reply(200, Network::body(&id, held))
                }
                None => not_found(),
            },
            ("POST", Some(id)) => {
                if let Some(status) = self.extend_fails {
                    self.log.push((now, format!("refused-extend {id}")));
                    let body = format!(r#"{{"status":{status},"code":"X","message":"no"}}"#);
                    return reply(status, body.into_bytes());
                }
                let sent: serde_json::Value =
                    serde_json::from_slice(request.body()).unwrap_or_else(|e| panic!("{e}"));
                let more = sent["requestedAdditionalDuration"].as_u64().unwrap_or(0) as u32;
                let max = self.max;
                match self.sessions.get_mut(&id) {
                    Some(held) => {
                        held.duration = (held.duration + more).min(max);
                        self.log.push((now, format!("extend {id} +{more}")));
                        let held = held.clone();
                        reply(200, Network::body(&id, &held))
                    }
                    None => not_found(),
                }
            }
            ("DELETE", Some(id)) => {
                if self.delete_fails {
                    self.log.push((now, format!("refused-delete {id}")));
                    return reply(
                        403,
                        br#"{"status":403,"code":"PERMISSION_DENIED","message":"no"}"#.to_vec(),
                    );
                }
                self.log.push((now, format!("delete {id}")));
                match self.sessions.remove(&id) {
                    Some(_) => reply(204, Vec::new()),
                    None => not_found(),
                }
            }
            _ => panic!("unexpected {method} {path}"),
        }
    }
}

fn rfc3339(seconds: u64) -> String {
    let at =
        qod_models::Timestamp::from_unix((T0 + seconds) as i64).unwrap_or_else(|| panic!("time"));
    at.to_string()
}

/// Runs `keeper` against `network` until `stop_at` (then stops it) or its
/// end; `each` may act at each step's time. Returns the outcome and when.
fn run<F: FnMut(&KeeperEvent)>(
    keeper: &mut SessionKeeper<'_, F>,
    network: &mut Network,
    stop_at: Option<u64>,
    mut each: impl FnMut(&mut SessionKeeper<'_, F>, u64),
) -> (Result<KeeperReport, crate::Error>, u64) {
    let mut now = 0;
    for _ in 0..100_000 {
        if stop_at.is_some_and(|stop| now >= stop) {
            keeper.stop();
        }
        each(keeper, now);
        match keeper.next_step(at(now)) {
            Step::Send(request) => {
                let answer = network.answer(&request, now);
                keeper.receive(Ok(answer), at(now));
            }
            Step::Sleep(delay) => {
                let wake = now + delay.as_secs().max(u64::from(delay.subsec_nanos() > 0));
                // A stop or a notification wakes the driver early, as a
                // real one does.
                let early = [stop_at, EARLY_WAKE.with(|w| w.get())];
                now = early
                    .into_iter()
                    .flatten()
                    .filter(|t| now < *t && *t < wake)
                    .min()
                    .unwrap_or(wake);
            }
            Step::WaitForToken { .. } => panic!("no token"),
            Step::Done(result) => return (result, now),
        }
    }
    panic!(
        "the keeper never ended: {:?}",
        &network.log[network.log.len().saturating_sub(8)..]
    );
}

thread_local! {
    /// A time at which the test's driver is woken as by a notification.
    static EARLY_WAKE: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

fn settings() -> KeeperSettings {
    KeeperSettings::new()
        .with_watch(Watch::Poll {
            interval: Duration::from_secs(5),
        })
        .with_backoff(Duration::from_secs(1), Duration::from_secs(8))
}

#[test]
fn it_extends_a_margin_before_expiry_and_never_past_the_hold() {
    let core = core();
    let mut network = Network::new(3600);
    let settings = settings()
        .with_max_duration(MaxDuration::Given(3600))
        .with_max_total(Duration::from_secs(200));
    let mut keeper = SessionKeeper::new(&core, request(60), settings, at(0), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let (result, ended) = run(&mut keeper, &mut network, None, |_, _| {});
    let report = result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.ended, KeeperEnd::MaxTotalReached);
    // Expiries 60, 120, 180 and a last stretch of 20 s to reach 200: each
    // extension 15 s (a quarter of 60) before the expiry it moves.
    assert_eq!(network.times("extend"), [45, 105, 165]);
    let asked: Vec<&str> = network
        .log
        .iter()
        .filter(|(_, l)| l.starts_with("extend"))
        .map(|(_, l)| l.rsplit(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(asked, ["+60", "+60", "+20"]);
    assert_eq!(network.times("delete"), [200]);
    assert_eq!(ended, 200);
    // The hold ended with the session's own expiry: the network had ended
    // it already (404), so the delete deleted nothing.
    assert_eq!((report.creates, report.extends, report.deletes), (1, 3, 0));
}

#[test]
fn at_the_limit_it_says_so_and_replaces_the_session_before_it_expires() {
    let core = core();
    let mut network = Network::new(100);
    let mut events = Vec::new();
    // Renewals at the limit are no outages: a budget of none allows them.
    let settings = settings().with_recreate_budget(0);
    let mut keeper = SessionKeeper::new(&core, request(60), settings, at(0), |event| {
        events.push(event.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let (result, _) = run(&mut keeper, &mut network, Some(200), |_, _| {});
    let report = result.unwrap_or_else(|e| panic!("{e}"));
    drop(keeper);
    // It learnt the limit from the profile and never asked past it.
    assert_eq!(network.times("profile"), [0]);
    assert!(
        network
            .log
            .iter()
            .any(|(t, l)| *t == 45 && l.ends_with("+40")),
        "{:?}",
        network.log
    );
    assert!(
        events
            .iter()
            .any(|e| e.contains("reached the profile's maxDuration (100 s)")),
        "{events:?}"
    );
    // Expires at 100, at the limit: replaced 15 s before (a quarter of the
    // 60 s step), and so again at 170.
    let deletes = network.times("delete");
    let creates = network.times("create");
    assert_eq!(deletes, [85, 170, 200], "{:?}", network.log);
    assert_eq!(creates, [0, 85, 170]);
    assert_eq!(report.recreates, 2);
    assert_eq!(*deletes.last().unwrap_or(&0), 200);
    assert_eq!(report.deletes as usize, deletes.len());
}

#[test]
fn a_network_termination_is_deleted_and_created_again() {
    let core = core();
    let mut network = Network::new(3600);
    network.terminate_after = Some(30);
    let mut events = Vec::new();
    let settings = settings()
        .with_max_duration(MaxDuration::Given(3600))
        .with_recreate_budget(2);
    let mut keeper = SessionKeeper::new(&core, request(600), settings, at(0), |event| {
        events.push(event.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let (result, ended) = run(&mut keeper, &mut network, None, |_, _| {});
    drop(keeper);
    // Terminated at 30, seen by the reading at 30; re-created after 1 s,
    // then 2 s; the third loss is past the budget of 2.
    let error = result.err().unwrap_or_else(|| panic!("the budget is 2"));
    assert!(
        matches!(error.kind(), ErrorKind::QosLost { recreates: 2, .. }),
        "{error}"
    );
    assert_eq!(network.times("create"), [0, 31, 63]);
    assert_eq!(network.times("delete"), [30, 61, 93]);
    assert_eq!(ended, 93);
    assert!(
        events.iter().any(|e| e
            .contains("UNAVAILABLE (NETWORK_TERMINATED): creating again (re-create 1) in 1.0 s")),
        "{events:?}"
    );
}

#[test]
fn a_session_that_expired_while_wanted_is_created_again() {
    let core = core();
    let mut network = Network::new(3600);
    network.extend_fails = Some(503);
    let settings = settings().with_max_duration(MaxDuration::Given(3600));
    let mut keeper = SessionKeeper::new(&core, request(20), settings, at(0), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let (result, _) = run(&mut keeper, &mut network, Some(40), |_, _| {});
    let report = result.unwrap_or_else(|e| panic!("{e}"));
    // The extensions failed; at 20 it was gone (404), so it created again.
    assert!(network.count("refused-extend") >= 1);
    let creates = network.times("create");
    assert_eq!(creates.len(), 2, "{:?}", network.log);
    assert!((20..=26).contains(&creates[1]), "{:?}", network.log);
    assert_eq!(report.recreates, 1);
}

#[test]
fn a_stop_during_a_create_waits_for_its_answer_and_deletes_what_it_made() {
    let core = core();
    let mut network = Network::new(3600);
    let settings = settings().with_max_duration(MaxDuration::Given(3600));
    let mut keeper = SessionKeeper::new(&core, request(60), settings, at(0), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let Step::Send(create) = keeper.next_step(at(0)) else {
        panic!("creates first")
    };
    keeper.stop();
    let answer = network.answer(&create, 0);
    keeper.receive(Ok(answer), at(1));
    let Step::Send(delete) = keeper.next_step(at(1)) else {
        panic!("deletes what the create made")
    };
    assert_eq!(delete.method(), "DELETE");
    assert!(
        delete
            .uri()
            .path()
            .ends_with("00000000-0000-4000-8000-000000000001")
    );
    keeper.receive(Ok(network.answer(&delete, 1)), at(1));
    let Step::Done(Ok(report)) = keeper.next_step(at(1)) else {
        panic!("ends")
    };
    assert_eq!((report.creates, report.deletes), (1, 1));
}

#[test]
fn a_stop_during_an_extension_deletes_after_its_answer() {
    let core = core();
    let mut network = Network::new(3600);
    let settings = settings().with_max_duration(MaxDuration::Given(3600));
    let mut keeper = SessionKeeper::new(&core, request(60), settings, at(0), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stopped_in_extend = false;
    let mut now = 0;
    let report = loop {
        match keeper.next_step(at(now)) {
            Step::Send(request) => {
                let extending = request.uri().path().ends_with("/extend");
                if extending {
                    keeper.stop();
                    stopped_in_extend = true;
                }
                let answer = network.answer(&request, now);
                keeper.receive(Ok(answer), at(now));
            }
            Step::Sleep(delay) => now += delay.as_secs().max(1),
            Step::WaitForToken { .. } => panic!("no token"),
            Step::Done(result) => break result.unwrap_or_else(|e| panic!("{e}")),
        }
    };
    assert!(stopped_in_extend);
    assert_eq!(network.times("extend"), [45]);
    assert_eq!(network.times("delete"), [45]);
    assert_eq!((report.extends, report.deletes), (1, 1));
}

#[test]
fn a_duration_the_profile_forbids_is_refused_before_anything_is_sent() {
    let core = core();
    let given = settings().with_max_duration(MaxDuration::Given(30));
    let refused = SessionKeeper::new(&core, request(60), given, at(0), |_| {});
    assert!(matches!(
        refused.err().map(|e| e.nothing_sent()),
        Some(true)
    ));
    let zero = settings().with_max_total(Duration::ZERO);
    assert!(SessionKeeper::new(&core, request(60), zero, at(0), |_| {}).is_err());
    // A request the endpoint refuses (1.x needs the application server).
    let mut unserved = request(60);
    unserved.application_server = None;
    let refused = SessionKeeper::new(&core, unserved, settings(), at(0), |_| {});
    let error = refused
        .err()
        .unwrap_or_else(|| panic!("no application server"));
    assert!(
        error.nothing_sent() && error.to_string().contains("applicationServer"),
        "{error}"
    );
    // Learnt from the profile: only the profile is read.
    let mut network = Network::new(30);
    let mut keeper = SessionKeeper::new(&core, request(60), settings(), at(0), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let (result, _) = run(&mut keeper, &mut network, None, |_, _| {});
    let error = result.err().unwrap_or_else(|| panic!("60 s > 30 s"));
    assert!(error.to_string().contains("maxDuration, 30 s"), "{error}");
    assert_eq!(network.log.len(), 1, "{:?}", network.log);
}

#[test]
fn a_notification_ends_the_wait_for_the_next_reading() {
    let core = core();
    let mut network = Network::new(3600);
    network.created_status = "REQUESTED";
    let settings = settings()
        .with_max_duration(MaxDuration::Given(3600))
        .with_watch(Watch::Notifications {
            safety_interval: Duration::from_secs(300),
        });
    let mut events = Vec::new();
    let mut keeper = SessionKeeper::new(&core, request(600), settings, at(0), |event| {
        events.push(event.to_string())
    })
    .unwrap_or_else(|e| panic!("{e}"));
    EARLY_WAKE.with(|w| w.set(Some(10)));
    let (result, _) = run(&mut keeper, &mut network, Some(50), |keeper, now| {
        if now == 10 {
            let id = keeper.session().map(|s| s.session_id);
            if let Some(session_id) = id {
                keeper.notify(
                    &QosStatusChangedData {
                        session_id,
                        qos_status: QosStatus::Unavailable,
                        status_info: Some(StatusInfo::NetworkTerminated),
                    },
                    at(now),
                );
            }
        }
    });
    drop(keeper);
    result.unwrap_or_else(|e| panic!("{e}"));
    // No reading in between: the notification alone started the re-create.
    assert_eq!(network.count("read"), 0, "{:?}", network.log);
    assert_eq!(network.times("create"), [0, 11]);
    assert!(
        events
            .iter()
            .any(|e| e.contains("is UNAVAILABLE (NETWORK_TERMINATED)"))
    );
}

#[test]
fn a_failed_delete_at_the_end_names_the_session_left_behind() {
    let core = core();
    let mut network = Network::new(3600);
    network.delete_fails = true;
    let settings = settings().with_max_duration(MaxDuration::Given(3600));
    let mut keeper = SessionKeeper::new(&core, request(60), settings, at(0), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let (result, _) = run(&mut keeper, &mut network, Some(10), |_, _| {});
    let error = result.err().unwrap_or_else(|| panic!("the delete failed"));
    let left: Option<SessionId> = error.created().and_then(|made| made.session_id());
    assert_eq!(
        left.map(|id| id.to_string()).as_deref(),
        Some("00000000-0000-4000-8000-000000000001")
    );
}

#[test]
fn a_sweep_deletes_or_adopts_what_a_dead_process_left() {
    let core = core();
    for (sweep, creates) in [(Sweep::Delete, 1), (Sweep::Adopt, 0)] {
        let mut network = Network::new(3600);
        network.sessions.insert(
            "00000000-0000-4000-8000-0000000000aa".into(),
            Held {
                duration: 600,
                started: 0,
                status: "AVAILABLE",
                info: None,
            },
        );
        let settings = settings()
            .with_max_duration(MaxDuration::Given(3600))
            .with_sweep(sweep);
        let mut keeper = SessionKeeper::new(&core, request(600), settings, at(0), |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        let mut first = None;
        let mut step = keeper.next_step(at(0));
        if let Step::Send(list) = &step {
            first = Some(list.uri().path().to_owned());
            // The scripted network answers the device's sessions.
            let body = format!(
                "[{}]",
                String::from_utf8_lossy(&Network::body(
                    "00000000-0000-4000-8000-0000000000aa",
                    &network.sessions["00000000-0000-4000-8000-0000000000aa"],
                ))
            );
            let answer = Response::builder().status(200).body(body.into_bytes());
            keeper.receive(
                answer.map_err(|e| TransportError::new(crate::Delivery::Fatal, e.to_string())),
                at(0),
            );
            step = keeper.next_step(at(0));
        }
        assert_eq!(
            first.as_deref(),
            Some("/quality-on-demand/v1/retrieve-sessions")
        );
        let (result, _) = match step {
            Step::Send(request) => {
                let answer = network.answer(&request, 0);
                keeper.receive(Ok(answer), at(0));
                run(&mut keeper, &mut network, Some(20), |_, _| {})
            }
            other => panic!("{other:?}"),
        };
        let report = result.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.creates, creates, "{sweep:?}");
        assert_eq!(report.deletes, 1 + creates, "{sweep:?}: {:?}", network.log);
    }
}
