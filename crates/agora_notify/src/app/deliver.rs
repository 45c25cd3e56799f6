//! Delivering an event's [`Draft`]s, in the consumer's transaction: a muted category is dropped (counted),
//! anything else is stored once per user and source event, its `notification_created` event (with the
//! user's unread count after it) written to the outbox, and, when email is on, its email queued.

use agora_core::{Timestamp, new_id};
use agora_db::Tx;
use agora_events::notify::{NotificationCreated, NotifyEvent};
use uuid::Uuid;

use super::Inbox;
use crate::domain::{Draft, Notification, NotifyError};
use crate::email;
use crate::metrics;
use crate::store::{emails, notifications, preferences};

impl Inbox {
    /// Delivers what `source_event` tells each user; how many notifications were stored (none for a
    /// muted category, nor for a user told of this event already).
    pub async fn deliver(&self, tx: &mut Tx, source_event: Uuid, drafts: Vec<Draft>) -> Result<usize, NotifyError> {
        let mut stored = 0;
        for draft in drafts {
            if preferences::find(tx, draft.user_id).await?.contains(draft.category) {
                metrics::muted();
                tracing::debug!(user.id = %draft.user_id, category = %draft.category, "muted: not notified");
                continue;
            }
            notifications::take_turn(tx, draft.user_id).await?;
            let notification = Notification {
                id: new_id(),
                user_id: draft.user_id,
                category: draft.category,
                title: draft.title,
                body: draft.body,
                link: draft.link,
                created_at: Timestamp::now(),
                read_at: None,
            };
            if !notifications::insert(tx, &notification, source_event).await? {
                tracing::debug!(user.id = %notification.user_id, event.id = %source_event, "told of this event already");
                continue;
            }
            let unread = notifications::unread(tx, notification.user_id).await?;
            let created = NotificationCreated {
                notification_id: notification.id,
                user_id: notification.user_id,
                category: notification.category.as_str().to_owned(),
                title: notification.title.clone(),
                body: notification.body.clone(),
                link: notification.link.clone(),
                created_at: notification.created_at,
                unread,
            };
            self.outbox.emit(tx, &NotifyEvent::Created(created)).await?;
            if self.settings.email.enabled {
                let body = email::text_of(&notification, &self.settings.email.site_url);
                let (id, user) = (notification.id, notification.user_id);
                emails::insert(tx, id, user, &notification.title, &body, notification.created_at).await?;
            }
            metrics::created(notification.category);
            stored += 1;
        }
        Ok(stored)
    }
}
