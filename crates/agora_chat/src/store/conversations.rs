//! Conversations: opened once per buyer, seller and product (the unique key decides), found by id or by
//! buyer and product, listed per participant by recent activity, and the two counters messages and reads
//! move — `last_seq` and each side's read seq — each moved by one conditional update.

use std::collections::HashMap;

use agora_core::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use super::{placeholders, uuid};
use crate::domain::{ChatError, Conversation, Message, Side};

/// The conversation's columns, with each side's name as the users read model knows it now (or as it was
/// when the conversation was opened).
const COLUMNS: &str = "c.id, c.buyer_id, c.seller_id, c.product_id, c.product_title, \
     COALESCE(bu.display_name, c.buyer_name) AS buyer_name, COALESCE(su.shop_name, c.seller_name) AS seller_name, \
     c.last_seq, c.buyer_read_seq, c.seller_read_seq, c.created_at, c.updated_at";

const NAMES: &str = "LEFT JOIN users bu ON bu.user_id = c.buyer_id LEFT JOIN users su ON su.user_id = c.seller_id";

/// A conversation as one participant sees it in a list: with their unread count and the last message.
#[derive(Debug, Clone)]
pub struct Listed {
    pub conversation: Conversation,
    pub unread: i64,
    pub last_message: Option<Message>,
}

/// Opens the conversation unless the buyer has one with this seller about this product; true when opened.
pub async fn insert(conn: &mut AnyConnection, c: &Conversation) -> Result<bool, ChatError> {
    let done = sqlx::query(
        "INSERT INTO conversations (id, buyer_id, seller_id, product_id, product_title, buyer_name, seller_name, \
         last_seq, buyer_read_seq, seller_read_seq, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, $8, $8) \
         ON CONFLICT (buyer_id, seller_id, product_id) DO NOTHING",
    )
    .bind(c.id.to_string())
    .bind(c.buyer_id.to_string())
    .bind(c.seller_id.to_string())
    .bind(c.product_id.to_string())
    .bind(&c.product_title)
    .bind(&c.buyer_name)
    .bind(&c.seller_name)
    .bind(c.created_at.as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The conversation, whoever asks: callers check the participant.
pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Conversation>, ChatError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM conversations c {NAMES} WHERE c.id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(conversation).transpose()
}

/// The conversations of `ids` that exist, by id, whoever asks: callers check the participant.
pub async fn find_all(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, Conversation>, ChatError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!("SELECT {COLUMNS} FROM conversations c {NAMES} WHERE c.id IN ({})", placeholders(1, ids.len()));
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(|row| conversation(row).map(|c| (c.id, c))).collect()
}

/// The buyer's conversation about the product (a product has one seller), if opened.
pub async fn find_of_buyer(
    conn: &mut AnyConnection,
    buyer: Uuid,
    product: Uuid,
) -> Result<Option<Conversation>, ChatError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM conversations c {NAMES} WHERE c.buyer_id = $1 AND c.product_id = $2 \
         ORDER BY c.created_at LIMIT 1"
    ))
    .bind(buyer.to_string())
    .bind(product.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(conversation).transpose()
}

