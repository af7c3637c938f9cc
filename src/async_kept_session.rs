//! A session held by a task the caller spawns, on any runtime: the async
//! driver of [`SessionKeeper`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use qod_core::keeper::{KeeperEvent, KeeperReport, KeeperSettings, SessionKeeper, check_input};
use qod_core::models::{CreateSession, QosStatusChangedData, SessionInfo};
use qod_core::{AsyncClient, AsyncTransport, Error, Machine, Step};

#[derive(Default)]
struct Control {
    stop: bool,
    notifications: Vec<QosStatusChangedData>,
    session: Option<SessionInfo>,
    outcome: Option<Result<KeeperReport, Error>>,
    finished: bool,
    /// The task, waiting for a sleep to end or for news.
    task: Option<Waker>,
    /// [`AsyncKeptSession::stop`], waiting for the outcome.
    stopper: Option<Waker>,
}

#[derive(Default)]
struct Shared(Mutex<Control>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Control> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wake_task(&self) {
        if let Some(waker) = self.lock().task.take() {
            waker.wake();
        }
    }
}

/// The task that holds the session: spawn it on your runtime
/// (`tokio::spawn(task)`) or await it beside your work. It ends when the
/// hold does.
#[must_use = "the session is held only while the task runs"]
pub struct KeeperTask(Pin<Box<dyn Future<Output = ()> + Send>>);

impl Future for KeeperTask {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for KeeperTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeeperTask")
    }
}

/// A QoS session held by a [`KeeperTask`] until [`AsyncKeptSession::stop`]:
/// created, extended before expiry within the profile's `maxDuration`,
/// created again after an outage, and deleted at the end, as
/// [`SessionKeeper`] decides.
///
/// Dropped without `stop`, it tells the task to stop: the task deletes the
/// session and ends, for as long as the runtime goes on polling it. If the
/// runtime drops the task first (it shuts down), the session is left until
/// it expires: await `stop` before shutting down.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use qod::AsyncKeptSession;
/// use qod::core::keeper::KeeperSettings;
/// use qod::models::{ApplicationServer, CreateSession, Device, PhoneNumber, QosProfileName};
///
/// let client = Arc::new(qod::AsyncClientBuilder::new("http://127.0.0.1:9090/quality-on-demand/v1")?.build()?);
/// let request = CreateSession::new(
///     Device::with_phone_number(PhoneNumber::parse("+14255550100")?),
///     QosProfileName::parse("QOS_E")?,
/// )
/// .with_application_server(ApplicationServer::ipv4("198.51.100.10".parse()?))
/// .with_duration(300);
/// let (held, task) = AsyncKeptSession::start(client, request, KeeperSettings::new(), |event| eprintln!("{event}"))?;
/// tokio::spawn(task);
/// // ... the match ...
/// let report = held.stop().await?;
/// println!("{} extends", report.extends);
/// # Ok(()) }
/// ```
pub struct AsyncKeptSession {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for AsyncKeptSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncKeptSession")
            .field("session", &self.session().map(|s| s.session_id))
            .finish_non_exhaustive()
    }
}

impl AsyncKeptSession {
    /// A handle and the task that holds `request` through `client`.
    ///
    /// # Errors
    ///
    /// An invalid request or settings: nothing was sent.
    pub fn start<T: AsyncTransport + 'static>(
        client: Arc<AsyncClient<T>>,
        request: CreateSession,
        settings: KeeperSettings,
        on_event: impl FnMut(&KeeperEvent) + Send + 'static,
    ) -> Result<(Self, KeeperTask), Error> {
        check_input(client.core(), &request, &settings)?;
        let shared = Arc::new(Shared::default());
        let for_task = Arc::clone(&shared);
        let task = async move {
            let outcome = hold(&client, request, settings, on_event, &for_task).await;
            let stopper = {
                let mut control = for_task.lock();
                control.outcome = Some(outcome);
                control.finished = true;
                control.stopper.take()
            };
            if let Some(waker) = stopper {
                waker.wake();
            }
        };
        Ok((AsyncKeptSession { shared }, KeeperTask(Box::pin(task))))
    }

    /// The session held now, as last read.
    pub fn session(&self) -> Option<SessionInfo> {
        self.shared.lock().session.clone()
    }

    /// Whether the hold has ended.
    pub fn is_finished(&self) -> bool {
        self.shared.lock().finished
    }

    /// Hands over a status notification the app received.
    pub fn notify(&self, data: QosStatusChangedData) {
        self.shared.lock().notifications.push(data);
        self.shared.wake_task();
    }

    /// Stops: the session is deleted (after the answer of a create under
    /// way); resolves with the hold's report once the task has ended.
    ///
    /// # Errors
    ///
    /// The error the hold ended with: a failed delete names the session
    /// left behind ([`Error::created`]).
    pub async fn stop(self) -> Result<KeeperReport, Error> {
        self.shared.lock().stop = true;
        self.shared.wake_task();
        self.outcome().await
    }

    /// Resolves when the hold ends by itself (its cap, or giving up).
    ///
    /// # Errors
    ///
    /// As [`AsyncKeptSession::stop`].
    pub async fn wait(self) -> Result<KeeperReport, Error> {
        self.outcome().await
    }

    async fn outcome(&self) -> Result<KeeperReport, Error> {
        std::future::poll_fn(|cx| {
            let mut control = self.shared.lock();
            match control.outcome.take() {
                Some(outcome) => Poll::Ready(outcome),
                None => {
                    control.stopper = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}

impl Drop for AsyncKeptSession {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake_task();
    }
}

/// The task's loop, woken early by a stop or a notification.
async fn hold<T: AsyncTransport>(
    client: &AsyncClient<T>,
    request: CreateSession,
    settings: KeeperSettings,
    on_event: impl FnMut(&KeeperEvent) + Send,
    shared: &Shared,
) -> Result<KeeperReport, Error> {
    let clock = client.clock();
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
        let awaited = match keeper.next_step(clock.now()) {
            Step::Send(request) => Awaited::Send(request),
            Step::Sleep(delay) => Awaited::Sleep(clock.sleep(delay)),
            Step::WaitForToken { wait, at_most } => Awaited::Token(wait, clock.sleep(at_most)),
            Step::Done(outcome) => return outcome,
        };
        match awaited {
            Awaited::Send(request) => {
                let answer = client.transport().send(request).await;
                keeper.receive(answer, clock.now());
            }
            Awaited::Sleep(mut timer) => {
                let stopping = keeper.is_stopping();
                std::future::poll_fn(|cx| {
                    if timer.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(());
                    }
                    let mut control = shared.lock();
                    if (control.stop && !stopping) || !control.notifications.is_empty() {
                        return Poll::Ready(());
                    }
                    control.task = Some(cx.waker().clone());
                    Poll::Pending
                })
                .await;
            }
            Awaited::Token(mut wait, mut timer) => {
                std::future::poll_fn(|cx| {
                    if Pin::new(&mut wait).poll(cx).is_ready() || timer.as_mut().poll(cx).is_ready()
                    {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                })
                .await;
            }
        }
    }
}

/// What the loop awaits, taken apart from the step before any await.
#[allow(clippy::large_enum_variant)] // one at a time; a boxed request would cost an allocation
enum Awaited {
    Send(qod_core::http::Request<Vec<u8>>),
    Sleep(Pin<Box<dyn Future<Output = ()> + Send>>),
    Token(
        qod_core::auth::TokenWait,
        Pin<Box<dyn Future<Output = ()> + Send>>,
    ),
}
