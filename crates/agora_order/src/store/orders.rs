//! Orders (one per seller of a checkout), their lines and their timelines.

use std::collections::HashMap;

use agora_core::{Currency, Money, Timestamp};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{placeholders, uuid};
use crate::domain::{OrderError, OrderStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub status: OrderStatus,
    pub total: Money,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub product_id: Uuid,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
    /// What the buyer's cart showed, when it differs from `unit_price`.
    pub price_seen: Option<Money>,
    pub thumbnail: Option<String>,
}

/// One entry of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: String,
    pub note: String,
    pub at: Timestamp,
}

const COLUMNS: &str = "id, checkout_id, buyer_id, seller_id, status, total_minor, currency, created_at, updated_at";

type Row = (String, String, String, String, String, i64, String, i64, i64);

fn order(row: Row) -> Result<Order, OrderError> {
    let (id, checkout_id, buyer_id, seller_id, status, total_minor, currency, created_at, updated_at) = row;
    Ok(Order {
        id: uuid(&id)?,
        checkout_id: uuid(&checkout_id)?,
        buyer_id: uuid(&buyer_id)?,
        seller_id: uuid(&seller_id)?,
        status: OrderStatus::parse(&status).ok_or_else(|| OrderError::Internal(format!("order status {status:?}")))?,
        total: money(total_minor, &currency)?,
        created_at: Timestamp::from_micros(created_at),
        updated_at: Timestamp::from_micros(updated_at),
    })
}

fn money(amount_minor: i64, currency: &str) -> Result<Money, OrderError> {
    let currency = Currency::parse(currency).map_err(|e| OrderError::Internal(format!("stored currency: {e}")))?;
    Ok(Money { amount_minor, currency })
}

pub async fn insert(conn: &mut AnyConnection, o: &Order, lines: &[Line]) -> Result<(), OrderError> {
    sqlx::query(
        "INSERT INTO orders (id, checkout_id, buyer_id, seller_id, status, total_minor, currency, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(o.id.to_string())
    .bind(o.checkout_id.to_string())
    .bind(o.buyer_id.to_string())
    .bind(o.seller_id.to_string())
    .bind(o.status.as_str())
    .bind(o.total.amount_minor)
    .bind(o.total.currency.as_str().to_owned())
    .bind(o.created_at.as_micros())
    .execute(&mut *conn)
    .await?;
    for (position, line) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, product_id, title, quantity, unit_price_minor, \
             line_total_minor, price_seen_minor, thumbnail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(o.id.to_string())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(line.product_id.to_string())
        .bind(&line.title)
        .bind(line.quantity)
        .bind(line.unit_price.amount_minor)
        .bind(line.line_total.amount_minor)
        .bind(line.price_seen.map(|m| m.amount_minor))
        .bind(line.thumbnail.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds an entry to an order's timeline.
pub async fn record(conn: &mut AnyConnection, order_id: Uuid, kind: &str, note: &str) -> Result<(), OrderError> {
    sqlx::query(
        "INSERT INTO order_events (order_id, seq, kind, note, at) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM order_events WHERE order_id = $1",
    )
    .bind(order_id.to_string())
    .bind(kind)
    .bind(note)
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves every order of a checkout that is in `from` to `to`; answers the orders moved.
pub async fn transition_checkout(
    conn: &mut AnyConnection,
    checkout_id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
) -> Result<Vec<Order>, OrderError> {
    let moving: Vec<Order> = of_checkout(conn, checkout_id).await?.into_iter().filter(|o| o.status == from).collect();
    sqlx::query("UPDATE orders SET status = $3, updated_at = $4 WHERE checkout_id = $1 AND status = $2")
        .bind(checkout_id.to_string())
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(Timestamp::now().as_micros())
        .execute(conn)
        .await?;
    Ok(moving.into_iter().map(|o| Order { status: to, ..o }).collect())
}

pub async fn of_checkout(conn: &mut AnyConnection, checkout_id: Uuid) -> Result<Vec<Order>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE checkout_id = $1 ORDER BY id");
    let rows: Vec<Row> = sqlx::query_as(&sql).bind(checkout_id.to_string()).fetch_all(conn).await?;
    rows.into_iter().map(order).collect()
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Order>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE id = $1");
    let row: Option<Row> = sqlx::query_as(&sql).bind(id.to_string()).fetch_optional(conn).await?;
    row.map(order).transpose()
}

/// A buyer's orders, newest first, after the cursor `(created_at, id)`; one more than `limit` tells whether
/// there is a next page.
pub async fn list_for_buyer(
    conn: &mut AnyConnection,
    buyer_id: Uuid,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<Order>, OrderError> {
    let (at, id) = after.unwrap_or((i64::MAX, String::new()));
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE buyer_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(buyer_id.to_string())
        .bind(at)
        .bind(if id.is_empty() { "~".to_owned() } else { id })
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(order).collect()
}

/// The lines of these orders, in their order.
pub async fn lines(conn: &mut AnyConnection, order_ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Line>>, OrderError> {
    let mut found: HashMap<Uuid, Vec<Line>> = HashMap::new();
    if order_ids.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT l.order_id, l.product_id, l.title, l.quantity, l.unit_price_minor, l.line_total_minor, \
         l.price_seen_minor, l.thumbnail, o.currency FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.order_id IN ({}) ORDER BY l.order_id, l.position",
        placeholders(1, order_ids.len())
    );
    let mut query =
        sqlx::query_as::<_, (String, String, String, i64, i64, i64, Option<i64>, Option<String>, String)>(&sql);
    for id in order_ids {
        query = query.bind(id.to_string());
    }
    for (order_id, product_id, title, quantity, unit, total, seen, thumbnail, currency) in query.fetch_all(conn).await?
    {
        let line = Line {
            product_id: uuid(&product_id)?,
            title,
            quantity,
            unit_price: money(unit, &currency)?,
            line_total: money(total, &currency)?,
            price_seen: seen.map(|s| money(s, &currency)).transpose()?,
            thumbnail,
        };
        found.entry(uuid(&order_id)?).or_default().push(line);
    }
    Ok(found)
}

/// An order's timeline, oldest first.
pub async fn timeline(conn: &mut AnyConnection, order_id: Uuid) -> Result<Vec<Entry>, OrderError> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT kind, note, at FROM order_events WHERE order_id = $1 ORDER BY seq")
            .bind(order_id.to_string())
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(kind, note, at)| Entry { kind, note, at: Timestamp::from_micros(at) }).collect())
}
