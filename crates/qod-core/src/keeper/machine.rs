//! The keeper's decisions: a [`Machine`] made of calls, with time handed in.

use std::time::{Duration, SystemTime};

use http::{Response, StatusCode};
use qod_models::{
    CreateSession, QosProfile, QosStatus, QosStatusChangedData, SessionId, SessionInfo,
    ValidationError,
};

use super::{
    KeeperEnd, KeeperEvent, KeeperReport, KeeperSettings, MaxDuration, OutageReason, Sweep, Watch,
};
use crate::operations::{
    CreateSessionOp, DeleteSessionOp, ExtendSessionOp, GetQosProfileOp, GetSessionOp,
    RetrieveSessionsOp,
};
use crate::{
    Call, ClientCore, CreatedResource, Error, ErrorKind, Machine, Operation, Step, TransportError,
};

/// The longest time between readings of a REQUESTED session, when polling.
const REQUESTED_READ: Duration = Duration::from_secs(1);

/// The call under way.
enum Sub<'a> {
    Sweep(Call<'a, RetrieveSessionsOp>),
    SweepDelete(Call<'a, DeleteSessionOp>, SessionId),
    Learn(Call<'a, GetQosProfileOp>),
    /// Boxed: a create's call keeps its whole request, and comes rarely.
    Create(Box<Call<'a, CreateSessionOp>>),
    Read(Call<'a, GetSessionOp>),
    Extend(Call<'a, ExtendSessionOp>),
    Delete(Call<'a, DeleteSessionOp>, SessionId),
}

/// What a sub-call ended with.
enum Ended {
    Sweep(Result<Vec<SessionInfo>, Error>),
    SweepDelete(Result<(), Error>, SessionId),
    Learn(Result<QosProfile, Error>),
    Create(Result<SessionInfo, Error>),
    Read(Result<SessionInfo, Error>),
    Extend(Result<SessionInfo, Error>),
    Delete(Result<(), Error>, SessionId),
}

/// One step of a sub-call: go on with it, or what it ended with.
#[allow(clippy::large_enum_variant)] // one at a time, moved once
enum SubStep {
    Go(Step<KeeperReport>),
    Ended(Ended),
}

macro_rules! each_call {
    ($sub:expr, $call:ident => $body:expr) => {
        match $sub {
            Sub::Sweep($call) => $body,
            Sub::SweepDelete($call, _) => $body,
            Sub::Learn($call) => $body,
            Sub::Create($call) => $body,
            Sub::Read($call) => $body,
            Sub::Extend($call) => $body,
            Sub::Delete($call, _) => $body,
        }
    };
}

impl Sub<'_> {
    fn step(&mut self, now: SystemTime) -> SubStep {
        fn go<T>(step: Step<T>, ended: impl FnOnce(Result<T, Error>) -> Ended) -> SubStep {
            match step {
                Step::Send(request) => SubStep::Go(Step::Send(request)),
                Step::Sleep(delay) => SubStep::Go(Step::Sleep(delay)),
                Step::WaitForToken { wait, at_most } => {
                    SubStep::Go(Step::WaitForToken { wait, at_most })
                }
                Step::Done(result) => SubStep::Ended(ended(result)),
            }
        }
        match self {
            Sub::Sweep(call) => go(call.next_step(now), Ended::Sweep),
            Sub::SweepDelete(call, id) => {
                let id = *id;
                go(call.next_step(now), |r| Ended::SweepDelete(r, id))
            }
            Sub::Learn(call) => go(call.next_step(now), Ended::Learn),
            Sub::Create(call) => go(call.next_step(now), Ended::Create),
            Sub::Read(call) => go(call.next_step(now), Ended::Read),
            Sub::Extend(call) => go(call.next_step(now), Ended::Extend),
            Sub::Delete(call, id) => {
                let id = *id;
                go(call.next_step(now), |r| Ended::Delete(r, id))
            }
        }
    }

    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime) {
        each_call!(self, call => call.receive(result, now))
    }

    /// Whether dropping it on a stop loses nothing, given whether it is
    /// `between_attempts` (it last asked to sleep or to wait for a token):
    /// a create is retried only when it made nothing, so between attempts
    /// it has made nothing; a delete is the stop's own work.
    fn abandonable(&self, between_attempts: bool) -> bool {
        match self {
            Sub::Delete(..) | Sub::SweepDelete(..) => false,
            _ => between_attempts,
        }
    }
}

/// Holds one QoS session for as long as it is wanted: creates it, reports
/// each status change, extends it before it expires within the profile's
/// `maxDuration`, creates again (with backoff, within a budget) when the
/// network ends it or it expires while still wanted, and deletes it on
/// [`SessionKeeper::stop`] or at the hold's cap. A stop during a create
/// waits for the create's answer, so that the session it made is deleted
/// too.
///
/// A [`Machine`]: any driver runs it. A driver that can be told to stop or
/// handed a notification while it sleeps wakes early and asks for the next
/// step; the keeper tolerates early wakes (a call's own backoff still runs
/// its full length).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use qod_core::{ClientCore, Endpoint, Machine, Step};
/// use qod_core::keeper::{KeeperSettings, MaxDuration, SessionKeeper};
/// use qod_core::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
///
/// let core = ClientCore::new(Endpoint::new("http://127.0.0.1:9/quality-on-demand/v1")?);
/// let request = CreateSession::new(
///     Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
///     QosProfileName::parse("QOS_E")?,
/// )
/// .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
/// .with_duration(60);
/// let settings = KeeperSettings::new().with_max_duration(MaxDuration::Given(3600));
/// let t0 = SystemTime::UNIX_EPOCH;
/// let mut keeper = SessionKeeper::new(&core, request, settings, t0, |event| println!("{event}"))?;
/// let Step::Send(create) = keeper.next_step(t0) else { panic!("creates first") };
/// assert_eq!(create.method(), "POST");
/// let created = r#"{"sessionId":"123e4567-e89b-12d3-a456-426614174000","qosProfile":"QOS_E",
///     "duration":60,"qosStatus":"REQUESTED"}"#;
/// keeper.receive(Ok(http::Response::builder().status(201).body(created.into())?), t0);
/// keeper.stop();
/// let Step::Send(delete) = keeper.next_step(t0) else { panic!("deletes on stop") };
/// assert_eq!(delete.method(), "DELETE");
/// keeper.receive(Ok(http::Response::builder().status(204).body(Vec::new())?), t0);
/// let Step::Done(Ok(report)) = keeper.next_step(t0) else { panic!("done") };
/// assert_eq!((report.creates, report.deletes), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SessionKeeper<'a, F> {
    core: &'a ClientCore,
    request: CreateSession,
    settings: KeeperSettings,
    on_event: F,
    sub: Option<Sub<'a>>,
    /// The request of the last `Send` is out.
    request_out: bool,
    /// The call under way last asked to sleep or wait for a token: it has
    /// no answer unread.
    between_attempts: bool,
    /// A sub-call asked to sleep until then.
    sub_wake: Option<SystemTime>,
    started: SystemTime,
    hold_until: Option<SystemTime>,
    /// The session held, and when it was last read.
    session: Option<(SessionInfo, SystemTime)>,
    /// A session to delete before creating again.
    remnant: Option<SessionId>,
    wanted: bool,
    ended: KeeperEnd,
    /// The error to end with once cleaned up.
    failure: Option<Error>,
    max_duration: Option<u32>,
    learned: bool,
    swept: bool,
    sweep_todo: Vec<SessionId>,
    next_read: SystemTime,
    create_after: SystemTime,
    limit_told: bool,
    /// Re-creates after losses (not renewals at the limit): what the budget counts.
    outages: u32,
    /// No extension is asked for before then (after one failed).
    extend_after: SystemTime,
    report: KeeperReport,
    done: bool,
}

impl<F> std::fmt::Debug for SessionKeeper<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeeper")
            .field("session", &self.session.as_ref().map(|(s, _)| s.session_id))
            .field("wanted", &self.wanted)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

/// When a session's QoS ends, if known: `expiresAt`, else `startedAt` plus
/// the duration.
fn expiry(info: &SessionInfo) -> Option<SystemTime> {
    let at = |seconds: i64| {
        u64::try_from(seconds)
            .ok()
            .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
    };
    match (&info.expires_at, &info.started_at) {
        (Some(expires), _) => at(expires.unix_seconds()),
        (None, Some(started)) => at(started.unix_seconds())
            .and_then(|t| t.checked_add(Duration::from_secs(u64::from(info.duration)))),
        (None, None) => None,
    }
}

fn is_not_found(error: &Error) -> bool {
    error.status() == Some(StatusCode::NOT_FOUND)
}

/// Whether creating again later may succeed: the network or the server
/// had trouble, or the device is still held by a session going away.
fn is_transient(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Transport(_) => true,
        _ => error.status().is_some_and(|status| {
            status == StatusCode::CONFLICT
                || status == StatusCode::TOO_MANY_REQUESTS
                || status.is_server_error()
        }),
    }
}

impl<'a, F: FnMut(&KeeperEvent)> SessionKeeper<'a, F> {
    /// A keeper started at `now` that will create `request` through `core`;
    /// `on_event` sees each [`KeeperEvent`]. Nothing is sent until the
    /// driver asks for the first step.
    ///
    /// # Errors
    ///
    /// As [`check_input`].
    pub fn new(
        core: &'a ClientCore,
        request: CreateSession,
        settings: KeeperSettings,
        now: SystemTime,
        on_event: F,
    ) -> Result<Self, Error> {
        check_input(core, &request, &settings)?;
        let max_duration = match settings.max_duration() {
            MaxDuration::Given(max) => Some(max),
            _ => None,
        };
        let hold_until = settings.max_total().and_then(|cap| now.checked_add(cap));
        Ok(SessionKeeper {
            core,
            request,
            learned: !matches!(settings.max_duration(), MaxDuration::Learn),
            swept: settings.sweep().is_none(),
            settings,
            on_event,
            sub: None,
            request_out: false,
            between_attempts: false,
            sub_wake: None,
            started: now,
            hold_until,
            session: None,
            remnant: None,
            wanted: true,
            ended: KeeperEnd::Stopped,
            failure: None,
            max_duration,
            sweep_todo: Vec::new(),
            next_read: now,
            create_after: now,
            limit_told: false,
            outages: 0,
            extend_after: now,
            report: KeeperReport {
                ended: KeeperEnd::Stopped,
                creates: 0,
                extends: 0,
                deletes: 0,
                recreates: 0,
                last_session: None,
            },
            done: false,
        })
    }

    /// Tells the keeper to stop: it deletes the session (after the answer of
    /// a create under way) and ends. A read or an extension not yet sent is
    /// dropped.
    pub fn stop(&mut self) {
        if !self.wanted {
            return;
        }
        self.wanted = false;
        self.ended = KeeperEnd::Stopped;
        self.sub_wake = self.sub_wake.filter(|_| self.sub.is_some());
        if self
            .sub
            .as_ref()
            .is_some_and(|sub| sub.abandonable(self.between_attempts))
        {
            self.sub = None;
            self.sub_wake = None;
        }
    }

    /// Whether it has been told to stop (or has stopped by itself).
    pub fn is_stopping(&self) -> bool {
        !self.wanted
    }

    /// The session held now, as last read.
    pub fn session(&self) -> Option<&SessionInfo> {
        self.session.as_ref().map(|(info, _)| info)
    }

    /// The counts so far.
    pub fn report(&self) -> &KeeperReport {
        &self.report
    }

    /// Hands over a status notification the app received (the `data` of a
    /// verified QoS status-changed event), at `now`. One for another session
    /// is ignored.
    pub fn notify(&mut self, data: &QosStatusChangedData, now: SystemTime) {
        let Some((info, seen)) = &mut self.session else {
            return;
        };
        if info.session_id != data.session_id
            || (info.qos_status == data.qos_status && info.status_info == data.status_info)
        {
            return;
        }
        info.qos_status = data.qos_status.clone();
        info.status_info = data.status_info.clone();
        *seen = now;
        // An AVAILABLE session's times come with a reading.
        if info.qos_status == QosStatus::Available {
            self.next_read = now;
        }
        let changed = KeeperEvent::StatusChanged(Box::new(info.clone()));
        (self.on_event)(&changed);
    }

    fn tell(&mut self, event: KeeperEvent) {
        (self.on_event)(&event);
    }

    fn trouble(&mut self, doing: &'static str, error: Error) {
        self.tell(KeeperEvent::Trouble { doing, error });
    }

    /// Ends the hold, deleting first: with `failure` as the outcome, if any.
    fn give_up(&mut self, failure: Error) {
        self.failure.get_or_insert(failure);
        self.wanted = false;
    }

    /// Registers an outage of `session_id`: create again after a backoff,
    /// or give up when the budget is spent.
    fn outage(&mut self, session_id: Option<SessionId>, reason: OutageReason, now: SystemTime) {
        let renewal = reason == OutageReason::LimitReached;
        if !renewal && self.outages >= self.settings.recreate_budget() {
            let lost = ErrorKind::QosLost {
                reason: reason.to_string(),
                recreates: self.outages,
            };
            self.give_up(lost.into());
            return;
        }
        self.report.recreates += 1;
        if !renewal {
            self.outages += 1;
        }
        let retry_in = match renewal {
            true => Duration::ZERO,
            false => self.settings.backoff_for(self.outages),
        };
        self.create_after = now + retry_in;
        let attempt = self.report.recreates;
        self.tell(KeeperEvent::Outage {
            session_id,
            reason,
            attempt,
            retry_in,
        });
    }

    /// A call of `operation` at `now`, with the keeper's call options.
    fn call<O: Operation>(&self, operation: O, now: SystemTime) -> Call<'a, O> {
        self.core
            .start_owned(operation, self.settings.call_options(), now)
    }

    /// What to do when no call is under way: start one, sleep, or end.
    fn decide(&mut self, now: SystemTime) -> Option<Step<KeeperReport>> {
        if self.wanted && self.hold_until.is_some_and(|until| now >= until) {
            self.wanted = false;
            self.ended = KeeperEnd::MaxTotalReached;
        }
        if !self.wanted {
            let id = self
                .remnant
                .take()
                .or_else(|| self.session.take().map(|(info, _)| info.session_id));
            return match id {
                Some(id) => {
                    self.sub = Some(Sub::Delete(self.call(DeleteSessionOp::new(id), now), id));
                    None
                }
                None => {
                    self.done = true;
                    let mut report = self.report.clone();
                    report.ended = self.ended;
                    Some(Step::Done(match self.failure.take() {
                        Some(failure) => Err(failure),
                        None => Ok(report),
                    }))
                }
            };
        }
        if !self.swept {
            self.swept = true;
            let device = self.request.device.clone();
            self.sub = Some(Sub::Sweep(self.call(RetrieveSessionsOp::new(device), now)));
            return None;
        }
        if let Some(id) = self.sweep_todo.pop() {
            self.sub = Some(Sub::SweepDelete(
                self.call(DeleteSessionOp::new(id), now),
                id,
            ));
            return None;
        }
        if !self.learned {
            self.learned = true;
            let name = self.request.qos_profile.clone();
            self.sub = Some(Sub::Learn(self.call(GetQosProfileOp::new(name), now)));
            return None;
        }
        if let Some(id) = self.remnant.take() {
            self.sub = Some(Sub::Delete(self.call(DeleteSessionOp::new(id), now), id));
            return None;
        }
        let Some((info, _)) = &self.session else {
            if now < self.create_after {
                return Some(self.sleep_until(self.create_after, now));
            }
            let op = CreateSessionOp::new(self.request.clone());
            self.sub = Some(Sub::Create(Box::new(self.call(op, now))));
            return None;
        };
        let id = info.session_id;
        if info.qos_status == QosStatus::Unavailable {
            let reason = OutageReason::Unavailable(info.status_info.clone());
            self.session = None;
            self.remnant = Some(id);
            self.outage(Some(id), reason, now);
            return None;
        }
        let mut wake = self.next_read;
        if info.qos_status == QosStatus::Available
            && let Some(expires) = expiry(info)
        {
            let due = expires
                .checked_sub(
                    self.settings
                        .margin_for(self.request.duration.unwrap_or(info.duration)),
                )
                .unwrap_or(expires);
            let needed_past_expiry = self.hold_until.is_none_or(|until| until > expires);
            let due = due.max(self.extend_after);
            if needed_past_expiry && now >= due {
                match self.extension(info, expires) {
                    Some(seconds) => {
                        self.sub = Some(Sub::Extend(
                            self.call(ExtendSessionOp::new(id, seconds), now),
                        ));
                        return None;
                    }
                    None => {
                        // At the limit: replace it now, before it expires.
                        self.tell_limit(id, info.duration);
                        self.session = None;
                        self.remnant = Some(id);
                        self.outage(Some(id), OutageReason::LimitReached, now);
                        return None;
                    }
                }
            }
            if needed_past_expiry {
                wake = wake.min(due);
            }
        }
        if now >= self.next_read {
            self.sub = Some(Sub::Read(self.call(GetSessionOp::new(id), now)));
            return None;
        }
        if let Some(until) = self.hold_until {
            wake = wake.min(until);
        }
        Some(self.sleep_until(wake, now))
    }

    fn tell_limit(&mut self, session_id: SessionId, max_duration: u32) {
        if !self.limit_told {
            self.limit_told = true;
            self.tell(KeeperEvent::LimitReached {
                session_id,
                max_duration,
            });
        }
    }

    /// Seconds to extend `info` by, expiring at `expires`; `None` at the
    /// profile's limit.
    fn extension(&self, info: &SessionInfo, expires: SystemTime) -> Option<u32> {
        let step = self
            .settings
            .extend_by()
            .or(self.request.duration)
            .unwrap_or(info.duration)
            .max(1);
        let allowed = self
            .max_duration
            .map_or(u32::MAX, |max| max.saturating_sub(info.duration));
        let needed = match self.hold_until {
            Some(until) => {
                let left = until.duration_since(expires).unwrap_or(Duration::ZERO);
                let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                u32::try_from(seconds).unwrap_or(u32::MAX)
            }
            None => u32::MAX,
        };
        Some(step.min(allowed).min(needed)).filter(|seconds| *seconds > 0)
    }

    fn sleep_until(&self, wake: SystemTime, now: SystemTime) -> Step<KeeperReport> {
        Step::Sleep(
            wake.duration_since(now)
                .unwrap_or(Duration::ZERO)
                .max(Duration::from_millis(1)),
        )
    }

    /// Time until the next reading of a session in `status`: a REQUESTED
    /// one is read at least every second, so that the app learns soon that
    /// its QoS is there.
    fn read_interval_for(&self, status: &QosStatus) -> Duration {
        let interval = self.settings.watch().interval();
        match (status, self.settings.watch()) {
            (QosStatus::Requested, Watch::Poll { .. }) => interval.min(REQUESTED_READ),
            _ => interval,
        }
    }

    fn read_interval(&self) -> Duration {
        self.settings.watch().interval()
    }

    /// Takes in what a call ended with.
    fn absorb(&mut self, ended: Ended, now: SystemTime) {
        match ended {
            Ended::Sweep(Ok(found)) => self.absorb_sweep(found),
            Ended::Sweep(Err(error)) => self.trouble("the start-up sweep", error),
            Ended::SweepDelete(result, id) => match result {
                Ok(()) => {
                    self.report.deletes += 1;
                    self.tell(KeeperEvent::Swept(id));
                }
                Err(error) if is_not_found(&error) => {}
                Err(error) => self.trouble("deleting a session left behind", error),
            },
            Ended::Learn(Ok(profile)) => {
                let max = profile
                    .max_duration
                    .as_ref()
                    .and_then(|spec| spec.to_std())
                    .map(|max| u32::try_from(max.as_secs()).unwrap_or(u32::MAX));
                if let (Some(max), Some(duration)) = (max, self.request.duration)
                    && let Err(error) = check_duration(duration, max)
                {
                    self.give_up(error);
                }
                self.max_duration = max;
            }
            Ended::Learn(Err(error)) => self.trouble("reading the profile's maxDuration", error),
            Ended::Create(Ok(info)) => {
                self.report.creates += 1;
                self.report.last_session = Some(info.session_id);
                self.limit_told = false;
                self.next_read = now + self.read_interval_for(&info.qos_status);
                self.tell(KeeperEvent::Created(Box::new(info.clone())));
                self.session = Some((info, now));
            }
            Ended::Create(Err(error)) => {
                if let Some(CreatedResource::Session(id)) = error.created() {
                    self.remnant = Some(id);
                }
                let first = self.report.creates == 0 && self.report.recreates == 0;
                if first || !is_transient(&error) || !self.wanted {
                    self.give_up(error);
                } else {
                    self.trouble("creating the session again", error);
                    self.outage(None, OutageReason::CreateFailed, now);
                }
            }
            Ended::Read(Ok(info)) => {
                self.next_read = now + self.read_interval_for(&info.qos_status);
                let changed = self.session.as_ref().is_none_or(|(held, _)| {
                    held.qos_status != info.qos_status || held.status_info != info.status_info
                });
                if changed {
                    self.tell(KeeperEvent::StatusChanged(Box::new(info.clone())));
                }
                self.session = Some((info, now));
            }
            Ended::Read(Err(error)) if is_not_found(&error) => {
                let id = self.session.take().map(|(info, _)| info.session_id);
                self.outage(id, OutageReason::Gone, now);
            }
            Ended::Read(Err(error)) => {
                self.next_read = now + self.read_interval();
                self.trouble("reading the session", error);
            }
            Ended::Extend(Ok(info)) => self.absorb_extension(info, now),
            Ended::Extend(Err(error)) => {
                // Read it next: the reading tells whether it is still there.
                self.next_read = now;
                self.extend_after = now + self.read_interval().min(Duration::from_secs(5));
                if error.status() == Some(StatusCode::BAD_REQUEST)
                    && let Some((held, _)) = &self.session
                {
                    // Out of range: the server's limit is where it is now.
                    self.max_duration = Some(held.duration);
                }
                self.trouble("extending the session", error);
            }
            Ended::Delete(result, id) => match result {
                Ok(()) => {
                    self.report.deletes += 1;
                    self.tell(KeeperEvent::Deleted(id));
                }
                Err(error) if is_not_found(&error) => self.tell(KeeperEvent::Deleted(id)),
                Err(error) if self.wanted && is_transient(&error) => {
                    self.trouble("deleting the session lost", error);
                    self.remnant = Some(id);
                    self.create_after = now + self.settings.backoff_for(self.outages.max(1));
                    self.sub_wake = Some(self.create_after);
                }
                Err(error) => {
                    // Never silent: the error names the session left behind.
                    let left = error.naming(Some(CreatedResource::Session(id)));
                    self.failure = Some(left);
                    self.wanted = false;
                }
            },
        }
    }

    fn absorb_sweep(&mut self, found: Vec<SessionInfo>) {
        let adopt = self.settings.sweep() == Some(Sweep::Adopt);
        for info in found {
            let usable = info.qos_status != QosStatus::Unavailable
                && info.qos_profile == self.request.qos_profile;
            if adopt && usable && self.session.is_none() {
                self.report.last_session = Some(info.session_id);
                self.tell(KeeperEvent::Adopted(Box::new(info.clone())));
                self.session = Some((info, self.started));
            } else {
                self.sweep_todo.push(info.session_id);
            }
        }
    }

    fn absorb_extension(&mut self, info: SessionInfo, now: SystemTime) {
        let before = self.session.as_ref().map(|(held, _)| held.duration);
        self.next_read = now + self.read_interval();
        if before.is_some_and(|before| info.duration <= before) {
            // The server granted nothing: its limit is here.
            self.max_duration = Some(info.duration);
            self.tell_limit(info.session_id, info.duration);
        } else {
            self.report.extends += 1;
            self.tell(KeeperEvent::Extended(Box::new(info.clone())));
            if self.max_duration.is_some_and(|max| info.duration >= max) {
                self.tell_limit(info.session_id, info.duration);
            }
        }
        self.session = Some((info, now));
    }
}

/// Refuses, before anything is sent, what a [`SessionKeeper`] could never
/// hold: a request the endpoint refuses, a duration past a
/// [`MaxDuration::Given`] limit, or a cap of zero on the hold. A driver
/// that starts the keeper elsewhere (a thread, a task) calls it first, to
/// answer bad input at once.
///
/// # Errors
///
/// [`ErrorKind::Invalid`], naming the field.
pub fn check_input(
    core: &ClientCore,
    request: &CreateSession,
    settings: &KeeperSettings,
) -> Result<(), Error> {
    crate::validate::create_session(request, core.endpoint())?;
    if settings.max_total() == Some(Duration::ZERO) {
        return Err(ValidationError::new("max_total", "must be more than 0 seconds").into());
    }
    if let (MaxDuration::Given(max), Some(duration)) = (settings.max_duration(), request.duration) {
        check_duration(duration, max)?;
    }
    Ok(())
}

fn check_duration(duration: u32, max: u32) -> Result<(), Error> {
    if duration > max {
        let rule = format!("must be at most the profile's maxDuration, {max} s");
        return Err(ValidationError::new("duration", rule).into());
    }
    Ok(())
}

impl<F: FnMut(&KeeperEvent)> Machine for SessionKeeper<'_, F> {
    type Output = KeeperReport;

    fn next_step(&mut self, now: SystemTime) -> Step<KeeperReport> {
        assert!(!self.done, "SessionKeeper::next_step after Step::Done");
        assert!(
            !self.request_out,
            "SessionKeeper::next_step with a request out"
        );
        loop {
            if let Some(sub) = &mut self.sub {
                if let Some(wake) = self.sub_wake
                    && now < wake
                {
                    return self.sleep_until(wake, now);
                }
                self.sub_wake = None;
                let step = sub.step(now);
                self.between_attempts = matches!(
                    step,
                    SubStep::Go(Step::Sleep(_) | Step::WaitForToken { .. })
                );
                match step {
                    SubStep::Go(Step::Send(request)) => {
                        self.request_out = true;
                        return Step::Send(request);
                    }
                    SubStep::Go(Step::Sleep(delay)) => {
                        self.sub_wake = now.checked_add(delay);
                        return Step::Sleep(delay);
                    }
                    SubStep::Go(other) => return other,
                    SubStep::Ended(ended) => {
                        self.sub = None;
                        self.absorb(ended, now);
                    }
                }
            } else if let Some(wake) = self.sub_wake.take()
                && now < wake
            {
                // A wait the keeper set for itself (a backoff before a retry).
                self.sub_wake = Some(wake);
                return self.sleep_until(wake, now);
            }
            if self.sub.is_none()
                && let Some(step) = self.decide(now)
            {
                return step;
            }
        }
    }

    fn receive(&mut self, result: Result<Response<Vec<u8>>, TransportError>, now: SystemTime) {
        match (&mut self.sub, self.request_out) {
            (Some(sub), true) => {
                self.request_out = false;
                sub.receive(result, now);
            }
            _ => panic!("SessionKeeper::receive without a request out"),
        }
    }
}
