//! Messages: stored once with their seq, read a page backwards or forwards, and counted per sender for the
//! rate limit.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::{ChatError, Message};

type Row = (String, String, i64, String, String, i64);

const COLUMNS: &str = "id, conversation_id, seq, sender_id, body, sent_at";

pub async fn insert(conn: &mut AnyConnection, m: &Message) -> Result<(), ChatError> {
    sqlx::query(&format!("INSERT INTO messages ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"))
        .bind(m.id.to_string())
        .bind(m.conversation_id.to_string())
        .bind(m.seq)
        .bind(m.sender_id.to_string())
        .bind(&m.body)
        .bind(m.sent_at.as_micros())
        .execute(conn)
        .await?;
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

/// How many messages `sender` posted after `since`, over all conversations.
pub async fn sent_since(conn: &mut AnyConnection, sender: Uuid, since: Timestamp) -> Result<i64, ChatError> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM messages WHERE sender_id = $1 AND sent_at > $2")
            .bind(sender.to_string())
            .bind(since.as_micros())
            .fetch_one(conn)
            .await?;
    Ok(count)
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
