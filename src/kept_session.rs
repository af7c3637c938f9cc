//! A session held on a thread of its own for as long as the handle lives:
//! the blocking driver of [`SessionKeeper`].

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use qod_core::keeper::{KeeperEvent, KeeperReport, KeeperSettings, SessionKeeper, check_input};
use qod_core::models::{CreateSession, QosStatusChangedData, SessionInfo};
use qod_core::{Clock, Error, Machine, Step, Transport};

use crate::StdClock;

/// How long dropping a [`KeptSession`] waits for its delete by default.
pub const DROP_WAIT: Duration = Duration::from_secs(10);

/// What the caller tells the keeper's thread, and what it shows back.
#[derive(Default)]
struct Control {
    stop: bool,
    notifications: Vec<QosStatusChangedData>,
    session: Option<SessionInfo>,
    finished: bool,
}

struct Shared {
    control: Mutex<Control>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Control> {
        // A panic elsewhere never leaves the control half-written: each
        // change is one assignment.
        self.control.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A QoS session held on a thread until [`KeptSession::stop`] or drop: it
/// is created, extended before expiry within the profile's `maxDuration`,
/// created again after an outage, and deleted at the end, as
/// [`SessionKeeper`] decides. `on_event` sees each step, on that thread.
///
/// Dropping it stops the keeper and waits for the delete for at most
/// [`DROP_WAIT`] (or [`KeptSession::with_drop_wait`]); past that the thread
/// goes on deleting on its own. Call [`KeptSession::stop`] to see how it
/// ended, a failed delete included.
///
/// ```no_run
/// use std::sync::Arc;
/// use qod::KeptSession;
/// use qod::core::keeper::KeeperSettings;
/// use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
///
/// let client = Arc::new(qod::ClientBuilder::new("http://127.0.0.1:9090/quality-on-demand/v1")?.build()?);
/// let request = CreateSession::new(
///     Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
///     QosProfileName::parse("QOS_E")?,
/// )
/// .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
/// .with_duration(300);
/// let held = KeptSession::start(client, request, KeeperSettings::new(), |event| eprintln!("{event}"))?;
/// // ... the video call ...
/// let report = held.stop()?;
/// println!("{} creates, {} extends, {} deletes", report.creates, report.extends, report.deletes);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct KeptSession {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<Result<KeeperReport, Error>>>,
    drop_wait: Duration,
}

impl std::fmt::Debug for KeptSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptSession")
            .field("session", &self.session().map(|s| s.session_id))
            .finish_non_exhaustive()
    }
}

impl KeptSession {
    /// Starts holding `request` through `client`, on a thread of its own.
    ///
    /// # Errors
    ///
    /// An invalid request or settings ([`qod_core::ErrorKind::Invalid`]):
    /// nothing was sent. Errors of the calls come from [`KeptSession::stop`].
    pub fn start<T: Transport + 'static>(
        client: Arc<qod_core::Client<T>>,
        request: CreateSession,
        settings: KeeperSettings,
        on_event: impl FnMut(&KeeperEvent) + Send + 'static,
    ) -> Result<Self, Error> {
        check_input(client.core(), &request, &settings)?;
        let shared = Arc::new(Shared {
            control: Mutex::new(Control::default()),
            changed: Condvar::new(),
        });
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("qod-keeper".to_owned())
            .spawn(move || {
                let outcome = hold(&client, request, settings, on_event, &for_thread);
                for_thread.lock().finished = true;
                for_thread.changed.notify_all();
                outcome
            })
            .map_err(|e| {
                let refused = qod_core::TransportError::new(
                    qod_core::Delivery::NotSent,
                    format!("cannot start the keeper's thread: {e}"),
                );
                Error::from(qod_core::ErrorKind::Transport(refused))
            })?;
        Ok(KeptSession {
            shared,
            thread: Some(thread),
            drop_wait: DROP_WAIT,
        })
    }

    /// How long dropping it waits for the delete.
    pub fn with_drop_wait(mut self, wait: Duration) -> Self {
        self.drop_wait = wait;
        self
    }

    /// The session held now, as last read.
    pub fn session(&self) -> Option<SessionInfo> {
        self.shared.lock().session.clone()
    }

    /// Whether the keeper has ended (stopped, or given up).
    pub fn is_finished(&self) -> bool {
        self.shared.lock().finished
    }

    /// Hands over a status notification the app received (the `data` of a
    /// verified event); the keeper acts on it at once.
    pub fn notify(&self, data: QosStatusChangedData) {
        self.shared.lock().notifications.push(data);
        self.shared.changed.notify_all();
    }

    /// Stops: the session is deleted (after the answer of a create under
    /// way) and the hold's report returned.
    ///
    /// # Errors
    ///
    /// The error the hold ended with: a failed delete names the session
    /// left behind ([`Error::created`]).
    pub fn stop(mut self) -> Result<KeeperReport, Error> {
        self.signal_stop();
        self.join()
    }

    /// Waits until the keeper ends by itself (the hold's cap, or giving up).
    ///
    /// # Errors
    ///
    /// As [`KeptSession::stop`].
    pub fn wait(mut self) -> Result<KeeperReport, Error> {
        self.join()
    }

    fn signal_stop(&self) {
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
    }

    fn join(&mut self) -> Result<KeeperReport, Error> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(outcome)) => outcome,
            Some(Err(_)) | None => {
                let broken = qod_core::TransportError::new(
                    qod_core::Delivery::Fatal,
                    "the keeper's thread ended by a panic",
                );
                Err(qod_core::ErrorKind::Transport(broken).into())
            }
        }
    }
}

impl Drop for KeptSession {
    fn drop(&mut self) {
        if self.thread.is_none() {
            return;
        }
        self.signal_stop();
        let deadline = Instant::now() + self.drop_wait;
        let mut control = self.shared.lock();
        while !control.finished {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return;
            };
            control = self
                .shared
                .changed
                .wait_timeout(control, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// The keeper's thread: the driver loop, woken early by a stop or a
/// notification.
fn hold<T: Transport>(
    client: &qod_core::Client<T>,
    request: CreateSession,
    settings: KeeperSettings,
    on_event: impl FnMut(&KeeperEvent),
    shared: &Shared,
) -> Result<KeeperReport, Error> {
    let clock = StdClock;
    let mut keeper = SessionKeeper::new(client.core(), request, settings, clock.now(), on_event)?;
    loop {
        {
            let mut control = shared.lock();
            if control.stop {
                keeper.stop();
            }
            for data in control.notifications.drain(..) {
                keeper.notify(&data, clock.now());
            }
            control.session = keeper.session().cloned();
        }
        match keeper.next_step(clock.now()) {
            Step::Send(request) => {
                let answer = client.transport().send(request);
                keeper.receive(answer, clock.now());
            }
            Step::Sleep(delay) => {
                let deadline = Instant::now() + delay;
                let mut control = shared.lock();
                loop {
                    let news = (control.stop && !keeper.is_stopping())
                        || !control.notifications.is_empty();
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        break;
                    };
                    if news || left.is_zero() {
                        break;
                    }
                    control = shared
                        .changed
                        .wait_timeout(control, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
            Step::WaitForToken { wait, at_most } => clock.wait_for_token(wait, at_most),
            Step::Done(outcome) => return outcome,
        }
    }
}
