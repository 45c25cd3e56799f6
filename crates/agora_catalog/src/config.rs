//! Catalog's settings (`[settings.catalog]`).

use std::time::Duration;

use agora_media::MediaSettings;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogSettings {
    /// The marketplace's currency: every price is in it, so price filters and sorting compare like with like.
    pub currency: String,
    /// How long a checkout's stock hold lasts before it expires and the units return.
    pub hold_ttl_secs: u64,
    /// How often expired holds are looked for.
    pub hold_sweep_secs: u64,
    /// Units one account may hold at once in open holds (its checkouts); more is refused.
    pub max_held_units_per_owner: i64,
    /// Low-stock threshold of a new product (the seller may change it per product).
    pub low_stock_threshold: i64,
    /// Images per product.
    pub max_images: usize,
    /// Product JSON and search answers are kept in memory this long, in milliseconds (0: never). Writes
    /// through this instance clear them at once; another instance's writes show after at most this long.
    pub cache_ttl_ms: u64,
    pub media: MediaSettings,
}

impl Default for CatalogSettings {
    fn default() -> Self {
        CatalogSettings {
            currency: "EUR".to_owned(),
            hold_ttl_secs: 900,
            hold_sweep_secs: 5,
            max_held_units_per_owner: 1000,
            low_stock_threshold: 3,
            max_images: 8,
            cache_ttl_ms: 5000,
            media: MediaSettings::default(),
        }
    }
}

impl CatalogSettings {
    pub fn hold_ttl(&self) -> Duration {
        Duration::from_secs(self.hold_ttl_secs)
    }
}
