//! Which users have a socket open on which chat instance, and each instance's heartbeat. A user counts as
//! online anywhere while an instance recording them has beaten recently.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::placeholders;
use crate::domain::ChatError;

/// Rows per insert or delete statement.
const CHUNK: usize = 500;

/// Records that `instance` is alive at `at`.
pub async fn heartbeat(conn: &mut AnyConnection, instance: Uuid, at: Timestamp) -> Result<(), ChatError> {
    sqlx::query(
        "INSERT INTO instances (instance_id, seen_at) VALUES ($1, $2) \
         ON CONFLICT (instance_id) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .bind(instance.to_string())
    .bind(at.as_micros())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records `users` as connected to `instance`.
pub async fn add(conn: &mut AnyConnection, instance: Uuid, users: &[Uuid]) -> Result<(), ChatError> {
    for chunk in users.chunks(CHUNK) {
        let values = (0..chunk.len()).map(|i| format!("($1, ${})", i + 2)).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "INSERT INTO presence (instance_id, user_id) VALUES {values} ON CONFLICT (instance_id, user_id) DO NOTHING"
        );
        let mut query = sqlx::query(&sql).bind(instance.to_string());
        for user in chunk {
            query = query.bind(user.to_string());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Forgets `users` on `instance`.
pub async fn remove(conn: &mut AnyConnection, instance: Uuid, users: &[Uuid]) -> Result<(), ChatError> {
    for chunk in users.chunks(CHUNK) {
        let sql =
            format!("DELETE FROM presence WHERE instance_id = $1 AND user_id IN ({})", placeholders(2, chunk.len()));
        let mut query = sqlx::query(&sql).bind(instance.to_string());
        for user in chunk {
            query = query.bind(user.to_string());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Forgets `instance` and everyone on it (it is shutting down).
pub async fn forget(conn: &mut AnyConnection, instance: Uuid) -> Result<(), ChatError> {
    sqlx::query("DELETE FROM presence WHERE instance_id = $1").bind(instance.to_string()).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM instances WHERE instance_id = $1").bind(instance.to_string()).execute(conn).await?;
    Ok(())
}

/// Forgets instances silent since `before` (they stopped without saying so); how many.
pub async fn sweep(conn: &mut AnyConnection, before: Timestamp) -> Result<u64, ChatError> {
    sqlx::query("DELETE FROM presence WHERE instance_id IN (SELECT instance_id FROM instances WHERE seen_at < $1)")
        .bind(before.as_micros())
        .execute(&mut *conn)
        .await?;
    let gone = sqlx::query("DELETE FROM instances WHERE seen_at < $1").bind(before.as_micros()).execute(conn).await?;
    Ok(gone.rows_affected())
}

/// Whether an instance that beat after `since` records `user` as connected.
pub async fn is_present(conn: &mut AnyConnection, user: Uuid, since: Timestamp) -> Result<bool, ChatError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT CAST(1 AS BIGINT) FROM presence p JOIN instances i ON i.instance_id = p.instance_id \
         WHERE p.user_id = $1 AND i.seen_at > $2 LIMIT 1",
    )
    .bind(user.to_string())
    .bind(since.as_micros())
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
