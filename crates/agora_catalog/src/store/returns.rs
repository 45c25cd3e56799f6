//! Units of cancelled orders coming back: one row per order (its id is the key, so a repeated cancellation
//! finds the first), pending until its checkout's hold is confirmed.

use agora_core::Timestamp;
use agora_events::catalog::HoldLine;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::CatalogError;

/// Where a return stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnStatus {
    /// Waiting for the order's hold to be confirmed (its units are still held, not sold).
    Pending,
    /// The units moved from sold back to available.
    Applied,
    /// The hold was released or expired instead: the units came back that way.
    Void,
}

impl ReturnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Pending => "pending",
            ReturnStatus::Applied => "applied",
            ReturnStatus::Void => "void",
        }
    }
}

/// A cancelled order's units to return.
#[derive(Debug, Clone, PartialEq)]
pub struct StockReturn {
    pub order_id: Uuid,
    pub checkout_id: Uuid,
    pub lines: Vec<HoldLine>,
}

/// Records a return; `false` when this order's return exists already (nothing written).
pub async fn insert(conn: &mut AnyConnection, r: &StockReturn, status: ReturnStatus) -> Result<bool, CatalogError> {
    let lines = serde_json::to_string(&r.lines).map_err(|e| CatalogError::Internal(format!("return lines: {e}")))?;
    let now = Timestamp::now().as_micros();
    let settled = (status != ReturnStatus::Pending).then_some(now);
    let done = sqlx::query(
        "INSERT INTO stock_returns (order_id, checkout_id, lines, status, created_at, settled_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(r.order_id.to_string())
    .bind(r.checkout_id.to_string())
    .bind(lines)
    .bind(status.as_str())
    .bind(now)
    .bind(settled)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The pending returns of a checkout's orders, oldest first.
pub async fn pending(conn: &mut AnyConnection, checkout_id: Uuid) -> Result<Vec<StockReturn>, CatalogError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT order_id, lines FROM stock_returns WHERE checkout_id = $1 AND status = 'pending' \
         ORDER BY created_at, order_id",
    )
    .bind(checkout_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(order_id, lines)| {
            let lines = serde_json::from_str(&lines)
                .map_err(|e| CatalogError::Internal(format!("stock return {order_id}: {e}")))?;
            Ok(StockReturn { order_id: uuid(&order_id)?, checkout_id, lines })
        })
        .collect()
}

/// Settles a pending return as applied or void; `false` if it was no longer pending.
pub async fn settle(conn: &mut AnyConnection, order_id: Uuid, to: ReturnStatus) -> Result<bool, CatalogError> {
    let done =
        sqlx::query("UPDATE stock_returns SET status = $1, settled_at = $2 WHERE order_id = $3 AND status = 'pending'")
            .bind(to.as_str())
            .bind(Timestamp::now().as_micros())
            .bind(order_id.to_string())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
