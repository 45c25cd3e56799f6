//! Events of the notify service, keyed by the user they concern. Every notify instance follows the topic
//! to push a user's notifications and unread count to the pages that user has open on that instance.

use agora_core::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A notification entered a user's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NotificationCreated {
    pub notification_id: Uuid,
    pub user_id: Uuid,
    /// `orders`, `messages`, `account`, `products` or `wishlist`: what a user can mute.
    pub category: String,
    pub title: String,
    pub body: String,
    /// A storefront path to follow, such as `/orders/<id>`.
    pub link: Option<String>,
    pub created_at: Timestamp,
    /// The user's unread count after this notification.
    pub unread: i64,
}

/// A user marked notifications read (one, or all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NotificationsRead {
    pub user_id: Uuid,
    /// The notification marked read; absent when all were.
    pub notification_id: Option<Uuid>,
    /// The user's unread count afterwards.
    pub unread: i64,
    pub at: Timestamp,
}

subject_is!(user_id: NotificationCreated, NotificationsRead);

crate::topic! {
    /// Each user's new notifications and read marks, keyed by user id.
    pub enum NotifyEvent = "notify.notifications" {
        Created(NotificationCreated) = "agora.notify.notification_created.v1",
        Read(NotificationsRead) = "agora.notify.notifications_read.v1",
    }
}
