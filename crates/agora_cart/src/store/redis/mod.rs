//! Carts in Redis (production): one hash per cart at `<topic prefix>cart:<cart key>`, so environments and
//! test runs sharing one Redis stay apart. Its fields: `meta` (the cart exists, even empty), and per line
//! `q:<product id>` (the quantity) and `l:<product id>` (the saved details, JSON). Every change is one Lua
//! script — read, check the limits, write, renew the key's lifetime — so it is atomic under any concurrency
//! and an idle cart simply expires.
//!
//! A merge touches two keys in one script, so on a Redis Cluster both would need one slot; Agora runs a
//! single Redis (with replicas) for carts.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, RedisError, Script};
use agora_core::Timestamp;
use agora_db::Tx;
use async_trait::async_trait;
use uuid::Uuid;

use super::{CartStore, ChangeMode, Changed, Lifetimes, LineChange, MergeLimits, Repriced};
use crate::domain::{Cart, CartError, CartKey, CartLine, LineDetails, Quantity};

static CHANGE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("change.lua")));
static REMOVE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("remove.lua")));
static REPRICE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("reprice.lua")));
static MERGE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("merge.lua")));

/// A command that does not answer within this is treated as Redis being unavailable.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const RECONNECT_MAX_DELAY_MS: u64 = 2000;

#[derive(Clone)]
pub struct RedisCartStore {
    conn: ConnectionManager,
    prefix: String,
    lifetimes: Lifetimes,
}

impl RedisCartStore {
    /// Connects to `url`; keys start with `prefix` (the bus's topic prefix).
    pub async fn connect(url: &str, prefix: &str, lifetimes: Lifetimes) -> Result<RedisCartStore, CartError> {
        let client = Client::open(url).map_err(|e| CartError::Internal(format!("redis.url is not valid: {e}")))?;
        // Reconnection waits double from a second up to RECONNECT_MAX_DELAY_MS. (The crate's own default
        // factor, 100, is taken as the multiplier between waits: minutes before a start-up gives up.)
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT)
            .set_factor(2)
            .set_max_delay(RECONNECT_MAX_DELAY_MS)
            .set_number_of_retries(3);
        let conn = ConnectionManager::new_with_config(client, config).await.map_err(unavailable)?;
        Ok(RedisCartStore { conn, prefix: prefix.to_owned(), lifetimes })
    }

    fn redis_key(&self, key: &CartKey) -> String {
        format!("{}cart:{}", self.prefix, key.as_str())
    }

    /// The cart's lifetime in milliseconds, as `PEXPIRE` takes it.
    fn lifetime_ms(&self, key: &CartKey) -> i64 {
        let lifetime = if key.is_guest() { self.lifetimes.guest } else { self.lifetimes.buyer };
        i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX).max(1)
    }

    async fn find(&self, key: &CartKey) -> Result<Option<Cart>, CartError> {
        let mut conn = self.conn.clone();
        let fields: HashMap<String, String> =
            ::redis::cmd("HGETALL").arg(self.redis_key(key)).query_async(&mut conn).await.map_err(unavailable)?;
        if fields.is_empty() { Ok(None) } else { parse(&fields).map(Some) }
    }

    /// Removes lines (`None`: all of them); `false` when there is no cart.
    async fn remove_lines(&self, key: &CartKey, products: Option<&[Uuid]>) -> Result<bool, CartError> {
        let mut invocation = REMOVE.key(self.redis_key(key));
        invocation.arg(self.lifetime_ms(key)).arg(if products.is_some() { "some" } else { "all" });
        for product in products.unwrap_or_default() {
            invocation.arg(product.to_string());
        }
        let mut conn = self.conn.clone();
        let found: i64 = invocation.invoke_async(&mut conn).await.map_err(unavailable)?;
        Ok(found == 1)
    }

    /// The cart after a script that answered whether it existed.
    async fn after(&self, key: &CartKey, existed: bool) -> Result<Cart, CartError> {
        match existed {
            false if key.is_guest() => Err(CartError::CartNotFound),
            false => Ok(Cart::default()),
            true => self.get(key).await,
        }
    }
}

#[async_trait]
impl CartStore for RedisCartStore {
    async fn create(&self, key: &CartKey) -> Result<(), CartError> {
        let mut conn = self.conn.clone();
        let redis_key = self.redis_key(key);
        let _: () = ::redis::pipe()
            .atomic()
            .hset(&redis_key, "meta", Timestamp::now().as_micros())
            .ignore()
            .pexpire(&redis_key, self.lifetime_ms(key))
            .ignore()
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, key: &CartKey) -> Result<Cart, CartError> {
        match self.find(key).await? {
            Some(cart) => Ok(cart),
            None if key.is_guest() => Err(CartError::CartNotFound),
            None => Ok(Cart::default()),
        }
    }

