//! The order service's settings (`[settings.order]`).

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSettings {
    /// The marketplace's currency (the same as catalog's).
    pub currency: String,
    /// How long a checkout may be paid for after its stock is held.
    pub checkout_ttl_secs: u64,
    /// How often checkouts past their time are looked for.
    pub sweep_secs: u64,
    /// Timeout of calls to the cart service.
    pub cart_timeout_ms: u64,
    /// Addresses one buyer may keep.
    pub max_addresses: usize,
}

impl OrderSettings {
    pub fn checkout_ttl(&self) -> Duration {
        Duration::from_secs(self.checkout_ttl_secs)
    }
}
