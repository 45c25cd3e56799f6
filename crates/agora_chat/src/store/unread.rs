//! A user's unread messages: those from the other side of each of their conversations with a seq past how
//! far they have read.

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
           SELECT COUNT(*) AS n FROM conversations c JOIN messages m ON m.conversation_id = c.id \
           WHERE c.buyer_id = $1 AND m.sender_id <> $1 AND m.seq > c.buyer_read_seq GROUP BY c.id \
           UNION ALL \
           SELECT COUNT(*) AS n FROM conversations c JOIN messages m ON m.conversation_id = c.id \
           WHERE c.seller_id = $1 AND m.sender_id <> $1 AND m.seq > c.seller_read_seq GROUP BY c.id \
         ) t",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(Unread { unread, conversations })
}
