//! Carts in the service's own database (embedded mode), in SQL both SQLite and PostgreSQL run.
//!
//! Every change runs in one transaction that starts by renewing the cart's row: on PostgreSQL that locks
//! the row, on SQLite the transaction holds the write lock from `BEGIN`, so concurrent changes to one cart
//! apply one after the other and the limits hold. An expired cart is deleted (its lines with it) before
//! anything else, so it never comes back to life.

use std::time::Duration;

use agora_core::{Currency, Money, Timestamp};
use agora_db::{Db, Tx};
use async_trait::async_trait;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use super::{CartStore, Changed, Lifetimes, LineChange, MergeLimits, Repriced};
use crate::domain::{Cart, CartError, CartKey, CartLine, LineDetails, Quantity};

#[derive(Clone)]
pub struct SqlCartStore {
    db: Db,
    lifetimes: Lifetimes,
}

impl SqlCartStore {
    pub fn new(db: Db, lifetimes: Lifetimes) -> SqlCartStore {
        SqlCartStore { db, lifetimes }
    }

    fn lifetime(&self, key: &CartKey) -> Duration {
        if key.is_guest() { self.lifetimes.guest } else { self.lifetimes.buyer }
    }

    /// Renews and locks the cart, creating a buyer's when `create`; `false` when there is no cart.
    async fn open(&self, conn: &mut AnyConnection, key: &CartKey, create: bool) -> Result<bool, CartError> {
        let now = Timestamp::now();
        let until = now.plus(self.lifetime(key)).as_micros();
        sqlx::query("DELETE FROM carts WHERE cart_key = $1 AND expires_at <= $2")
            .bind(key.as_str())
            .bind(now.as_micros())
            .execute(&mut *conn)
            .await?;
        if create && !key.is_guest() {
            sqlx::query(
                "INSERT INTO carts (cart_key, created_at, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (cart_key) DO UPDATE SET expires_at = excluded.expires_at",
            )
            .bind(key.as_str())
            .bind(now.as_micros())
            .bind(until)
            .execute(&mut *conn)
            .await?;
            return Ok(true);
        }
        let renewed = sqlx::query("UPDATE carts SET expires_at = $2 WHERE cart_key = $1")
            .bind(key.as_str())
            .bind(until)
            .execute(&mut *conn)
            .await?;
        Ok(renewed.rows_affected() == 1)
    }

    /// Opens an existing cart in `tx`: `false` for a buyer without one (nothing to change), an error for a
    /// visitor's that is gone.
    async fn open_existing(&self, tx: &mut Tx, key: &CartKey) -> Result<bool, CartError> {
        match self.open(tx, key, false).await? {
            false if key.is_guest() => Err(CartError::CartNotFound),
            open => Ok(open),
        }
    }
}