/// The conversations `viewer` is in, as they see them, most recent activity first, after the cursor
/// `(updated_at, id)`; `ids` narrows them to some conversations. One more than `limit` tells whether there is
/// a next page.
pub async fn list_for(
    conn: &mut AnyConnection,
    viewer: Uuid,
    after: Option<(i64, String)>,
    only: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Listed>, ChatError> {
    let (at, id) = after.unwrap_or((i64::MAX, "~".to_owned()));
    let only_clause = if only.is_some() { "AND c.id = $5" } else { "" };
    let sql = format!(
        "SELECT {COLUMNS}, m.id AS m_id, m.sender_id AS m_sender_id, m.body AS m_body, m.sent_at AS m_sent_at, \
         CASE WHEN c.buyer_id = $1 THEN c.buyer_unread ELSE c.seller_unread END AS unread \
         FROM conversations c {NAMES} \
         LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq \
         WHERE (c.buyer_id = $1 OR c.seller_id = $1) {only_clause} \
         AND (c.updated_at < $2 OR (c.updated_at = $2 AND c.id < $3)) \
         ORDER BY c.updated_at DESC, c.id DESC LIMIT $4"
    );
    let mut query = sqlx::query(&sql).bind(viewer.to_string()).bind(at).bind(id).bind(limit);
    if let Some(only) = only {
        query = query.bind(only.to_string());
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(listed).collect()
}

/// Messages a post adds to one conversation: how many, and how many of them go to each side.
#[derive(Debug, Clone, Copy)]
pub struct Added {
    pub conversation: Uuid,
    pub to_buyer: i64,
    pub to_seller: i64,
}

/// Takes seqs for the messages `added` to each conversation (by one statement), moving its activity time and
/// the recipients' unread counts; returns each conversation's new last seq, so its messages are numbered
/// up to it. The rows stay locked until the transaction ends, so concurrent posts get 1, 2, 3… without gaps
/// (a rolled-back post gives its seqs back).
pub async fn advance(
    conn: &mut AnyConnection,
    added: &[Added],
    at: Timestamp,
) -> Result<HashMap<Uuid, i64>, ChatError> {
    if added.is_empty() {
        return Ok(HashMap::new());
    }
    let values = agora_db::rows(2, added.len(), 3);
    let sql = format!(
        "UPDATE conversations SET last_seq = last_seq + v.column2 + v.column3, updated_at = $1, \
         buyer_unread = buyer_unread + v.column2, seller_unread = seller_unread + v.column3 \
         FROM (VALUES {values}) AS v WHERE conversations.id = v.column1 \
         RETURNING conversations.id, conversations.last_seq"
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(&sql).bind(at.as_micros());
    for a in added {
        query = query.bind(a.conversation.to_string()).bind(a.to_buyer).bind(a.to_seller);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter().map(|(id, last)| Ok((uuid(&id)?, last))).collect()
}

/// Marks `side` read up to `up_to` (never past the last message, never backwards); the new read seq when it
/// moved.
pub async fn mark_read(conn: &mut AnyConnection, id: Uuid, side: Side, up_to: i64) -> Result<Option<i64>, ChatError> {
    let (column, unread, reader) = match side {
        Side::Buyer => ("buyer_read_seq", "buyer_unread", "buyer_id"),
        Side::Seller => ("seller_read_seq", "seller_unread", "seller_id"),
    };
    let target = "CASE WHEN $2 < last_seq THEN $2 ELSE last_seq END";
    // What stays unread is the other side's messages past the new read seq (a range of the conversation's
    // (conversation_id, seq) index).
    let moved: Option<(i64,)> = sqlx::query_as(&format!(
        "UPDATE conversations SET {column} = {target}, {unread} = (SELECT COUNT(*) FROM messages m \
         WHERE m.conversation_id = conversations.id AND m.seq > {target} AND m.sender_id <> conversations.{reader}) \
         WHERE id = $1 AND {column} < {target} RETURNING {column}"
    ))
    .bind(id.to_string())
    .bind(up_to)
    .fetch_optional(conn)
    .await?;
    Ok(moved.map(|(seq,)| seq))
}

/// The buyer and the seller of a conversation.
pub async fn participants(conn: &mut AnyConnection, id: Uuid) -> Result<Option<(Uuid, Uuid)>, ChatError> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT buyer_id, seller_id FROM conversations WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|(buyer, seller)| Ok((uuid(&buyer)?, uuid(&seller)?))).transpose()
}

fn conversation(row: &AnyRow) -> Result<Conversation, ChatError> {
    Ok(Conversation {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        buyer_id: uuid(&row.try_get::<String, _>("buyer_id")?)?,
        seller_id: uuid(&row.try_get::<String, _>("seller_id")?)?,
        product_id: uuid(&row.try_get::<String, _>("product_id")?)?,
        product_title: row.try_get("product_title")?,
        buyer_name: row.try_get("buyer_name")?,
        seller_name: row.try_get("seller_name")?,
        last_seq: row.try_get("last_seq")?,
        buyer_read_seq: row.try_get("buyer_read_seq")?,
        seller_read_seq: row.try_get("seller_read_seq")?,
        created_at: Timestamp::from_micros(row.try_get("created_at")?),
        updated_at: Timestamp::from_micros(row.try_get("updated_at")?),
    })
}

fn listed(row: &AnyRow) -> Result<Listed, ChatError> {
    let conversation = conversation(row)?;
    let last_message = match row.try_get::<Option<String>, _>("m_id")? {
        Some(id) => Some(Message {
            id: uuid(&id)?,
            conversation_id: conversation.id,
            seq: conversation.last_seq,
            sender_id: uuid(&row.try_get::<String, _>("m_sender_id")?)?,
            body: row.try_get("m_body")?,
            sent_at: Timestamp::from_micros(row.try_get("m_sent_at")?),
        }),
        None => None,
    };
    Ok(Listed { unread: row.try_get("unread")?, conversation, last_message })
}
