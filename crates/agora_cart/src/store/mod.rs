//! Where carts live, behind one small interface with two implementations: [`RedisCartStore`] in production
//! (one hash per cart, changed by Lua scripts so limits hold under concurrency, expiring by itself) and
//! [`SqlCartStore`] on the service's own SQLite or PostgreSQL database in embedded mode. Both pass the same
//! conformance suite (`tests/api/store.rs`).
//!
//! The contract, whichever the backend:
//! - a buyer's cart exists once written to and reads as empty before; a visitor's exists from
//!   [`CartStore::create`] until it expires or is merged, and is [`CartError::CartNotFound`] otherwise;
//! - every change renews the cart's lifetime (the buyer's or the visitor's, from [`Lifetimes`]);
//! - one change is atomic: concurrent additions all count, and no line passes its limit, no cart its
//!   line cap.

mod redis;
mod sql;

use agora_core::Money;
use agora_db::Tx;
use async_trait::async_trait;
use uuid::Uuid;

pub use self::redis::RedisCartStore;
pub use self::sql::SqlCartStore;
pub use crate::config::Lifetimes;
use crate::domain::{Cart, CartError, CartKey, LineDetails, Quantity};

#[async_trait]
pub trait CartStore: Send + Sync + 'static {
    /// Creates an empty visitor's cart.
    async fn create(&self, key: &CartKey) -> Result<(), CartError>;

    /// The cart: empty for a buyer who has none, [`CartError::CartNotFound`] for a visitor's that is gone.
    async fn get(&self, key: &CartKey) -> Result<Cart, CartError>;

    /// Adds to or sets one line, creating it (with `details`) when the product is not in the cart yet.
    async fn change(&self, key: &CartKey, change: &LineChange) -> Result<Changed, CartError>;

    /// Removes these products' lines; products not in the cart are ignored.
    async fn remove(&self, key: &CartKey, products: &[Uuid]) -> Result<Cart, CartError>;

    /// Removes every line (a visitor's cart stays, empty).
    async fn clear(&self, key: &CartKey) -> Result<Cart, CartError>;

    /// Replaces the price and title saved with these lines (the shopper has seen the current ones). Lines
    /// no longer in the cart are not brought back.
    async fn reprice(&self, key: &CartKey, lines: &[Repriced]) -> Result<Cart, CartError>;

    /// Moves the lines of cart `from` into `into` in one step and deletes `from`: quantities of a product
    /// in both add up to at most `max_quantity`; new lines past `max_lines` are left out. Without a cart
    /// `from` (already merged, expired) nothing changes. Answers `into`.
    async fn merge(&self, from: &CartKey, into: &CartKey, limits: MergeLimits) -> Result<Cart, CartError>;

    /// Removes bought products from a cart as part of the event consumer's transaction `tx`. A store in the
    /// service's own database writes in `tx`; one elsewhere (Redis) removes at once — removing is
    /// idempotent, so a redelivered event does no harm.
    async fn remove_bought(&self, tx: &mut Tx, key: &CartKey, products: &[Uuid]) -> Result<(), CartError>;

    /// Deletes carts past their lifetime; answers how many (a store whose keys expire by themselves: 0).
    async fn purge_expired(&self) -> Result<u64, CartError>;

    /// Whether the store answers (for `/readyz`).
    async fn ping(&self) -> Result<(), CartError>;
}

/// One line's change.
#[derive(Debug, Clone)]
pub struct LineChange {
    pub product_id: Uuid,
    pub quantity: Quantity,
    pub mode: ChangeMode,
    /// Saved with the line when it is new.
    pub details: LineDetails,
    /// The most units the line may hold afterwards (the smaller of the per-line maximum and the stock).
    pub limit: u32,
    /// The most lines the cart may hold.
    pub max_lines: u32,
}

impl LineChange {
    /// The line's quantity after the change, given the units already in the cart.
    pub fn wanted(&self, in_cart: u32) -> u32 {
        match self.mode {
            ChangeMode::Add => in_cart.saturating_add(self.quantity.get()),
            ChangeMode::Set => self.quantity.get(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeMode {
    /// Adds the quantity to the line's.
    Add,
    /// Replaces the line's quantity.
    Set,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Done(Cart),
    /// Nothing changed: the line would pass its limit. It holds `in_cart` units.
    OverLimit {
        in_cart: u32,
    },
}

/// The price and title a shopper has now seen for a line.
#[derive(Debug, Clone)]
pub struct Repriced {
    pub product_id: Uuid,
    pub price: Money,
    pub title: String,
}

#[derive(Debug, Clone, Copy)]
pub struct MergeLimits {
    pub max_quantity: u32,
    pub max_lines: u32,
}
