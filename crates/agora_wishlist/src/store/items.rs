//! Saved items: insert once (the primary key decides), remove, list a buyer's newest first, and find the
//! buyers watching a product.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::{flag, money, placeholders, uuid};
use crate::domain::{Alerts, SavedItem, WishlistError};

const COLUMNS: &str = "buyer_id, product_id, added_at, price_when_saved_minor, currency, notify_price_drop, \
                       notify_back_in_stock";

/// What inserting an item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Newly saved.
    Created,
    /// The buyer had saved it already, or holds `max` items: nothing changed.
    NotInserted,
}

/// Saves the item unless the buyer saved this product already (the primary key) or holds `max` items.
pub async fn insert(conn: &mut AnyConnection, item: &SavedItem, max: u32) -> Result<Inserted, WishlistError> {
    let done = sqlx::query(&format!(
        "INSERT INTO items ({COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7 \
         WHERE (SELECT COUNT(*) FROM items WHERE buyer_id = $1) < $8 \
         ON CONFLICT (buyer_id, product_id) DO NOTHING"
    ))
    .bind(item.buyer_id.to_string())
    .bind(item.product_id.to_string())
    .bind(item.added_at.as_micros())
    .bind(item.price_when_saved.amount_minor)
    .bind(item.price_when_saved.currency.as_str().to_owned())
    .bind(flag(item.alerts.price_drop))
    .bind(flag(item.alerts.back_in_stock))
    .bind(i64::from(max))
    .execute(conn)
    .await?;
    Ok(if done.rows_affected() == 1 { Inserted::Created } else { Inserted::NotInserted })
}

/// The buyer's item for this product, if saved.
pub async fn find(conn: &mut AnyConnection, buyer: Uuid, product: Uuid) -> Result<Option<SavedItem>, WishlistError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM items WHERE buyer_id = $1 AND product_id = $2"))
        .bind(buyer.to_string())
        .bind(product.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(item).transpose()
}

/// Removes the item; false when it was not saved.
pub async fn delete(conn: &mut AnyConnection, buyer: Uuid, product: Uuid) -> Result<bool, WishlistError> {
    let done = sqlx::query("DELETE FROM items WHERE buyer_id = $1 AND product_id = $2")
        .bind(buyer.to_string())
        .bind(product.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The buyer's items, newest first, after the cursor `(added_at, product_id)`; one more than `limit` tells
/// whether there is a next page.
pub async fn list(
    conn: &mut AnyConnection,
    buyer: Uuid,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<SavedItem>, WishlistError> {
    let (at, id) = after.unwrap_or((i64::MAX, "~".to_owned()));
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM items WHERE buyer_id = $1 \
         AND (added_at < $2 OR (added_at = $2 AND product_id < $3)) \
         ORDER BY added_at DESC, product_id DESC LIMIT $4"
    ))
    .bind(buyer.to_string())
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(item).collect()
}

/// Which of `products` the buyer saved.
pub async fn saved_among(conn: &mut AnyConnection, buyer: Uuid, products: &[Uuid]) -> Result<Vec<Uuid>, WishlistError> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT product_id FROM items WHERE buyer_id = $1 AND product_id IN ({})",
        placeholders(2, products.len())
    );
    let mut query = sqlx::query_as::<_, (String,)>(&sql).bind(buyer.to_string());
    for id in products {
        query = query.bind(id.to_string());
    }
    query.fetch_all(conn).await?.iter().map(|(id,)| uuid(id)).collect()
}

/// Which alert a fan-out is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    PriceDrop,
    BackInStock,
}

/// The buyers who saved `product` and want `watch` alerts about it, in a stable order.
pub async fn watchers(conn: &mut AnyConnection, product: Uuid, watch: Watch) -> Result<Vec<Uuid>, WishlistError> {
    let column = match watch {
        Watch::PriceDrop => "notify_price_drop",
        Watch::BackInStock => "notify_back_in_stock",
    };
    let rows: Vec<(String,)> =
        sqlx::query_as(&format!("SELECT buyer_id FROM items WHERE product_id = $1 AND {column} = 1 ORDER BY buyer_id"))
            .bind(product.to_string())
            .fetch_all(conn)
            .await?;
    rows.iter().map(|(id,)| uuid(id)).collect()
}

fn item(row: &AnyRow) -> Result<SavedItem, WishlistError> {
    use sqlx::Row;
    let currency: String = row.try_get("currency")?;
    Ok(SavedItem {
        buyer_id: uuid(&row.try_get::<String, _>("buyer_id")?)?,
        product_id: uuid(&row.try_get::<String, _>("product_id")?)?,
        added_at: Timestamp::from_micros(row.try_get("added_at")?),
        price_when_saved: money(row.try_get("price_when_saved_minor")?, &currency)?,
        alerts: Alerts {
            price_drop: row.try_get::<i64, _>("notify_price_drop")? != 0,
            back_in_stock: row.try_get::<i64, _>("notify_back_in_stock")? != 0,
        },
    })
}
