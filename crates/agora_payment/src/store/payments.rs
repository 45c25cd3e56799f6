//! Payments, one per checkout.

use agora_core::{Currency, Money, Timestamp};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::{uuid, uuid_opt};
use crate::domain::{Payment, PaymentError, PaymentStatus};

const COLUMNS: &str = "id, checkout_id, buyer_id, amount_minor, currency, provider, status, pay_by, attempt_id, \
                       provider_ref, last_error_code, last_error_message, created_at, updated_at";

fn payment(row: &AnyRow) -> Result<Payment, PaymentError> {
    let id = uuid(&row.try_get::<String, _>("id")?)?;
    let status: String = row.try_get("status")?;
    let currency: String = row.try_get("currency")?;
    let code: Option<String> = row.try_get("last_error_code")?;
    let message: Option<String> = row.try_get("last_error_message")?;
    Ok(Payment {
        id,
        checkout_id: uuid(&row.try_get::<String, _>("checkout_id")?)?,
        buyer_id: uuid(&row.try_get::<String, _>("buyer_id")?)?,
        amount: Money {
            amount_minor: row.try_get("amount_minor")?,
            currency: Currency::parse(&currency)
                .map_err(|e| PaymentError::Internal(format!("payment {id}: currency: {e}")))?,
        },
        provider: row.try_get("provider")?,
        status: PaymentStatus::parse(&status)
            .ok_or_else(|| PaymentError::Internal(format!("payment {id}: status {status}")))?,
        pay_by: Timestamp::from_micros(row.try_get("pay_by")?),
        attempt_id: uuid_opt(row.try_get("attempt_id")?)?,
        provider_ref: row.try_get("provider_ref")?,
        last_error: code.map(|code| (code, message.unwrap_or_default())),
        created_at: Timestamp::from_micros(row.try_get("created_at")?),
        updated_at: Timestamp::from_micros(row.try_get("updated_at")?),
    })
}

/// Records a new payment; `false` when the checkout has one already (nothing written).
pub async fn insert(conn: &mut AnyConnection, p: &Payment) -> Result<bool, PaymentError> {
    let done = sqlx::query(&format!(
        "INSERT INTO payments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (checkout_id) DO NOTHING"
    ))
    .bind(p.id.to_string())
    .bind(p.checkout_id.to_string())
    .bind(p.buyer_id.to_string())
    .bind(p.amount.amount_minor)
    .bind(p.amount.currency.to_string())
    .bind(&p.provider)
    .bind(p.status.as_str())
    .bind(p.pay_by.as_micros())
    .bind(p.attempt_id.map(|id| id.to_string()))
    .bind(p.provider_ref.clone())
    .bind(p.last_error.as_ref().map(|(code, _)| code.clone()))
    .bind(p.last_error.as_ref().map(|(_, message)| message.clone()))
    .bind(p.created_at.as_micros())
    .bind(p.updated_at.as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Payment>, PaymentError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(payment).transpose()
}

pub async fn find_by_checkout(conn: &mut AnyConnection, checkout_id: Uuid) -> Result<Option<Payment>, PaymentError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payments WHERE checkout_id = $1"))
        .bind(checkout_id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(payment).transpose()
}

/// The payment, locked for the rest of the transaction (a no-op write takes the row lock on PostgreSQL;
/// SQLite transactions hold the write lock already).
pub async fn find_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Payment>, PaymentError> {
    sqlx::query("UPDATE payments SET status = status WHERE id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    find(conn, id).await
}

/// Writes the payment's changeable fields if it still has status `from`; `false` if it changed meanwhile.
pub async fn update(conn: &mut AnyConnection, p: &Payment, from: PaymentStatus) -> Result<bool, PaymentError> {
    let done = sqlx::query(
        "UPDATE payments SET status = $1, attempt_id = $2, provider_ref = $3, last_error_code = $4, \
         last_error_message = $5, updated_at = $6 WHERE id = $7 AND status = $8",
    )
    .bind(p.status.as_str())
    .bind(p.attempt_id.map(|id| id.to_string()))
    .bind(p.provider_ref.clone())
    .bind(p.last_error.as_ref().map(|(code, _)| code.clone()))
    .bind(p.last_error.as_ref().map(|(_, message)| message.clone()))
    .bind(Timestamp::now().as_micros())
    .bind(p.id.to_string())
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
