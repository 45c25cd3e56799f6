//! Refunds queued for the provider: one per charge, sent after the transaction that decided them and
//! retried until the provider confirms.

use agora_core::{Currency, Money, Timestamp};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::uuid;
use crate::domain::{PaymentError, RefundReason};

/// A refund as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    /// Also the idempotency key at the provider.
    pub id: Uuid,
    pub payment_id: Uuid,
    pub provider: String,
    pub provider_ref: String,
    pub amount: Money,
    pub reason: RefundReason,
    pub tries: i64,
}

const COLUMNS: &str = "id, payment_id, provider, provider_ref, amount_minor, currency, reason, tries";

fn refund(row: &AnyRow) -> Result<Refund, PaymentError> {
    let id = uuid(&row.try_get::<String, _>("id")?)?;
    let currency: String = row.try_get("currency")?;
    let reason: String = row.try_get("reason")?;
    Ok(Refund {
        id,
        payment_id: uuid(&row.try_get::<String, _>("payment_id")?)?,
        provider: row.try_get("provider")?,
        provider_ref: row.try_get("provider_ref")?,
        amount: Money {
            amount_minor: row.try_get("amount_minor")?,
            currency: Currency::parse(&currency).map_err(|e| PaymentError::Internal(format!("refund {id}: {e}")))?,
        },
        reason: RefundReason::parse(&reason)
            .ok_or_else(|| PaymentError::Internal(format!("refund {id}: reason {reason}")))?,
        tries: row.try_get("tries")?,
    })
}

/// Queues a refund; `false` when the charge has one already (nothing written): a charge is refunded once.
pub async fn queue(conn: &mut AnyConnection, r: &Refund) -> Result<bool, PaymentError> {
    let now = Timestamp::now().as_micros();
    let done = sqlx::query(
        "INSERT INTO payment_refunds (id, payment_id, provider, provider_ref, amount_minor, currency, reason, status, \
         tries, next_try_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8, $8) \
         ON CONFLICT (provider, provider_ref) DO NOTHING",
    )
    .bind(r.id.to_string())
    .bind(r.payment_id.to_string())
    .bind(&r.provider)
    .bind(&r.provider_ref)
    .bind(r.amount.amount_minor)
    .bind(r.amount.currency.to_string())
    .bind(r.reason.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
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
