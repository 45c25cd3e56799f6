//! The caller's inbox: a page of it, the unread count, what came after a notification (a socket catching
//! up), and marking one or all read. The user is always the caller; another user's notification is not found.

use agora_core::{Cursor, Page, PageSize, Timestamp};
use agora_events::notify::{NotificationsRead, NotifyEvent};
use agora_http::Caller;
use uuid::Uuid;

use super::Inbox;
use super::view::{InboxPage, NotificationView};
use crate::domain::NotifyError;
use crate::store::notifications;

/// Most notifications a socket catching up gets at once.
pub const CATCH_UP_LIMIT: i64 = 100;

/// Which page of the inbox, parsed from the query.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
    pub unread_only: bool,
}

impl Inbox {
    /// A page of the caller's notifications, newest first.
    pub async fn list(&self, caller: &Caller, query: &ListQuery) -> Result<InboxPage, NotifyError> {
        let before: Option<(i64, String)> =
            query.cursor.as_ref().map(Cursor::decode).transpose().map_err(|_| NotifyError::BadCursor)?;
        let size = PageSize::clamp(Some(query.limit.unwrap_or(self.settings.page_size)));
        let user = caller.user_id;
        let mut conn = self.db.pool().acquire().await?;
        let rows = notifications::list(&mut conn, user, before, query.unread_only, size.fetch_limit()).await?;
        let unread = notifications::unread(&mut conn, user).await?;
        let page = Page::from_rows(rows, size, |n| (n.created_at.as_micros(), n.id.to_string()));
        Ok(InboxPage {
            items: page.items.iter().map(NotificationView::from).collect(),
            next_cursor: page.next_cursor,
            unread,
        })
    }

    /// The user's unread count.
    pub async fn unread(&self, user: Uuid) -> Result<i64, NotifyError> {
        let mut conn = self.db.pool().acquire().await?;
        notifications::unread(&mut conn, user).await
    }

    /// The user's notifications created after their notification `after`, oldest first (at most 100).
    pub async fn after(&self, user: Uuid, after: Uuid) -> Result<Vec<NotificationView>, NotifyError> {
        let mut conn = self.db.pool().acquire().await?;
        let seen = notifications::find(&mut conn, user, after).await?.ok_or(NotifyError::NotificationNotFound)?;
        let rows = notifications::after(&mut conn, user, &seen, CATCH_UP_LIMIT).await?;
        Ok(rows.iter().map(NotificationView::from).collect())
    }

    /// Marks the caller's notification read (again: no change) and publishes their new unread count.
    pub async fn mark_read(&self, caller: &Caller, id: Uuid) -> Result<NotificationView, NotifyError> {
        let user = caller.user_id;
        let mut tx = self.db.begin().await?;
        let mut notification =
            notifications::find(&mut tx, user, id).await?.ok_or(NotifyError::NotificationNotFound)?;
        if notification.read_at.is_none() {
            notifications::take_turn(&mut tx, user).await?;
            let at = Timestamp::now();
            if notifications::mark_read(&mut tx, user, id, at).await? {
                let unread = notifications::unread(&mut tx, user).await?;
                let read = NotificationsRead { user_id: user, notification_id: Some(id), unread, at };
                self.outbox.emit(&mut tx, &NotifyEvent::Read(read)).await?;
            }
            notification.read_at = Some(at);
        }
        tx.commit().await?;
        Ok(NotificationView::from(&notification))
    }

    /// Marks all the caller's notifications read; the unread count afterwards (0).
    pub async fn mark_all_read(&self, caller: &Caller) -> Result<i64, NotifyError> {
        let user = caller.user_id;
        let mut tx = self.db.begin().await?;
        notifications::take_turn(&mut tx, user).await?;
        let at = Timestamp::now();
        let marked = notifications::mark_all_read(&mut tx, user, at).await?;
        let unread = notifications::unread(&mut tx, user).await?;
        if marked > 0 {
            let read = NotificationsRead { user_id: user, notification_id: None, unread, at };
            self.outbox.emit(&mut tx, &NotifyEvent::Read(read)).await?;
        }
        tx.commit().await?;
        Ok(unread)
    }
}
