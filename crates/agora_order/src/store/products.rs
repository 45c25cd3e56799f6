//! Order's read model of catalog's products: what a checkout line costs, who sells it and whether it is for
//! sale. Fed by `catalog.products`; each product's `version` keeps a late, older event from undoing a newer one.

use std::collections::HashMap;

use agora_core::{Currency, Money};
use agora_events::catalog::ProductSnapshot;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{placeholders, uuid};
use crate::domain::OrderError;

/// A product as order knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownProduct {
    pub id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub price: Money,
    pub for_sale: bool,
    pub thumbnail: Option<String>,
}

/// Keeps a snapshot unless a newer version is stored already.
pub async fn upsert(conn: &mut AnyConnection, p: &ProductSnapshot) -> Result<(), OrderError> {
    sqlx::query(
        "INSERT INTO products (product_id, seller_id, title, price_minor, currency, status, thumbnail, version, \
         low_stock_threshold) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (product_id) DO UPDATE SET seller_id = excluded.seller_id, title = excluded.title, \
         price_minor = excluded.price_minor, currency = excluded.currency, status = excluded.status, \
         thumbnail = excluded.thumbnail, version = excluded.version, \
         low_stock_threshold = COALESCE(excluded.low_stock_threshold, products.low_stock_threshold) \
         WHERE products.version < excluded.version",
    )
    .bind(p.product_id.to_string())
    .bind(p.seller_id.to_string())
    .bind(&p.title)
    .bind(p.price.amount_minor)
    .bind(p.price.currency.as_str().to_owned())
    .bind(&p.status)
    .bind(p.thumbnail.clone())
    .bind(p.version)
    .bind(p.low_stock_threshold)
    .execute(&mut *conn)
    .await?;
    // Stock events (their own topic) are newer than any snapshot's count once one has arrived.
    sqlx::query(
        "INSERT INTO product_stock (product_id, available) VALUES ($1, $2) ON CONFLICT (product_id) DO NOTHING",
    )
    .bind(p.product_id.to_string())
    .bind(p.available)
    .execute(conn)
    .await?;
    Ok(())
}

/// A product's available units after a stock change (catalog.stock is ordered per product).
pub async fn keep_stock(conn: &mut AnyConnection, product_id: Uuid, available: i64) -> Result<(), OrderError> {
    sqlx::query(
        "INSERT INTO product_stock (product_id, available) VALUES ($1, $2) \
         ON CONFLICT (product_id) DO UPDATE SET available = excluded.available",
    )
    .bind(product_id.to_string())
    .bind(available)
    .execute(conn)
    .await?;
    Ok(())
}

/// A deleted product is never sold again.
pub async fn mark_deleted(conn: &mut AnyConnection, id: Uuid, version: i64) -> Result<(), OrderError> {
    sqlx::query("UPDATE products SET status = 'deleted', version = $2 WHERE product_id = $1 AND version <= $2")
        .bind(id.to_string())
        .bind(version)
        .execute(conn)
        .await?;
    Ok(())
}

/// The known products among `ids`.
pub async fn find_many(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, KnownProduct>, OrderError> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT product_id, seller_id, title, price_minor, currency, status, thumbnail FROM products \
         WHERE product_id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, (String, String, String, i64, String, String, Option<String>)>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    for (id, seller_id, title, price_minor, currency, status, thumbnail) in query.fetch_all(conn).await? {
        let currency = Currency::parse(&currency).map_err(|e| OrderError::Internal(e.to_string()))?;
        let product = KnownProduct {
            id: uuid(&id)?,
            seller_id: uuid(&seller_id)?,
            title,
            price: Money { amount_minor: price_minor, currency },
            for_sale: status == "active",
            thumbnail,
        };
        found.insert(product.id, product);
    }
    Ok(found)
}

/// Records an approved seller's shop name.
pub async fn keep_shop_name(conn: &mut AnyConnection, seller_id: Uuid, shop_name: &str) -> Result<(), OrderError> {
    sqlx::query(
        "INSERT INTO sellers (user_id, shop_name) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET shop_name = excluded.shop_name",
    )
    .bind(seller_id.to_string())
    .bind(shop_name)
    .execute(conn)
    .await?;
    Ok(())
}

/// Shop names of these sellers (those order has heard of).
pub async fn shop_names(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, OrderError> {
    let mut names = HashMap::new();
    if ids.is_empty() {
        return Ok(names);
    }
    let sql = format!("SELECT user_id, shop_name FROM sellers WHERE user_id IN ({})", placeholders(1, ids.len()));
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    for (id, name) in query.fetch_all(conn).await? {
        names.insert(uuid(&id)?, name);
    }
    Ok(names)
}
