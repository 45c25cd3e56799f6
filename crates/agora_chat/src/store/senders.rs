//! The per-sender row whose lock serializes one user's posts, wherever they arrive, so two posts at once
//! cannot both pass the rate limit.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::ChatError;

/// Takes `sender`'s row lock for the rest of the transaction (creating the row on a first post); nothing to
/// take on SQLite, where the transaction holds the whole database's.
pub async fn lock(conn: &mut AnyConnection, sender: Uuid, at: Timestamp) -> Result<(), ChatError> {
    if super::serializes_writers(conn) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO senders (user_id, last_sent_at) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET last_sent_at = excluded.last_sent_at",
    )
    .bind(sender.to_string())
    .bind(at.as_micros())
    .execute(conn)
    .await?;
    Ok(())
}
