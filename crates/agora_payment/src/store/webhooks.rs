//! Provider webhook events received, by the provider's event id: a redelivered event is recognised.

use agora_core::Timestamp;
use sqlx::AnyConnection;

use crate::domain::PaymentError;

pub async fn seen(conn: &mut AnyConnection, provider: &str, event_id: &str) -> Result<bool, PaymentError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT outcome FROM payment_webhooks WHERE provider = $1 AND event_id = $2")
            .bind(provider)
            .bind(event_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// Records an applied event; `false` if it was recorded already.
pub async fn record(
    conn: &mut AnyConnection,
    provider: &str,
    event_id: &str,
    event_type: &str,
    provider_ref: Option<&str>,
    outcome: &str,
) -> Result<bool, PaymentError> {
    let done = sqlx::query(
        "INSERT INTO payment_webhooks (provider, event_id, event_type, provider_ref, outcome, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, event_id) DO NOTHING",
    )
    .bind(provider)
    .bind(event_id)
    .bind(event_type)
    .bind(provider_ref.map(str::to_owned))
    .bind(outcome)
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
