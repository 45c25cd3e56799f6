//! Orders (one per seller of a checkout), their lines and their timelines.

use std::collections::HashMap;

use agora_core::{Currency, Money, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
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
    pub after_sale: AfterSale,
}

/// What happened to an order after it was placed, as far as it got.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AfterSale {
    pub paid_at: Option<Timestamp>,
    pub shipment: Option<Shipment>,
    pub delivered_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    /// `buyer`, `seller` or `admin`; `None` when the checkout's flow cancelled it.
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    /// What payment gives back, for an order cancelled after payment.
    pub refund: Option<Money>,
    pub refunded_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipment {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Timestamp,
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

const COLUMNS: &str = "id, checkout_id, buyer_id, seller_id, status, total_minor, currency, created_at, updated_at, \
                       paid_at, shipped_at, carrier, tracking_number, delivered_at, cancelled_at, cancelled_by, \
                       cancel_reason, refund_minor, refunded_at";

fn order(row: &AnyRow) -> Result<Order, OrderError> {
    let at = |column: &str| -> Result<Option<Timestamp>, OrderError> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp::from_micros))
    };
    let status: String = row.try_get("status")?;
    let currency: String = row.try_get("currency")?;
    let shipment = match (at("shipped_at")?, row.try_get("carrier")?, row.try_get("tracking_number")?) {
        (Some(shipped_at), Some(carrier), Some(tracking_number)) => {
            Some(Shipment { carrier, tracking_number, shipped_at })
        }
        _ => None,
    };
    Ok(Order {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        checkout_id: uuid(&row.try_get::<String, _>("checkout_id")?)?,
        buyer_id: uuid(&row.try_get::<String, _>("buyer_id")?)?,
        seller_id: uuid(&row.try_get::<String, _>("seller_id")?)?,
        status: OrderStatus::parse(&status).ok_or_else(|| OrderError::Internal(format!("order status {status:?}")))?,
        total: money(row.try_get("total_minor")?, &currency)?,
        created_at: Timestamp::from_micros(row.try_get("created_at")?),
        updated_at: Timestamp::from_micros(row.try_get("updated_at")?),
        after_sale: AfterSale {
            paid_at: at("paid_at")?,
            shipment,
            delivered_at: at("delivered_at")?,
            cancelled_at: at("cancelled_at")?,
            cancelled_by: row.try_get("cancelled_by")?,
            cancel_reason: row.try_get("cancel_reason")?,
            refund: row.try_get::<Option<i64>, _>("refund_minor")?.map(|m| money(m, &currency)).transpose()?,
            refunded_at: at("refunded_at")?,
        },
    })
}

async fn select(conn: &mut AnyConnection, filter: &str, binds: &[String]) -> Result<Vec<Order>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM orders {filter}");
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(bind.clone());
    }
    query.fetch_all(conn).await?.iter().map(order).collect()
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

/// Moves every order of a checkout that is in `from` to `to` (paid, or cancelled with `reason` before
/// payment); answers the orders moved.
pub async fn transition_checkout(
    conn: &mut AnyConnection,
    checkout_id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
    reason: Option<&str>,
) -> Result<Vec<Order>, OrderError> {
    let moving: Vec<Uuid> =
        of_checkout(conn, checkout_id).await?.into_iter().filter(|o| o.status == from).map(|o| o.id).collect();
    let now = Timestamp::now().as_micros();
    let (paid_at, cancelled_at) = match to {
        OrderStatus::Paid => (Some(now), None),
        OrderStatus::Cancelled => (None, Some(now)),
        _ => (None, None),
    };
    sqlx::query(
        "UPDATE orders SET status = $3, updated_at = $4, paid_at = COALESCE($5, paid_at), \
         cancelled_at = COALESCE($6, cancelled_at), cancel_reason = COALESCE($7, cancel_reason) \
         WHERE checkout_id = $1 AND status = $2",
    )
    .bind(checkout_id.to_string())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .bind(paid_at)
    .bind(cancelled_at)
    .bind(reason.map(str::to_owned))
    .execute(&mut *conn)
    .await?;
    Ok(of_checkout(conn, checkout_id).await?.into_iter().filter(|o| moving.contains(&o.id)).collect())
}

