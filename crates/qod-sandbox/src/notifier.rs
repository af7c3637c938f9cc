//! Delivers notifications from a thread of its own, so that a slow or dead
//! receiver never holds up the API.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use qod_models::{CLOUDEVENTS_CONTENT_TYPE, QosStatusChangedEvent};

use crate::stats::{Counters, bump};

/// An event to POST, and where.
#[derive(Debug, Clone)]
pub(crate) struct Notification {
    pub(crate) url: String,
    pub(crate) token: Option<String>,
    pub(crate) event: Event,
}

/// A session's event or an assignment's, written as the event itself.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Event {
    Session(QosStatusChangedEvent),
    Assignment(qod_models::AssignmentStatusChangedEvent),
}

/// Hands notifications to the delivery thread. Clones share the thread,
/// which ends when the last clone is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Notifier {
    sender: Sender<Notification>,
}

impl Notifier {
    /// Starts the delivery thread.
    pub(crate) fn start(counters: Arc<Counters>) -> Notifier {
        let (sender, receiver) = channel();
        std::thread::Builder::new()
            .name("qod-sandbox-notifier".to_owned())
            .spawn(move || deliver_all(&receiver, &counters))
            .map_err(|e| log::error!("cannot start the notification thread: {e}"))
            .ok();
        Notifier { sender }
    }

    /// Hands `due` to the delivery thread, in order.
    pub(crate) fn send(&self, due: impl IntoIterator<Item = Notification>) {
        for notification in due {
            if self.sender.send(notification).is_err() {
                log::warn!("the notification thread is gone; dropping a notification");
            }
        }
    }
}

fn deliver_all(receiver: &Receiver<Notification>, counters: &Counters) {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(3)))
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .build();
    let agent = ureq::Agent::new_with_config(config);
    for notification in receiver {
        let body = match serde_json::to_vec(&notification.event) {
            Ok(body) => body,
            Err(e) => {
                log::warn!("cannot encode a notification: {e}");
                continue;
            }
        };
        let mut request = agent
            .post(&notification.url)
            .header("content-type", CLOUDEVENTS_CONTENT_TYPE);
        if let Some(token) = &notification.token {
            request = request.header("authorization", &format!("Bearer {token}"));
        }
        match request.send(&body[..]) {
            Ok(response) if response.status().is_success() => {
                bump(&counters.notifications_delivered)
            }
            Ok(response) => {
                bump(&counters.notifications_failed);
                log::warn!(
                    "notification to {} answered {}",
                    notification.url,
                    response.status()
                );
            }
            Err(e) => {
                bump(&counters.notifications_failed);
                log::warn!("notification to {} failed: {e}", notification.url);
            }
        }
    }
}
