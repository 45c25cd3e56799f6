//! Live push. Every instance follows `notify.notifications` (outside any consumer group, so each sees every
//! event) and pushes each one to the sockets of the user it concerns that this instance holds — never to
//! anyone else's: a new notification as `{"type":"notification","notification":..,"unread":n}`, a read mark
//! as `{"type":"unread","unread":n}`.
//!
//! A socket opens with the user's unread count; `{"type":"resume","after":"<notification id>"}` answers the
//! user's notifications created after that one (oldest first, at most 100), so a page that reconnects gets
//! what it missed.

use agora_bus::Bus;
use agora_bus::follow::{Attached, follow};
use agora_events::notify::NotifyEvent;
use agora_events::{Envelope, TopicEvents};
use agora_http::Caller;
use agora_http::live::{Frame, Hub, LiveHandler, error_frame, frame};
use async_trait::async_trait;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::app::{Inbox, NotificationView};
use crate::domain::NotifyError;
use crate::metrics;

/// `{"type":"unread","unread":n}`.
fn unread_frame(unread: i64) -> Frame {
    frame(&json!({ "type": "unread", "unread": unread }))
}

/// `{"type":"notification","notification":..,"unread":n}`.
fn notification_frame(notification: &NotificationView, unread: i64) -> Frame {
    frame(&json!({ "type": "notification", "notification": notification, "unread": unread }))
}

/// Follows `notify.notifications` until `shutdown`, pushing each event to its user's sockets here.
pub async fn push(bus: Bus, hub: Hub, attached: Attached, shutdown: CancellationToken) {
    follow(bus, vec![NotifyEvent::TOPIC.to_owned()], attached, shutdown, move |event| on_event(&hub, &event)).await;
}

fn on_event(hub: &Hub, event: &Envelope) {
    let (user, kind, make): (Uuid, &'static str, Box<dyn FnOnce() -> Frame>) = match event.decode::<NotifyEvent>() {
        Ok(Some(NotifyEvent::Created(created))) => (
            created.user_id,
            "notification",
            Box::new(move || notification_frame(&NotificationView::from(&created), created.unread)),
        ),
        Ok(Some(NotifyEvent::Read(read))) => (read.user_id, "unread", Box::new(move || unread_frame(read.unread))),
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(error = %err, event.id = %event.id, "skipping an unreadable notify event");
            return;
        }
    };
    // Most events concern users with no page open here: build the frame only for one who has.
    if hub.is_connected(user) {
        let sockets = hub.send(user, make());
        metrics::pushed(kind, sockets);
    }
}

/// What notify's sockets do besides pushing.
pub struct NotifySockets {
    pub inbox: Inbox,
}

#[async_trait]
impl LiveHandler for NotifySockets {
    async fn on_open(&self, caller: &Caller) -> Vec<Frame> {
        match self.inbox.unread(caller.user_id).await {
            Ok(unread) => vec![unread_frame(unread)],
            Err(err) => {
                tracing::warn!(error = %err, "the unread count of a new socket cannot be read");
                vec![error_frame("unavailable", "the unread count cannot be read right now")]
            }
        }
    }

    async fn on_message(&self, caller: &Caller, message: Value) -> Vec<Frame> {
        match message["type"].as_str() {
            Some("resume") => self.resume(caller, &message).await,
            _ => vec![error_frame("unknown_type", "notify's sockets understand \"resume\" and \"auth\" frames")],
        }
    }
}

impl NotifySockets {
    /// The caller's notifications after the one the client saw last, as "notification" frames.
    async fn resume(&self, caller: &Caller, message: &Value) -> Vec<Frame> {
        let after = message["after"].as_str().and_then(|id| Uuid::parse_str(id).ok());
        let Some(after) = after else {
            return vec![error_frame("invalid_frame", "resume needs \"after\": the id of a notification")];
        };
        let (missed, unread) = match self.inbox.after(caller.user_id, after).await {
            Ok(missed) if missed.is_empty() => return Vec::new(),
            Ok(missed) => match self.inbox.unread(caller.user_id).await {
                Ok(unread) => (missed, unread),
                Err(err) => return unavailable(&err),
            },
            Err(NotifyError::NotificationNotFound) => {
                return vec![error_frame("not_found", "no such notification among yours")];
            }
            Err(err) => return unavailable(&err),
        };
        missed.iter().map(|n| notification_frame(n, unread)).collect()
    }
}

fn unavailable(err: &NotifyError) -> Vec<Frame> {
    tracing::warn!(error = %err, "a socket's catch-up failed");
    vec![error_frame("unavailable", "missed notifications cannot be read right now; try again")]
}
