//! Completions: the unique row that lets exactly one path complete a provider's charge.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::PaymentError;

/// Claims the completion of `provider_ref`; `false` when another path claimed it first (nothing written).
pub async fn claim(
    conn: &mut AnyConnection,
    provider: &str,
    provider_ref: &str,
    payment_id: Uuid,
    via: &str,
) -> Result<bool, PaymentError> {
    let done = sqlx::query(
        "INSERT INTO payment_completions (provider, provider_ref, payment_id, via, completed_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, provider_ref) DO NOTHING",
    )
    .bind(provider)
    .bind(provider_ref)
    .bind(payment_id.to_string())
    .bind(via)
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
