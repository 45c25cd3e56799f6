//! Checkouts. The buyer's Idempotency-Key is unique per buyer, so the same key can never make a second one;
//! state changes are conditional on the state read, so two events racing cannot both move a checkout.

use agora_core::{Currency, Money, Timestamp};
use agora_events::catalog::ShortLine;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::address::Address;
use crate::domain::{CheckoutStatus, OrderError};

#[derive(Debug, Clone, PartialEq)]
pub struct Checkout {
    pub id: Uuid,
    pub buyer_id: Uuid,
    pub idempotency_key: String,
    pub status: CheckoutStatus,
    pub total: Money,
    pub address: Address,
    pub short: Vec<ShortLine>,
    pub cancel_reason: Option<String>,
    pub payment_id: Option<Uuid>,
    pub payment_error: Option<String>,
    pub pay_by: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const COLUMNS: &str = "id, buyer_id, idempotency_key, status, total_minor, currency, address, short_lines, \
                       cancel_reason, payment_id, payment_error, pay_by, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    buyer_id: String,
    idempotency_key: String,
    status: String,
    total_minor: i64,
    currency: String,
    address: String,
    short_lines: Option<String>,
    cancel_reason: Option<String>,
    payment_id: Option<String>,
    payment_error: Option<String>,
    pay_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

fn internal(what: &str, err: impl std::fmt::Display) -> OrderError {
    OrderError::Internal(format!("stored checkout {what}: {err}"))
}

impl TryFrom<Row> for Checkout {
    type Error = OrderError;
    fn try_from(r: Row) -> Result<Checkout, OrderError> {
        Ok(Checkout {
            id: uuid(&r.id)?,
            buyer_id: uuid(&r.buyer_id)?,
            idempotency_key: r.idempotency_key,
            status: CheckoutStatus::parse(&r.status).ok_or_else(|| internal("status", &r.status))?,
            total: Money {
                amount_minor: r.total_minor,
                currency: Currency::parse(&r.currency).map_err(|e| internal("currency", e))?,
            },
            address: serde_json::from_str(&r.address).map_err(|e| internal("address", e))?,
            short: match r.short_lines {
                Some(json) => serde_json::from_str(&json).map_err(|e| internal("short lines", e))?,
                None => Vec::new(),
            },
            cancel_reason: r.cancel_reason,
            payment_id: r.payment_id.as_deref().map(uuid).transpose()?,
            payment_error: r.payment_error,
            pay_by: r.pay_by.map(Timestamp::from_micros),
            created_at: Timestamp::from_micros(r.created_at),
            updated_at: Timestamp::from_micros(r.updated_at),
        })
    }
}

/// Records a new checkout; `false` when the buyer used this key before (nothing written).
pub async fn insert(conn: &mut AnyConnection, c: &Checkout) -> Result<bool, OrderError> {
    let address = serde_json::to_string(&c.address).map_err(|e| internal("address", e))?;
    let done = sqlx::query(
        "INSERT INTO checkouts (id, buyer_id, idempotency_key, status, total_minor, currency, address, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING",
    )
    .bind(c.id.to_string())
    .bind(c.buyer_id.to_string())
    .bind(&c.idempotency_key)
    .bind(c.status.as_str())
    .bind(c.total.amount_minor)
    .bind(c.total.currency.as_str().to_owned())
    .bind(address)
    .bind(c.created_at.as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Checkout>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM checkouts WHERE id = $1");
    let row: Option<Row> = sqlx::query_as(&sql).bind(id.to_string()).fetch_optional(conn).await?;
    row.map(Checkout::try_from).transpose()
}

pub async fn find_by_key(conn: &mut AnyConnection, buyer_id: Uuid, key: &str) -> Result<Option<Checkout>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM checkouts WHERE buyer_id = $1 AND idempotency_key = $2");
    let row: Option<Row> = sqlx::query_as(&sql).bind(buyer_id.to_string()).bind(key).fetch_optional(conn).await?;
    row.map(Checkout::try_from).transpose()
}

/// The checkout, locked for the rest of the transaction (a no-op write takes the row lock on PostgreSQL;
/// SQLite transactions hold the write lock already).
pub async fn find_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Checkout>, OrderError> {
    sqlx::query("UPDATE checkouts SET status = status WHERE id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    find(conn, id).await
}

/// What a state change records besides the state.
#[derive(Debug, Default)]
pub struct Change {
    pub pay_by: Option<Timestamp>,
    pub short: Option<Vec<ShortLine>>,
    pub cancel_reason: Option<String>,
    pub payment_id: Option<Uuid>,
}

/// Moves a checkout from `from` to `to`; `false` when it was no longer in `from`.
pub async fn transition(
    conn: &mut AnyConnection,
    id: Uuid,
    from: CheckoutStatus,
    to: CheckoutStatus,
    change: &Change,
) -> Result<bool, OrderError> {
    let short = change.short.as_ref().map(serde_json::to_string).transpose().map_err(|e| internal("short", e))?;
    let done = sqlx::query(
        "UPDATE checkouts SET status = $3, pay_by = COALESCE($4, pay_by), short_lines = COALESCE($5, short_lines), \
         cancel_reason = COALESCE($6, cancel_reason), payment_id = COALESCE($7, payment_id), updated_at = $8 \
         WHERE id = $1 AND status = $2",
    )
    .bind(id.to_string())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(change.pay_by.map(|t| t.as_micros()))
    .bind(short)
    .bind(change.cancel_reason.clone())
    .bind(change.payment_id.map(|id| id.to_string()))
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the last failed payment attempt's message for the buyer to see while they may retry.
pub async fn set_payment_error(conn: &mut AnyConnection, id: Uuid, message: &str) -> Result<(), OrderError> {
    sqlx::query("UPDATE checkouts SET payment_error = $2, updated_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(message)
        .bind(Timestamp::now().as_micros())
        .execute(conn)
        .await?;
    Ok(())
}

/// Checkouts whose time is up: awaiting payment past `pay_by`, or still waiting for stock since before
/// `stale_before` (catalog never answered).
pub async fn due(
    conn: &mut AnyConnection,
    now: Timestamp,
    stale_before: Timestamp,
    limit: i64,
) -> Result<Vec<Uuid>, OrderError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM checkouts WHERE (status = 'awaiting_payment' AND pay_by < $1) \
         OR (status = 'pending' AND created_at < $2) LIMIT $3",
    )
    .bind(now.as_micros())
    .bind(stale_before.as_micros())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    ids.iter().map(|id| uuid(id)).collect()
}