#[async_trait]
impl CartStore for SqlCartStore {
    async fn create(&self, key: &CartKey) -> Result<(), CartError> {
        let now = Timestamp::now();
        let mut tx = self.db.begin().await?;
        sqlx::query("INSERT INTO carts (cart_key, created_at, expires_at) VALUES ($1, $2, $3)")
            .bind(key.as_str())
            .bind(now.as_micros())
            .bind(now.plus(self.lifetime(key)).as_micros())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get(&self, key: &CartKey) -> Result<Cart, CartError> {
        let mut conn = self.db.pool().acquire().await?;
        let alive: Option<i64> =
            sqlx::query_scalar("SELECT created_at FROM carts WHERE cart_key = $1 AND expires_at > $2")
                .bind(key.as_str())
                .bind(Timestamp::now().as_micros())
                .fetch_optional(&mut *conn)
                .await?;
        match alive {
            Some(_) => lines(&mut conn, key).await,
            None if key.is_guest() => Err(CartError::CartNotFound),
            None => Ok(Cart::default()),
        }
    }

    async fn change(&self, key: &CartKey, change: &LineChange) -> Result<Changed, CartError> {
        let mut tx = self.db.begin().await?;
        if !self.open(&mut tx, key, true).await? {
            return Err(CartError::CartNotFound);
        }
        let product = change.product_id.to_string();
        let current: Option<i64> =
            sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE cart_key = $1 AND product_id = $2")
                .bind(key.as_str())
                .bind(&product)
                .fetch_optional(&mut *tx)
                .await?;
        let in_cart = current.and_then(Quantity::stored).map_or(0, Quantity::get);
        let wanted = change.wanted(in_cart);
        if wanted > change.limit {
            return Ok(Changed::OverLimit { in_cart });
        }
        if current.is_some() {
            sqlx::query("UPDATE cart_lines SET quantity = $3 WHERE cart_key = $1 AND product_id = $2")
                .bind(key.as_str())
                .bind(&product)
                .bind(i64::from(wanted))
                .execute(&mut *tx)
                .await?;
        } else {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE cart_key = $1")
                .bind(key.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if count >= i64::from(change.max_lines) {
                return Err(CartError::CartFull(change.max_lines));
            }
            insert_line(&mut tx, key, change.product_id, wanted, &change.details).await?;
        }
        let cart = lines(&mut tx, key).await?;
        tx.commit().await?;
        Ok(Changed::Done(cart))
    }

    async fn remove(&self, key: &CartKey, products: &[Uuid]) -> Result<Cart, CartError> {
        let mut tx = self.db.begin().await?;
        if !self.open_existing(&mut tx, key).await? {
            return Ok(Cart::default());
        }
        delete_lines(&mut tx, key, products).await?;
        let cart = lines(&mut tx, key).await?;
        tx.commit().await?;
        Ok(cart)
    }

    async fn clear(&self, key: &CartKey) -> Result<Cart, CartError> {
        let mut tx = self.db.begin().await?;
        if !self.open_existing(&mut tx, key).await? {
            return Ok(Cart::default());
        }
        sqlx::query("DELETE FROM cart_lines WHERE cart_key = $1").bind(key.as_str()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Cart::default())
    }

    async fn reprice(&self, key: &CartKey, repriced: &[Repriced]) -> Result<Cart, CartError> {
        let mut tx = self.db.begin().await?;
        if !self.open_existing(&mut tx, key).await? {
            return Ok(Cart::default());
        }
        for line in repriced {
            sqlx::query(
                "UPDATE cart_lines SET added_price_minor = $3, currency = $4, title = $5 \
                 WHERE cart_key = $1 AND product_id = $2",
            )
            .bind(key.as_str())
            .bind(line.product_id.to_string())
            .bind(line.price.amount_minor)
            .bind(line.price.currency.as_str())
            .bind(&line.title)
            .execute(&mut *tx)
            .await?;
        }
        let cart = lines(&mut tx, key).await?;
        tx.commit().await?;
        Ok(cart)
    }

    async fn merge(&self, from: &CartKey, into: &CartKey, limits: MergeLimits) -> Result<Cart, CartError> {
        let mut tx = self.db.begin().await?;
        // Always `into` first, then `from`: two merges never wait on each other in opposite orders.
        if !self.open(&mut tx, into, true).await? {
            return Err(CartError::CartNotFound);
        }
        if !self.open(&mut tx, from, false).await? {
            let cart = lines(&mut tx, into).await?;
            tx.commit().await?;
            return Ok(cart);
        }
        let guest = lines(&mut tx, from).await?;
        let mut target = lines(&mut tx, into).await?;
        for line in guest.lines {
            let units = line.quantity.get();
            if let Some(existing) = target.line(line.product_id) {
                let sum = existing.quantity.get().saturating_add(units).min(limits.max_quantity);
                sqlx::query("UPDATE cart_lines SET quantity = $3 WHERE cart_key = $1 AND product_id = $2")
                    .bind(into.as_str())
                    .bind(line.product_id.to_string())
                    .bind(i64::from(sum))
                    .execute(&mut *tx)
                    .await?;
            } else if target.lines.len() < limits.max_lines as usize {
                insert_line(&mut tx, into, line.product_id, units.min(limits.max_quantity), &line.details).await?;
                target.lines.push(line);
            }
        }
        sqlx::query("DELETE FROM carts WHERE cart_key = $1").bind(from.as_str()).execute(&mut *tx).await?;
        let cart = lines(&mut tx, into).await?;
        tx.commit().await?;
        Ok(cart)
    }

    async fn remove_bought(&self, tx: &mut Tx, key: &CartKey, products: &[Uuid]) -> Result<(), CartError> {
        if self.open(tx, key, false).await? {
            delete_lines(tx, key, products).await?;
        }
        Ok(())
    }

    async fn purge_expired(&self) -> Result<u64, CartError> {
        let mut tx = self.db.begin().await?;
        let done = sqlx::query("DELETE FROM carts WHERE expires_at <= $1")
            .bind(Timestamp::now().as_micros())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// The database is checked by the platform already.
    async fn ping(&self) -> Result<(), CartError> {
        Ok(())
    }
}

async fn insert_line(
    conn: &mut AnyConnection,
    key: &CartKey,
    product_id: Uuid,
    quantity: u32,
    details: &LineDetails,
) -> Result<(), CartError> {
    sqlx::query(
        "INSERT INTO cart_lines (cart_key, product_id, quantity, title, seller_id, shop_name, added_price_minor, \
         currency, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(key.as_str())
    .bind(product_id.to_string())
    .bind(i64::from(quantity))
    .bind(&details.title)
    .bind(details.seller_id.to_string())
    .bind(&details.shop_name)
    .bind(details.added_price.amount_minor)
    .bind(details.added_price.currency.as_str())
    .bind(details.added_at.as_micros())
    .execute(conn)
    .await?;
    Ok(())
}

async fn delete_lines(conn: &mut AnyConnection, key: &CartKey, products: &[Uuid]) -> Result<(), CartError> {
    for product in products {
        sqlx::query("DELETE FROM cart_lines WHERE cart_key = $1 AND product_id = $2")
            .bind(key.as_str())
            .bind(product.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The cart's lines, oldest first.
async fn lines(conn: &mut AnyConnection, key: &CartKey) -> Result<Cart, CartError> {
    let rows = sqlx::query(
        "SELECT product_id, quantity, title, seller_id, shop_name, added_price_minor, currency, added_at \
         FROM cart_lines WHERE cart_key = $1",
    )
    .bind(key.as_str())
    .fetch_all(conn)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let stored = |what: &str, value: &str| CartError::Internal(format!("stored {what} {value:?} is not valid"));
        let product: String = row.try_get("product_id")?;
        let seller: String = row.try_get("seller_id")?;
        let currency: String = row.try_get("currency")?;
        let quantity: i64 = row.try_get("quantity")?;
        lines.push(CartLine {
            product_id: Uuid::parse_str(&product).map_err(|_| stored("product id", &product))?,
            quantity: Quantity::stored(quantity).ok_or_else(|| stored("quantity", &quantity.to_string()))?,
            details: LineDetails {
                title: row.try_get("title")?,
                seller_id: Uuid::parse_str(&seller).map_err(|_| stored("seller id", &seller))?,
                shop_name: row.try_get("shop_name")?,
                added_price: Money {
                    amount_minor: row.try_get("added_price_minor")?,
                    currency: Currency::parse(&currency).map_err(|_| stored("currency", &currency))?,
                },
                added_at: Timestamp::from_micros(row.try_get("added_at")?),
            },
        });
    }
    Ok(Cart::new(lines))
}
