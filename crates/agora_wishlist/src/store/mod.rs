//! Wishlist's persistence: portable SQL, the same on SQLite and PostgreSQL. Every function takes a
//! connection, so use cases (and the consumer, in its own transaction) decide what shares a transaction.

pub mod items;
pub mod products;

use agora_core::{Currency, Money};
use uuid::Uuid;

use crate::domain::WishlistError;

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, WishlistError> {
    Uuid::parse_str(text).map_err(|e| WishlistError::Internal(format!("stored id {text:?}: {e}")))
}

/// Money read back from an amount and a currency column.
pub(crate) fn money(amount_minor: i64, currency: &str) -> Result<Money, WishlistError> {
    let currency = Currency::parse(currency).map_err(|e| WishlistError::Internal(format!("stored currency: {e}")))?;
    Ok(Money { amount_minor, currency })
}

/// Flags are stored as 0 or 1 (the portable type).
pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
}

pub(crate) use agora_db::placeholders;
