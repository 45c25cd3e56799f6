//! Attempts to pay, each one charge at the provider.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::uuid;
use crate::domain::{Attempt, AttemptStatus, PaymentError};

const COLUMNS: &str = "id, payment_id, status, provider, provider_ref, card_brand, card_last4, code, message, \
                       created_at, updated_at";

fn attempt(row: &AnyRow) -> Result<Attempt, PaymentError> {
    let id = uuid(&row.try_get::<String, _>("id")?)?;
    let status: String = row.try_get("status")?;
    Ok(Attempt {
        id,
        payment_id: uuid(&row.try_get::<String, _>("payment_id")?)?,
        status: AttemptStatus::parse(&status)
            .ok_or_else(|| PaymentError::Internal(format!("attempt {id}: status {status}")))?,
        provider: row.try_get("provider")?,
        provider_ref: row.try_get("provider_ref")?,
        card_brand: row.try_get("card_brand")?,
        card_last4: row.try_get("card_last4")?,
        code: row.try_get("code")?,
        message: row.try_get("message")?,
        created_at: Timestamp::from_micros(row.try_get("created_at")?),
        updated_at: Timestamp::from_micros(row.try_get("updated_at")?),
    })
}

pub async fn insert(conn: &mut AnyConnection, a: &Attempt) -> Result<(), PaymentError> {
    sqlx::query(&format!(
        "INSERT INTO payment_attempts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(a.id.to_string())
    .bind(a.payment_id.to_string())
    .bind(a.status.as_str())
    .bind(&a.provider)
    .bind(a.provider_ref.clone())
    .bind(a.card_brand.clone())
    .bind(a.card_last4.clone())
    .bind(a.code.clone())
    .bind(a.message.clone())
    .bind(a.created_at.as_micros())
    .bind(a.updated_at.as_micros())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Attempt>, PaymentError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payment_attempts WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(attempt).transpose()
}

/// The attempt that made the provider's charge `provider_ref`.
pub async fn find_by_ref(
    conn: &mut AnyConnection,
    provider: &str,
    provider_ref: &str,
) -> Result<Option<Attempt>, PaymentError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM payment_attempts WHERE provider = $1 AND provider_ref = $2"))
        .bind(provider)
        .bind(provider_ref)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(attempt).transpose()
}

/// A payment's attempts, oldest first.
pub async fn list_for(conn: &mut AnyConnection, payment_id: Uuid) -> Result<Vec<Attempt>, PaymentError> {
    let rows =
        sqlx::query(&format!("SELECT {COLUMNS} FROM payment_attempts WHERE payment_id = $1 ORDER BY created_at, id"))
            .bind(payment_id.to_string())
            .fetch_all(conn)
            .await?;
    rows.iter().map(attempt).collect()
}

/// Writes the attempt's outcome if it still has status `from`; `false` if it changed meanwhile.
pub async fn update(conn: &mut AnyConnection, a: &Attempt, from: AttemptStatus) -> Result<bool, PaymentError> {
    let done = sqlx::query(
        "UPDATE payment_attempts SET status = $1, provider_ref = $2, code = $3, message = $4, updated_at = $5 \
         WHERE id = $6 AND status = $7",
    )
    .bind(a.status.as_str())
    .bind(a.provider_ref.clone())
    .bind(a.code.clone())
    .bind(a.message.clone())
    .bind(Timestamp::now().as_micros())
    .bind(a.id.to_string())
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Attempts sent before `before` that the provider never answered.
pub async fn unanswered(conn: &mut AnyConnection, before: Timestamp, limit: i64) -> Result<Vec<Attempt>, PaymentError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payment_attempts WHERE status = 'pending' AND updated_at < $1 ORDER BY updated_at LIMIT $2"
    ))
    .bind(before.as_micros())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(attempt).collect()
}

/// Processing charges not heard of (nor asked about) since `before`: their webhook may be lost.
pub async fn quiet_processing(
    conn: &mut AnyConnection,
    before: Timestamp,
    limit: i64,
) -> Result<Vec<Attempt>, PaymentError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM payment_attempts WHERE status = 'processing' AND updated_at < $1 \
         AND (checked_at IS NULL OR checked_at < $1) ORDER BY updated_at LIMIT $2"
    ))
    .bind(before.as_micros())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(attempt).collect()
}

/// Notes that the provider was asked about the attempt's charge.
pub async fn checked(conn: &mut AnyConnection, id: Uuid, at: Timestamp) -> Result<(), PaymentError> {
    sqlx::query("UPDATE payment_attempts SET checked_at = $1 WHERE id = $2")
        .bind(at.as_micros())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
