//! A user's unread messages: those from the other side of each of their conversations with a seq past how
//! far they have read, as each conversation keeps them (`buyer_unread`, `seller_unread`).

use serde::Serialize;
use sqlx::AnyConnection;
use uuid::Uuid;

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
    let (unread, conversations): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(t.n), 0) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM ( \
           SELECT buyer_unread AS n FROM conversations WHERE buyer_id = $1 AND buyer_unread > 0 \
           UNION ALL \
           SELECT seller_unread AS n FROM conversations WHERE seller_id = $1 AND seller_unread > 0 \
         ) t",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(Unread { unread, conversations })
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
