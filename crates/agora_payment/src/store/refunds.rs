//! Refunds queued for the provider, sent after the transaction that decided them and retried until the
//! provider confirms. A whole charge is refunded once (unique per charge among refunds without an order);
//! an order's share once (unique per payment and order).

use agora_core::{Currency, Money, Timestamp};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::{uuid, uuid_opt};
use crate::domain::{PaymentError, RefundReason};

/// A refund as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    /// Also the idempotency key at the provider.
    pub id: Uuid,
    pub payment_id: Uuid,
    pub provider: String,
    /// The charge refunded.
    pub provider_ref: String,
    /// The order whose share this is; `None` for a whole charge.
    pub order_id: Option<Uuid>,
    pub amount: Money,
    pub reason: RefundReason,
    pub tries: i64,
}

/// A refund with where it stands, as the payment view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RefundRow {
    pub refund: Refund,
    /// Confirmed by the provider.
    pub succeeded: bool,
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, payment_id, provider, provider_ref, order_id, amount_minor, currency, reason, tries";

fn refund(row: &AnyRow) -> Result<Refund, PaymentError> {
    let id = uuid(&row.try_get::<String, _>("id")?)?;
    let currency: String = row.try_get("currency")?;
    let reason: String = row.try_get("reason")?;
    Ok(Refund {
        id,
        payment_id: uuid(&row.try_get::<String, _>("payment_id")?)?,
        provider: row.try_get("provider")?,
        provider_ref: row.try_get("provider_ref")?,
        order_id: uuid_opt(row.try_get("order_id")?)?,
        amount: Money {
            amount_minor: row.try_get("amount_minor")?,
            currency: Currency::parse(&currency).map_err(|e| PaymentError::Internal(format!("refund {id}: {e}")))?,
        },
        reason: RefundReason::parse(&reason)
            .ok_or_else(|| PaymentError::Internal(format!("refund {id}: reason {reason}")))?,
        tries: row.try_get("tries")?,
    })
}

/// The insert both kinds of refund share; `conflict` names the uniqueness that makes a second one a no-op.
async fn insert(conn: &mut AnyConnection, r: &Refund, conflict: &str) -> Result<bool, PaymentError> {
    let now = Timestamp::now().as_micros();
    let done = sqlx::query(&format!(
        "INSERT INTO payment_refunds (id, payment_id, provider, provider_ref, order_id, amount_minor, currency, \
         reason, status, tries, next_try_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $9) ON CONFLICT {conflict} DO NOTHING"
    ))
    .bind(r.id.to_string())
    .bind(r.payment_id.to_string())
    .bind(&r.provider)
    .bind(&r.provider_ref)
    .bind(r.order_id.map(|id| id.to_string()))
    .bind(r.amount.amount_minor)
    .bind(r.amount.currency.to_string())
    .bind(r.reason.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Queues the refund of a whole charge (`order_id` none); `false` when the charge has one already
/// (nothing written).
pub async fn queue(conn: &mut AnyConnection, r: &Refund) -> Result<bool, PaymentError> {
    if r.order_id.is_some() {
        return Err(PaymentError::Internal(format!("refund {} of an order queued as a whole charge's", r.id)));
    }
    insert(conn, r, "(provider, provider_ref) WHERE order_id IS NULL").await
}

/// Queues the refund of an order's share; `false` when that order has one already (nothing written).
pub async fn queue_for_order(conn: &mut AnyConnection, r: &Refund) -> Result<bool, PaymentError> {
    if r.order_id.is_none() {
        return Err(PaymentError::Internal(format!("refund {} of an order has no order", r.id)));
    }
    insert(conn, r, "(payment_id, order_id)").await
}

/// What a charge gives back, in minor units: every refund of it, queued or done (`except_order`'s own
/// left out), or only those the provider confirmed.
pub async fn total_of_charge(
    conn: &mut AnyConnection,
    provider: &str,
    provider_ref: &str,
    except_order: Option<Uuid>,
    confirmed_only: bool,
) -> Result<i64, PaymentError> {
    let status = if confirmed_only { " AND status = 'succeeded'" } else { "" };
    let (total,): (Option<i64>,) = sqlx::query_as(&format!(
        "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM payment_refunds WHERE provider = $1 AND provider_ref = $2 \
         AND (order_id IS NULL OR order_id <> $3){status}"
    ))
    .bind(provider)
    .bind(provider_ref)
    .bind(except_order.map(|id| id.to_string()).unwrap_or_default())
    .fetch_one(conn)
    .await?;
    Ok(total.unwrap_or(0))
}

/// Whether the whole of a charge is being (or was) given back: it has a refund that is no order's.
pub async fn whole_charge_refunded(
    conn: &mut AnyConnection,
    provider: &str,
    provider_ref: &str,
) -> Result<bool, PaymentError> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM payment_refunds WHERE provider = $1 AND provider_ref = $2 AND order_id IS NULL LIMIT 1",
    )
    .bind(provider)
    .bind(provider_ref)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// A payment's refunds, oldest first.
pub async fn list_for(conn: &mut AnyConnection, payment_id: Uuid) -> Result<Vec<RefundRow>, PaymentError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, status, created_at FROM payment_refunds WHERE payment_id = $1 \
         ORDER BY created_at, id"
    ))
    .bind(payment_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RefundRow {
                refund: refund(row)?,
                succeeded: row.try_get::<String, _>("status")? == "succeeded",
                created_at: Timestamp::from_micros(row.try_get("created_at")?),
            })
        })
        .collect()
}

/// Pending refunds whose next try is due.
pub async fn due(conn: &mut AnyConnection, now: Timestamp, limit: i64) -> Result<Vec<Refund>, PaymentError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payment_refunds WHERE status = 'pending' AND next_try_at <= $1 \
         ORDER BY next_try_at LIMIT $2"
    ))
    .bind(now.as_micros())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(refund).collect()
}

/// The provider confirmed the refund; `false` if another worker recorded it first.
pub async fn succeeded(conn: &mut AnyConnection, id: Uuid, provider_refund_ref: &str) -> Result<bool, PaymentError> {
    let done = sqlx::query(
        "UPDATE payment_refunds SET status = 'succeeded', provider_refund_ref = $1, tries = tries + 1, updated_at = $2 \
         WHERE id = $3 AND status = 'pending'",
    )
    .bind(provider_refund_ref)
    .bind(Timestamp::now().as_micros())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The provider could not refund yet: try again at `next`.
pub async fn retry_later(conn: &mut AnyConnection, id: Uuid, error: &str, next: Timestamp) -> Result<(), PaymentError> {
    sqlx::query(
        "UPDATE payment_refunds SET tries = tries + 1, last_error = $1, next_try_at = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(error)
    .bind(next.as_micros())
    .bind(Timestamp::now().as_micros())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
