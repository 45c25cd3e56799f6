//! A notification as the inbox keeps it, and a [`Draft`]: what an event says one user should be told.

use agora_core::Timestamp;
use uuid::Uuid;

use super::Category;

/// What one user should be told about one event, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub user_id: Uuid,
    pub category: Category,
    pub title: String,
    pub body: String,
    /// A storefront path.
    pub link: Option<String>,
}

/// A notification in a user's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: Uuid,
    pub category: Category,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}
