//! Catalog's read model of delivered orders (order's `order_delivered` events): which buyer received which
//! product, so only they may review it.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::CatalogError;

/// Records that `buyer_id` received `product_id` with `order_id` (again: nothing changes).
pub async fn record(
    conn: &mut AnyConnection,
    buyer_id: Uuid,
    product_id: Uuid,
    order_id: Uuid,
    delivered_at: Timestamp,
) -> Result<(), CatalogError> {
    sqlx::query(
        "INSERT INTO purchases (buyer_id, product_id, order_id, delivered_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (buyer_id, product_id, order_id) DO NOTHING",
    )
    .bind(buyer_id.to_string())
    .bind(product_id.to_string())
    .bind(order_id.to_string())
    .bind(delivered_at.as_micros())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether an order of `buyer_id` delivered `product_id`.
pub async fn delivered(conn: &mut AnyConnection, buyer_id: Uuid, product_id: Uuid) -> Result<bool, CatalogError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM purchases WHERE buyer_id = $1 AND product_id = $2 LIMIT 1")
        .bind(buyer_id.to_string())
        .bind(product_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}
