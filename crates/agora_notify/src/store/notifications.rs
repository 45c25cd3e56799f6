//! Notifications: stored once per user and source event (the unique key decides), read back newest first or
//! after one of them, counted while unread, and marked read. Every write to a user's inbox first takes that
//! user's turn ([`take_turn`]), so the unread count it reads afterwards is exact.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::uuid;
use crate::domain::{Category, Notification, NotifyError};

const COLUMNS: &str = "id, user_id, category, title, body, link, created_at, read_at";

/// Waits for the user's inbox to be free and holds it until the transaction ends (a row lock on
/// PostgreSQL; SQLite has one writer at a time anyway).
pub async fn take_turn(conn: &mut AnyConnection, user: Uuid) -> Result<(), NotifyError> {
    sqlx::query(
        "INSERT INTO inboxes (user_id, writes) VALUES ($1, 1) \
         ON CONFLICT (user_id) DO UPDATE SET writes = inboxes.writes + 1",
    )
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores the notification unless this user was told of `source_event` already; true when stored.
pub async fn insert(conn: &mut AnyConnection, n: &Notification, source_event: Uuid) -> Result<bool, NotifyError> {
    let done = sqlx::query(
        "INSERT INTO notifications (id, user_id, source_event_id, category, title, body, link, created_at, read_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) ON CONFLICT (user_id, source_event_id) DO NOTHING",
    )
    .bind(n.id.to_string())
    .bind(n.user_id.to_string())
    .bind(source_event.to_string())
    .bind(n.category.as_str())
    .bind(&n.title)
    .bind(&n.body)
    .bind(n.link.clone())
    .bind(n.created_at.as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user's notification `id`; `None` when there is none, or it is another user's.
pub async fn find(conn: &mut AnyConnection, user: Uuid, id: Uuid) -> Result<Option<Notification>, NotifyError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM notifications WHERE user_id = $1 AND id = $2"))
        .bind(user.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(notification).transpose()
}

/// The user's notifications, newest first, before the cursor `(created_at, id)`; only unread ones when
/// `unread_only`. One more than `limit` tells whether there is a next page.
pub async fn list(
    conn: &mut AnyConnection,
    user: Uuid,
    before: Option<(i64, String)>,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<Notification>, NotifyError> {
    let (at, id) = before.unwrap_or((i64::MAX, "~".to_owned()));
    let unread = if unread_only { "AND read_at IS NULL" } else { "" };
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 {unread} \
         AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    ))
    .bind(user.to_string())
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(notification).collect()
}

/// The user's notifications created after `after`, oldest first, at most `limit`.
pub async fn after(
    conn: &mut AnyConnection,
    user: Uuid,
    after: &Notification,
    limit: i64,
) -> Result<Vec<Notification>, NotifyError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 \
         AND (created_at > $2 OR (created_at = $2 AND id > $3)) \
         ORDER BY created_at, id LIMIT $4"
    ))
    .bind(user.to_string())
    .bind(after.created_at.as_micros())
    .bind(after.id.to_string())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(notification).collect()
}

/// How many of the user's notifications are unread.
pub async fn unread(conn: &mut AnyConnection, user: Uuid) -> Result<i64, NotifyError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.to_string())
        .fetch_one(conn)
        .await?;
    Ok(count)
}

/// Marks the user's notification read; true when it was unread.
pub async fn mark_read(conn: &mut AnyConnection, user: Uuid, id: Uuid, at: Timestamp) -> Result<bool, NotifyError> {
    let done = sqlx::query("UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id = $2 AND read_at IS NULL")
        .bind(user.to_string())
        .bind(id.to_string())
        .bind(at.as_micros())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks every unread notification of the user read; how many were.
pub async fn mark_all_read(conn: &mut AnyConnection, user: Uuid, at: Timestamp) -> Result<u64, NotifyError> {
    let done = sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.to_string())
        .bind(at.as_micros())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

fn notification(row: &AnyRow) -> Result<Notification, NotifyError> {
    use sqlx::Row;
    let category: String = row.try_get("category")?;
    Ok(Notification {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        user_id: uuid(&row.try_get::<String, _>("user_id")?)?,
        category: Category::parse(&category)
            .ok_or_else(|| NotifyError::Internal(format!("stored category {category:?}")))?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        link: row.try_get("link")?,
        created_at: Timestamp::from_micros(row.try_get("created_at")?),
        read_at: row.try_get::<Option<i64>, _>("read_at")?.map(Timestamp::from_micros),
    })
}
