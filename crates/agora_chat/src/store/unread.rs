//! A user's unread messages: those from the other side of each of their conversations with a seq past how
//! far they have read, as each conversation keeps them (`buyer_unread`, `seller_unread`).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{placeholders, uuid};
use crate::domain::ChatError;

/// A user's unread messages over all their conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Unread {
    /// Unread messages.
    pub unread: i64,
    /// Conversations with at least one unread message.
    pub conversations: i64,
}

pub async fn summary(conn: &mut AnyConnection, user: Uuid) -> Result<Unread, ChatError> {
    Ok(summaries(conn, &[user]).await?.remove(&user).unwrap_or_default())
}

/// The unread totals of each of `users` (no unread message: absent), by one statement.
pub async fn summaries(conn: &mut AnyConnection, users: &[Uuid]) -> Result<HashMap<Uuid, Unread>, ChatError> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let (buyers, sellers) = (placeholders(1, users.len()), placeholders(1 + users.len(), users.len()));
    let sql = format!(
        "SELECT t.user_id, CAST(SUM(t.n) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM ( \
           SELECT buyer_id AS user_id, buyer_unread AS n FROM conversations \
             WHERE buyer_id IN ({buyers}) AND buyer_unread > 0 \
           UNION ALL \
           SELECT seller_id AS user_id, seller_unread AS n FROM conversations \
             WHERE seller_id IN ({sellers}) AND seller_unread > 0 \
         ) t GROUP BY t.user_id"
    );
    let mut query = sqlx::query_as::<_, (String, i64, i64)>(&sql);
    for user in users.iter().chain(users) {
        query = query.bind(user.to_string());
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(|(user, unread, conversations)| Ok((uuid(&user)?, Unread { unread, conversations }))).collect()
}

/// Takes `user`'s unread-count lock for the rest of the transaction (see the `unread_turns` migration). Take it
/// after the conversation's row, as every use case does, so locks are always taken in one order. Nothing to
/// take on SQLite, where the transaction holds the whole database's.
pub async fn lock(conn: &mut AnyConnection, user: Uuid) -> Result<(), ChatError> {
    if super::serializes_writers(conn) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO unread_turns (user_id, turns) VALUES ($1, 1) \
         ON CONFLICT (user_id) DO UPDATE SET turns = unread_turns.turns + 1",
    )
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