    async fn change(&self, key: &CartKey, change: &LineChange) -> Result<Changed, CartError> {
        let details = serde_json::to_string(&change.details).map_err(|e| CartError::Internal(e.to_string()))?;
        let mode = match change.mode {
            ChangeMode::Add => "add",
            ChangeMode::Set => "set",
        };
        let mut invocation = CHANGE.key(self.redis_key(key));
        invocation
            .arg(change.product_id.to_string())
            .arg(change.quantity.get())
            .arg(mode)
            .arg(change.limit)
            .arg(change.max_lines)
            .arg(details)
            .arg(self.lifetime_ms(key))
            .arg(if key.is_guest() { "1" } else { "0" })
            .arg(Timestamp::now().as_micros());
        let mut conn = self.conn.clone();
        let (status, units): (String, i64) = invocation.invoke_async(&mut conn).await.map_err(unavailable)?;
        match status.as_str() {
            "ok" => Ok(Changed::Done(self.get(key).await?)),
            "over" => Ok(Changed::OverLimit { in_cart: u32::try_from(units).unwrap_or(u32::MAX) }),
            "full" => Err(CartError::CartFull(change.max_lines)),
            "missing" => Err(CartError::CartNotFound),
            other => Err(CartError::Internal(format!("the change script answered {other:?}"))),
        }
    }

    async fn remove(&self, key: &CartKey, products: &[Uuid]) -> Result<Cart, CartError> {
        let existed = self.remove_lines(key, Some(products)).await?;
        self.after(key, existed).await
    }

    async fn clear(&self, key: &CartKey) -> Result<Cart, CartError> {
        let existed = self.remove_lines(key, None).await?;
        self.after(key, existed).await
    }

    async fn reprice(&self, key: &CartKey, lines: &[Repriced]) -> Result<Cart, CartError> {
        let cart = self.get(key).await?;
        let mut invocation = REPRICE.key(self.redis_key(key));
        invocation.arg(self.lifetime_ms(key));
        for change in lines {
            let Some(line) = cart.line(change.product_id) else { continue };
            let details =
                LineDetails { added_price: change.price, title: change.title.clone(), ..line.details.clone() };
            let json = serde_json::to_string(&details).map_err(|e| CartError::Internal(e.to_string()))?;
            invocation.arg(change.product_id.to_string()).arg(json);
        }
        let mut conn = self.conn.clone();
        let existed: i64 = invocation.invoke_async(&mut conn).await.map_err(unavailable)?;
        self.after(key, existed == 1).await
    }

    async fn merge(&self, from: &CartKey, into: &CartKey, limits: MergeLimits) -> Result<Cart, CartError> {
        let mut invocation = MERGE.key(self.redis_key(from));
        invocation
            .key(self.redis_key(into))
            .arg(limits.max_quantity)
            .arg(limits.max_lines)
            .arg(self.lifetime_ms(into))
            .arg(Timestamp::now().as_micros());
        let mut conn = self.conn.clone();
        let _merged: i64 = invocation.invoke_async(&mut conn).await.map_err(unavailable)?;
        self.get(into).await
    }

    async fn remove_bought(&self, _tx: &mut Tx, key: &CartKey, products: &[Uuid]) -> Result<(), CartError> {
        self.remove_lines(key, Some(products)).await.map(|_| ())
    }

    async fn purge_expired(&self) -> Result<u64, CartError> {
        Ok(0)
    }

    async fn ping(&self) -> Result<(), CartError> {
        let mut conn = self.conn.clone();
        let _: String = ::redis::cmd("PING").query_async(&mut conn).await.map_err(unavailable)?;
        Ok(())
    }
}

/// A cart from its hash's fields.
fn parse(fields: &HashMap<String, String>) -> Result<Cart, CartError> {
    let bad = |what: &str, name: &str| CartError::Internal(format!("cart field {name:?} holds a bad {what}"));
    let mut lines = Vec::new();
    for (name, value) in fields {
        let Some(product) = name.strip_prefix("q:") else { continue };
        let product_id = Uuid::parse_str(product).map_err(|_| bad("product id", name))?;
        let quantity = value.parse().ok().and_then(Quantity::stored).ok_or_else(|| bad("quantity", name))?;
        let details = fields.get(&format!("l:{product}")).ok_or_else(|| bad("line without details", name))?;
        let details: LineDetails = serde_json::from_str(details).map_err(|_| bad("line's details", name))?;
        lines.push(CartLine { product_id, quantity, details });
    }
    Ok(Cart::new(lines))
}

/// Connection failures and time-outs are Redis being away (503); anything else is a fault (500).
fn unavailable(err: RedisError) -> CartError {
    if err.is_io_error() || err.is_timeout() || err.is_connection_dropped() || err.is_connection_refusal() {
        CartError::StoreUnavailable(err.to_string())
    } else {
        CartError::Internal(format!("redis: {err}"))
    }
}
