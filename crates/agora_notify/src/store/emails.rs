//! The email outbox: one pending row per notification to email, claimed by one sender at a time (a claim
//! moves the row's next attempt past the attempt, conditionally, so two instances never send it twice at
//! once), then marked sent, rescheduled after a failure, or given up.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::NotifyError;

/// An email waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEmail {
    pub notification_id: Uuid,
    pub user_id: Uuid,
    pub subject: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
    pub next_attempt_at: i64,
}

/// Queues the email of a notification (once per notification).
pub async fn insert(
    conn: &mut AnyConnection,
    notification: Uuid,
    user: Uuid,
    subject: &str,
    body: &str,
    at: Timestamp,
) -> Result<(), NotifyError> {
    sqlx::query(
        "INSERT INTO emails (notification_id, user_id, subject, body, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) ON CONFLICT (notification_id) DO NOTHING",
    )
    .bind(notification.to_string())
    .bind(user.to_string())
    .bind(subject)
    .bind(body)
    .bind(at.as_micros())
    .execute(conn)
    .await?;
    Ok(())
}

/// Pending emails due by `now`, oldest first.
pub async fn due(conn: &mut AnyConnection, now: Timestamp, limit: i64) -> Result<Vec<PendingEmail>, NotifyError> {
    let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT notification_id, user_id, subject, body, attempts, next_attempt_at FROM emails \
         WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, notification_id LIMIT $2",
    )
    .bind(now.as_micros())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, user, subject, body, attempts, next_attempt_at)| {
            Ok(PendingEmail {
                notification_id: uuid(&id)?,
                user_id: uuid(&user)?,
                subject,
                body,
                attempts,
                next_attempt_at,
            })
        })
        .collect()
}

/// Claims the email for one attempt, until `until` (when another sender may try it if this one vanished);
/// false when another sender claimed it first.
pub async fn claim(conn: &mut AnyConnection, email: &PendingEmail, until: Timestamp) -> Result<bool, NotifyError> {
    let done = sqlx::query(
        "UPDATE emails SET attempts = attempts + 1, next_attempt_at = $3 \
         WHERE notification_id = $1 AND status = 'pending' AND next_attempt_at = $2",
    )
    .bind(email.notification_id.to_string())
    .bind(email.next_attempt_at)
    .bind(until.as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_sent(conn: &mut AnyConnection, id: Uuid, at: Timestamp) -> Result<(), NotifyError> {
    sqlx::query("UPDATE emails SET status = 'sent', sent_at = $2, last_error = NULL WHERE notification_id = $1")
        .bind(id.to_string())
        .bind(at.as_micros())
        .execute(conn)
        .await?;
    Ok(())
}

/// After a failed attempt: try again at `next`.
pub async fn retry_at(conn: &mut AnyConnection, id: Uuid, next: Timestamp, error: &str) -> Result<(), NotifyError> {
    sqlx::query("UPDATE emails SET next_attempt_at = $2, last_error = $3 WHERE notification_id = $1")
        .bind(id.to_string())
        .bind(next.as_micros())
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}

/// After the last attempt failed: no more tries.
pub async fn give_up(conn: &mut AnyConnection, id: Uuid, error: &str) -> Result<(), NotifyError> {
    sqlx::query("UPDATE emails SET status = 'failed', last_error = $2 WHERE notification_id = $1")
        .bind(id.to_string())
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}
