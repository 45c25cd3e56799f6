//! What the API and the sockets show: notifications, inbox pages, unread counts and preferences.

use agora_core::Cursor;
use agora_events::notify::NotificationCreated;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{Category, Muted, Notification};

/// A notification as clients see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    /// `orders`, `messages`, `account`, `products` or `wishlist`.
    pub category: String,
    pub title: String,
    pub body: String,
    /// A storefront path to follow, such as `/orders/<id>`.
    pub link: Option<String>,
    pub read: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<&Notification> for NotificationView {
    fn from(n: &Notification) -> Self {
        NotificationView {
            id: n.id,
            category: n.category.as_str().to_owned(),
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            read: n.read_at.is_some(),
            created_at: n.created_at.to_rfc3339(),
        }
    }
}

impl From<&NotificationCreated> for NotificationView {
    fn from(n: &NotificationCreated) -> Self {
        NotificationView {
            id: n.notification_id,
            category: n.category.clone(),
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            read: false,
            created_at: n.created_at.to_rfc3339(),
        }
    }
}

/// One page of the caller's inbox, newest first, with their unread count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxPage {
    pub items: Vec<NotificationView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<Cursor>,
    /// The caller's unread notifications, over the whole inbox.
    pub unread: i64,
}

/// The caller's unread count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnreadView {
    pub unread: i64,
}

/// The caller's notification preferences: every category, and whether it is muted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreferencesView {
    pub categories: Vec<CategoryView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryView {
    /// `orders`, `messages`, `account`, `products` or `wishlist`.
    pub name: String,
    /// How to show it.
    pub label: String,
    /// Muted: its events make no notification (nor email).
    pub muted: bool,
}

impl From<&Muted> for PreferencesView {
    fn from(muted: &Muted) -> Self {
        let categories = Category::ALL
            .into_iter()
            .map(|c| CategoryView {
                name: c.as_str().to_owned(),
                label: c.label().to_owned(),
                muted: muted.contains(c),
            })
            .collect();
        PreferencesView { categories }
    }
}
