//! Cart's settings (`[settings.cart]`), checked at start so a bad value names its key.

use std::time::Duration;

use agora_core::Currency;
use serde::Deserialize;

/// Catalog answers at most this many products per batch call. A cart's lines and the product being added
/// are asked about in one call, so a cart holds at most one line fewer.
pub const CATALOG_BATCH_LIMIT: u32 = 100;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CartSettings {
    /// Different products in one cart.
    pub max_lines: u32,
    /// Units of one product per line.
    pub max_quantity: u32,
    /// How long one call to catalog may take, in milliseconds.
    pub catalog_timeout_ms: u64,
    /// A signed-in buyer's cart is kept this many days after its last change.
    pub buyer_cart_ttl_days: u64,
    /// A visitor's cart is kept this many days after its last change.
    pub guest_cart_ttl_days: u64,
    /// The marketplace's currency (the same as `settings.catalog.currency`): subtotals are in it.
    pub currency: String,
}

impl Default for CartSettings {
    fn default() -> Self {
        CartSettings {
            max_lines: 50,
            max_quantity: 99,
            catalog_timeout_ms: 2000,
            buyer_cart_ttl_days: 90,
            guest_cart_ttl_days: 7,
            currency: "EUR".to_owned(),
        }
    }
}

impl CartSettings {
    /// Checks every value; the error names the first bad key.
    pub fn validate(&self) -> Result<Currency, String> {
        let key = |name: &str, message: &str| format!("settings.cart.{name}: {message}");
        if self.max_lines == 0 || self.max_lines >= CATALOG_BATCH_LIMIT {
            return Err(key("max_lines", &format!("must be between 1 and {}", CATALOG_BATCH_LIMIT - 1)));
        }
        if self.max_quantity == 0 {
            return Err(key("max_quantity", "must be at least 1"));
        }
        if self.catalog_timeout_ms == 0 {
            return Err(key("catalog_timeout_ms", "must be at least 1"));
        }
        if self.buyer_cart_ttl_days == 0 {
            return Err(key("buyer_cart_ttl_days", "must be at least 1"));
        }
        if self.guest_cart_ttl_days == 0 {
            return Err(key("guest_cart_ttl_days", "must be at least 1"));
        }
        Currency::parse(&self.currency).map_err(|e| key("currency", &e.to_string()))
    }

    pub fn catalog_timeout(&self) -> Duration {
        Duration::from_millis(self.catalog_timeout_ms)
    }

    /// How long carts live after their last change.
    pub fn lifetimes(&self) -> Lifetimes {
        let days = |n: u64| Duration::from_secs(n.saturating_mul(86_400));
        Lifetimes { buyer: days(self.buyer_cart_ttl_days), guest: days(self.guest_cart_ttl_days) }
    }
}

/// How long a cart lives after its last change, per kind of owner.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub buyer: Duration,
    pub guest: Duration,
}
