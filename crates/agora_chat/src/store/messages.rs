//! Messages: stored once with their seq, read a page backwards or forwards, and counted per sender for the
//! rate limit.

use std::collections::HashMap;

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{placeholders, uuid};
use crate::domain::{ChatError, Message};

type Row = (String, String, i64, String, String, i64);

const COLUMNS: &str = "id, conversation_id, seq, sender_id, body, sent_at";

/// Stores `messages`, many rows a statement.
pub async fn insert_all(conn: &mut AnyConnection, messages: &[Message]) -> Result<(), ChatError> {
    for chunk in messages.chunks(agora_db::ROWS_PER_STATEMENT) {
        let sql = format!("INSERT INTO messages ({COLUMNS}) VALUES {}", agora_db::rows(1, chunk.len(), 6));
        let mut query = sqlx::query(&sql);
        for m in chunk {
            query = query
                .bind(m.id.to_string())
                .bind(m.conversation_id.to_string())
                .bind(m.seq)
                .bind(m.sender_id.to_string())
                .bind(&m.body)
                .bind(m.sent_at.as_micros());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Up to `limit` messages before seq `before` (from the newest without it), newest first.
pub async fn before(
    conn: &mut AnyConnection,
    conversation: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, ChatError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
    ))
    .bind(conversation.to_string())
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(message).collect()
}

/// Up to `limit` messages after seq `after`, oldest first.
pub async fn after(
    conn: &mut AnyConnection,
    conversation: Uuid,
    after: i64,
    limit: i64,
) -> Result<Vec<Message>, ChatError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ))
    .bind(conversation.to_string())
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(message).collect()
}

/// How many messages each of `senders` posted after `since`, over all conversations (none: absent).
pub async fn sent_since(
    conn: &mut AnyConnection,
    senders: &[Uuid],
    since: Timestamp,
) -> Result<HashMap<Uuid, i64>, ChatError> {
    if senders.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT sender_id, CAST(COUNT(*) AS BIGINT) FROM messages WHERE sent_at > $1 AND sender_id IN ({}) \
         GROUP BY sender_id",
        placeholders(2, senders.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(&sql).bind(since.as_micros());
    for sender in senders {
        query = query.bind(sender.to_string());
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(|(sender, count)| Ok((uuid(&sender)?, count))).collect()
}

/// When `sender`'s message number `skip + 1` after `since` (oldest first) was sent: once it leaves the window,
/// `skip` fewer messages are in it.
pub async fn sent_at_among_since(
    conn: &mut AnyConnection,
    sender: Uuid,
    since: Timestamp,
    skip: i64,
) -> Result<Option<Timestamp>, ChatError> {
    let at: Option<(i64,)> = sqlx::query_as(
        "SELECT sent_at FROM messages WHERE sender_id = $1 AND sent_at > $2 ORDER BY sent_at LIMIT 1 OFFSET $3",
    )
    .bind(sender.to_string())
    .bind(since.as_micros())
    .bind(skip)
    .fetch_optional(conn)
    .await?;
    Ok(at.map(|(at,)| Timestamp::from_micros(at)))
}

fn message((id, conversation_id, seq, sender_id, body, sent_at): Row) -> Result<Message, ChatError> {
    Ok(Message {
        id: uuid(&id)?,
        conversation_id: uuid(&conversation_id)?,
        seq,
        sender_id: uuid(&sender_id)?,
        body,
        sent_at: Timestamp::from_micros(sent_at),
    })
}
