//! Each user's muted categories; a user without a row muted nothing.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::{Muted, NotifyError};

pub async fn find(conn: &mut AnyConnection, user: Uuid) -> Result<Muted, NotifyError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT muted FROM preferences WHERE user_id = $1")
        .bind(user.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(muted,)| Muted::from_stored(&muted)).unwrap_or_default())
}

/// Replaces the user's muted categories.
pub async fn save(conn: &mut AnyConnection, user: Uuid, muted: &Muted) -> Result<(), NotifyError> {
    sqlx::query(
        "INSERT INTO preferences (user_id, muted, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET muted = excluded.muted, updated_at = excluded.updated_at",
    )
    .bind(user.to_string())
    .bind(muted.to_stored())
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(())
}
