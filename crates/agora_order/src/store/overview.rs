//! What a seller's overview reads: their paid orders, the lines those orders sold, and the read model of
//! their products' stock (fed by catalog's events, never by asking catalog).

use std::collections::HashMap;

use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::{OrderError, OrderStatus};

/// Orders that still count as sales (not cancelled or refunded).
const SOLD: &str = "o.paid_at IS NOT NULL AND o.status NOT IN ('cancelled', 'refunded')";

/// `(paid_at, total_minor)` of the seller's sales paid since `since` (microseconds).
pub async fn sales_since(conn: &mut AnyConnection, seller: Uuid, since: i64) -> Result<Vec<(i64, i64)>, OrderError> {
    let sql =
        format!("SELECT o.paid_at, o.total_minor FROM orders o WHERE o.seller_id = $1 AND o.paid_at >= $2 AND {SOLD}");
    Ok(sqlx::query_as(&sql).bind(seller.to_string()).bind(since).fetch_all(conn).await?)
}

/// How many of the seller's paid orders are in each state now.
pub async fn by_status(conn: &mut AnyConnection, seller: Uuid) -> Result<HashMap<OrderStatus, i64>, OrderError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM orders WHERE seller_id = $1 AND paid_at IS NOT NULL GROUP BY status",
    )
    .bind(seller.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(|(status, n)| OrderStatus::parse(&status).map(|s| (s, n))).collect())
}

/// A product's sales over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSales {
    pub product_id: Uuid,
    pub title: String,
    pub units: i64,
    pub revenue_minor: i64,
}

/// The seller's best-selling products by units since `since`, at most `limit`.
pub async fn top_products(
    conn: &mut AnyConnection,
    seller: Uuid,
    since: i64,
    limit: i64,
) -> Result<Vec<ProductSales>, OrderError> {
    let sql = format!(
        "SELECT l.product_id, MAX(l.title), CAST(SUM(l.quantity) AS BIGINT), CAST(SUM(l.line_total_minor) AS BIGINT) \
         FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.seller_id = $1 AND o.paid_at >= $2 AND {SOLD} \
         GROUP BY l.product_id ORDER BY 3 DESC, 4 DESC, 1 LIMIT $3"
    );
    let rows: Vec<(String, String, i64, i64)> =
        sqlx::query_as(&sql).bind(seller.to_string()).bind(since).bind(limit).fetch_all(conn).await?;
    rows.into_iter()
        .map(|(id, title, units, revenue_minor)| {
            Ok(ProductSales { product_id: uuid(&id)?, title, units, revenue_minor })
        })
        .collect()
}

/// A product at or below its low-stock threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowStock {
    pub product_id: Uuid,
    pub title: String,
    pub available: i64,
    pub threshold: i64,
}

/// The seller's products for sale that are running low (sold out first), at most `limit`.
pub async fn low_stock(conn: &mut AnyConnection, seller: Uuid, limit: i64) -> Result<Vec<LowStock>, OrderError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT p.product_id, p.title, s.available, p.low_stock_threshold FROM products p \
         JOIN product_stock s ON s.product_id = p.product_id \
         WHERE p.seller_id = $1 AND p.status = 'active' AND p.low_stock_threshold IS NOT NULL \
         AND s.available <= p.low_stock_threshold ORDER BY s.available, p.title LIMIT $2",
    )
    .bind(seller.to_string())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, title, available, threshold)| Ok(LowStock { product_id: uuid(&id)?, title, available, threshold }))
        .collect()
}
