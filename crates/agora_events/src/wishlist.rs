//! Events of the wishlist service: alerts for the buyers watching a product, one event per buyer, keyed by
//! the buyer's id (so one buyer's alerts stay in order). Notify turns them into notifications.

use agora_core::{Money, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A product a buyer saved got cheaper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PriceDropAlert {
    pub user_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub old_price: Money,
    pub new_price: Money,
    pub at: Timestamp,
}

/// A product a buyer saved can be bought again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackInStockAlert {
    pub user_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub available: i64,
    pub at: Timestamp,
}

subject_is!(user_id: PriceDropAlert, BackInStockAlert);

crate::topic! {
    /// Price-drop and back-in-stock alerts for the buyers who saved a product, keyed by buyer id.
    pub enum WishlistAlert = "wishlist.alerts" {
        PriceDropped(PriceDropAlert) = "agora.wishlist.price_dropped.v1",
        BackInStock(BackInStockAlert) = "agora.wishlist.back_in_stock.v1",
    }
}
