//! Wishlist's settings (`[settings.wishlist]`), checked at start so a bad value names its key.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WishlistSettings {
    /// Products one buyer may save.
    pub max_items: u32,
    /// How long one call to catalog may take, in milliseconds.
    pub catalog_timeout_ms: u64,
}

impl Default for WishlistSettings {
    fn default() -> Self {
        WishlistSettings { max_items: 200, catalog_timeout_ms: 2000 }
    }
}

impl WishlistSettings {
    /// Checks every value; the error names the first bad key.
    pub fn validate(&self) -> Result<(), String> {
        let key = |name: &str, message: &str| format!("settings.wishlist.{name}: {message}");
        if self.max_items == 0 {
            return Err(key("max_items", "must be at least 1"));
        }
        if self.catalog_timeout_ms == 0 {
            return Err(key("catalog_timeout_ms", "must be at least 1"));
        }
        Ok(())
    }

    pub fn catalog_timeout(&self) -> Duration {
        Duration::from_millis(self.catalog_timeout_ms)
    }
}
