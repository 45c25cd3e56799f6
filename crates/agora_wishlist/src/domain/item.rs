//! A saved item, the alerts its buyer wants, and a product as wishlist's read model knows it.

use agora_core::{Money, Timestamp};
use uuid::Uuid;

/// Which alerts a buyer wants about one saved product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alerts {
    pub price_drop: bool,
    pub back_in_stock: bool,
}

impl Default for Alerts {
    /// Saving a product watches it for both.
    fn default() -> Self {
        Alerts { price_drop: true, back_in_stock: true }
    }
}

/// One product a buyer saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedItem {
    pub buyer_id: Uuid,
    pub product_id: Uuid,
    pub added_at: Timestamp,
    /// The product's price when it was saved, from the read model.
    pub price_when_saved: Money,
    pub alerts: Alerts,
}

/// Where a product stands in catalog, as last heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductStatus {
    Active,
    Hidden,
    Deleted,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Hidden => "hidden",
            ProductStatus::Deleted => "deleted",
        }
    }

    /// A status as catalog's events and the read model spell it; anything unknown is not for sale.
    pub fn parse(text: &str) -> ProductStatus {
        match text {
            "active" => ProductStatus::Active,
            "deleted" => ProductStatus::Deleted,
            _ => ProductStatus::Hidden,
        }
    }
}

/// A product as the read model knows it (catalog's last word on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownProduct {
    pub id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub price: Money,
    pub status: ProductStatus,
    pub available: i64,
    pub thumbnail: Option<String>,
}

impl KnownProduct {
    /// For sale with units to buy.
    pub fn buyable(&self) -> bool {
        self.status == ProductStatus::Active && self.available > 0
    }
}
