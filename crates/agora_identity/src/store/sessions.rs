//! Sessions and their refresh tokens. A session is a family: each refresh uses one token and adds the next.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::IdentityError;

pub async fn create(conn: &mut AnyConnection, session_id: Uuid, user_id: Uuid) -> Result<(), IdentityError> {
    let now = Timestamp::now().as_micros();
    sqlx::query("INSERT INTO sessions (id, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)")
        .bind(session_id.to_string())
        .bind(user_id.to_string())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds the next refresh token of a session that is still live; [`IdentityError::SessionEnded`] otherwise.
pub async fn add_token(
    conn: &mut AnyConnection,
    session_id: Uuid,
    token_hash: &str,
    expires_at: Timestamp,
) -> Result<(), IdentityError> {
    let now = Timestamp::now().as_micros();
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(session_id.to_string())
        .bind(now)
        .bind(expires_at.as_micros())
        .execute(&mut *conn)
        .await?;
    // Conditional, so a sign-out or a disable that committed first wins (PostgreSQL re-checks the condition
    // after waiting for their row lock).
    let live = sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(session_id.to_string())
        .execute(conn)
        .await?;
    if live.rows_affected() == 0 {
        return Err(IdentityError::SessionEnded);
    }
    Ok(())
}

/// A presented refresh token, as stored.
#[derive(Debug)]
pub struct StoredToken {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
    pub session_revoked: bool,
}

type TokenRow = (String, String, i64, Option<i64>, Option<i64>);

pub async fn find_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<StoredToken>, IdentityError> {
    let row: Option<TokenRow> = sqlx::query_as(
        "SELECT t.session_id, s.user_id, t.expires_at, t.used_at, s.revoked_at \
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.map(|(session, user, expires, used, revoked)| {
        Ok(StoredToken {
            session_id: uuid(&session)?,
            user_id: uuid(&user)?,
            expires_at: Timestamp::from_micros(expires),
            used_at: used.map(Timestamp::from_micros),
            session_revoked: revoked.is_some(),
        })
    })
    .transpose()
}

/// Marks a token used; `false` when someone used it first (a race, treated as reuse).
pub async fn use_token(conn: &mut AnyConnection, token_hash: &str) -> Result<bool, IdentityError> {
    let result = sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(Timestamp::now().as_micros())
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn revoke(conn: &mut AnyConnection, session_id: Uuid, reason: &str) -> Result<(), IdentityError> {
    sqlx::query("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(Timestamp::now().as_micros())
        .bind(reason)
        .bind(session_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes one session, only if it belongs to `user_id`.
pub async fn revoke_of_user(
    conn: &mut AnyConnection,
    user_id: Uuid,
    session_id: Uuid,
    reason: &str,
) -> Result<(), IdentityError> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE id = $3 AND user_id = $4 AND revoked_at IS NULL",
    )
    .bind(Timestamp::now().as_micros())
    .bind(reason)
    .bind(session_id.to_string())
    .bind(user_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes every session of a user but `keep`.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> Result<(), IdentityError> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND revoked_at IS NULL AND id <> $4",
    )
    .bind(Timestamp::now().as_micros())
    .bind(reason)
    .bind(user_id.to_string())
    .bind(keep.map(|id| id.to_string()).unwrap_or_default())
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes tokens and sessions that can no longer be used.
pub async fn forget_expired(conn: &mut AnyConnection, now: Timestamp) -> Result<u64, IdentityError> {
    let tokens = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
        .bind(now.as_micros())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query(
        "DELETE FROM sessions WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = sessions.id)",
    )
    .execute(conn)
    .await?;
    Ok(tokens)
}
