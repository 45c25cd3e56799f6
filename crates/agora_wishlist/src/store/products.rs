//! Wishlist's read model of catalog's products: what may be saved and at what price, and what a wishlist
//! shows while catalog does not answer. Fed by `catalog.products` (each product's `version` keeps a late,
//! older snapshot from undoing a newer one) and `catalog.stock` (ordered per product, so the latest count
//! wins; a snapshot's count only seeds a product first heard of).

use std::collections::HashMap;

use agora_core::Money;
use agora_events::catalog::ProductSnapshot;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{money, placeholders, uuid};
use crate::domain::{KnownProduct, ProductStatus, WishlistError};

/// Keeps a snapshot unless a newer version is stored already.
pub async fn upsert(conn: &mut AnyConnection, p: &ProductSnapshot) -> Result<(), WishlistError> {
    sqlx::query(
        "INSERT INTO products (product_id, seller_id, title, price_minor, currency, status, available, thumbnail, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (product_id) DO UPDATE SET seller_id = excluded.seller_id, title = excluded.title, \
         price_minor = excluded.price_minor, currency = excluded.currency, status = excluded.status, \
         thumbnail = excluded.thumbnail, version = excluded.version \
         WHERE products.version < excluded.version",
    )
    .bind(p.product_id.to_string())
    .bind(p.seller_id.to_string())
    .bind(&p.title)
    .bind(p.price.amount_minor)
    .bind(p.price.currency.as_str().to_owned())
    .bind(&p.status)
    .bind(p.available)
    .bind(p.thumbnail.clone())
    .bind(p.version)
    .execute(conn)
    .await?;
    Ok(())
}

/// A new price ahead of the `product_updated` snapshot of the same version (which then applies in full).
pub async fn keep_price(conn: &mut AnyConnection, id: Uuid, price: Money, version: i64) -> Result<(), WishlistError> {
    sqlx::query("UPDATE products SET price_minor = $2, currency = $3 WHERE product_id = $1 AND version < $4")
        .bind(id.to_string())
        .bind(price.amount_minor)
        .bind(price.currency.as_str().to_owned())
        .bind(version)
        .execute(conn)
        .await?;
    Ok(())
}

/// A product's available units after a stock change.
pub async fn keep_stock(conn: &mut AnyConnection, id: Uuid, available: i64) -> Result<(), WishlistError> {
    sqlx::query("UPDATE products SET available = $2 WHERE product_id = $1")
        .bind(id.to_string())
        .bind(available)
        .execute(conn)
        .await?;
    Ok(())
}

/// A deleted product cannot be saved any more; items that hold it stay and show it unavailable.
pub async fn mark_deleted(conn: &mut AnyConnection, id: Uuid, version: i64) -> Result<(), WishlistError> {
    sqlx::query("UPDATE products SET status = 'deleted', version = $2 WHERE product_id = $1 AND version <= $2")
        .bind(id.to_string())
        .bind(version)
        .execute(conn)
        .await?;
    Ok(())
}

/// The product, if the read model knows it.
pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<KnownProduct>, WishlistError> {
    Ok(find_many(conn, &[id]).await?.remove(&id))
}

/// The known products among `ids`.
pub async fn find_many(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, KnownProduct>, WishlistError> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT product_id, seller_id, title, price_minor, currency, status, available, thumbnail FROM products \
         WHERE product_id IN ({})",
        placeholders(1, ids.len())
    );
    type Row = (String, String, String, i64, String, String, i64, Option<String>);
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    for (id, seller_id, title, price_minor, currency, status, available, thumbnail) in query.fetch_all(conn).await? {
        let product = KnownProduct {
            id: uuid(&id)?,
            seller_id: uuid(&seller_id)?,
            title,
            price: money(price_minor, &currency)?,
            status: ProductStatus::parse(&status),
            available,
            thumbnail,
        };
        found.insert(product.id, product);
    }
    Ok(found)
}
