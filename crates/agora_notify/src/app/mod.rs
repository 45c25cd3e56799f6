//! Notify's use cases: delivering what events tell users into their inboxes (in the consumer's
//! transaction), reading and marking the caller's inbox, and the caller's muted categories. Every change to
//! an inbox publishes the user's new unread count (`notify.notifications`) in its own transaction.

mod deliver;
mod inbox;
mod preferences;
mod view;

use std::sync::Arc;

use agora_bus::Outbox;
use agora_db::Db;

pub use inbox::ListQuery;
pub use preferences::PreferencesInput;
pub use view::{CategoryView, InboxPage, NotificationView, PreferencesView, UnreadView};

use crate::config::NotifySettings;

/// The notify service's state, shared by its handlers, its consumers and its sockets.
#[derive(Clone)]
pub struct Inbox {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<NotifySettings>,
}

impl Inbox {
    pub fn new(db: Db, outbox: Outbox, settings: NotifySettings) -> Inbox {
        Inbox { db, outbox, settings: Arc::new(settings) }
    }
}