/// What an order's own transition records besides its state.
#[derive(Debug, Default)]
pub struct Change {
    pub shipment: Option<(String, String)>,
    pub cancelled_by: Option<&'static str>,
    pub cancel_reason: Option<String>,
    pub refund: Option<Money>,
}

/// Moves order `id` from `from` to `to`; `false` when it was no longer in `from`.
pub async fn transition(
    conn: &mut AnyConnection,
    id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
    change: Change,
) -> Result<bool, OrderError> {
    let now = Timestamp::now().as_micros();
    let when = |status: OrderStatus| (to == status).then_some(now);
    let (carrier, tracking) = change.shipment.unzip();
    let done = sqlx::query(
        "UPDATE orders SET status = $3, updated_at = $4, shipped_at = COALESCE($5, shipped_at), \
         carrier = COALESCE($6, carrier), tracking_number = COALESCE($7, tracking_number), \
         delivered_at = COALESCE($8, delivered_at), cancelled_at = COALESCE($9, cancelled_at), \
         cancelled_by = COALESCE($10, cancelled_by), cancel_reason = COALESCE($11, cancel_reason), \
         refund_minor = COALESCE($12, refund_minor), refunded_at = COALESCE($13, refunded_at) \
         WHERE id = $1 AND status = $2",
    )
    .bind(id.to_string())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .bind(when(OrderStatus::Shipped))
    .bind(carrier)
    .bind(tracking)
    .bind(when(OrderStatus::Delivered))
    .bind(when(OrderStatus::Cancelled))
    .bind(change.cancelled_by.map(str::to_owned))
    .bind(change.cancel_reason)
    .bind(change.refund.map(|m| m.amount_minor))
    .bind(when(OrderStatus::Refunded))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn of_checkout(conn: &mut AnyConnection, checkout_id: Uuid) -> Result<Vec<Order>, OrderError> {
    select(conn, "WHERE checkout_id = $1 ORDER BY id", &[checkout_id.to_string()]).await
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Order>, OrderError> {
    Ok(select(conn, "WHERE id = $1", &[id.to_string()]).await?.into_iter().next())
}

/// Finds order `id` and holds its row until the transaction ends, so concurrent requests on one order take
/// turns (a no-op write locks the row on PostgreSQL and takes SQLite's writer lock).
pub async fn find_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Order>, OrderError> {
    sqlx::query("UPDATE orders SET status = status WHERE id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    find(conn, id).await
}

/// Whose orders a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Party {
    Buyer(Uuid),
    /// A seller sees the orders that were paid, optionally only those now in one state.
    Seller(Uuid, Option<OrderStatus>),
}

/// A buyer's or seller's orders, newest first, after the cursor `(created_at, id)`; one more than `limit`
/// tells whether there is a next page.
pub async fn list(
    conn: &mut AnyConnection,
    party: Party,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<Order>, OrderError> {
    let (at, id) = after.unwrap_or((i64::MAX, String::new()));
    let (filter, party_id, status) = match party {
        Party::Buyer(buyer) => ("buyer_id = $1", buyer, None),
        Party::Seller(seller, status) => {
            ("seller_id = $1 AND paid_at IS NOT NULL AND ($5 = '' OR status = $5)", seller, status)
        }
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM orders WHERE {filter} AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    );
    let mut query = sqlx::query(&sql)
        .bind(party_id.to_string())
        .bind(at)
        .bind(if id.is_empty() { "~".to_owned() } else { id })
        .bind(limit);
    if let Party::Seller(..) = party {
        query = query.bind(status.map(OrderStatus::as_str).unwrap_or_default());
    }
    query.fetch_all(conn).await?.iter().map(order).collect()
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
