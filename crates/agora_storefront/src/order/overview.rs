//! A seller's sales overview as order answers it: orders and revenue for each of the last 30 days (UTC),
//! totals, orders by status, best-selling products and products running low.

use serde::Deserialize;
use uuid::Uuid;

use crate::price::Amount;

#[derive(Debug, Clone, Deserialize)]
pub struct SellerOverview {
    pub currency: String,
    /// Exactly 30, oldest first, today (UTC) last.
    pub days: Vec<DayFigures>,
    pub totals: Totals,
    pub by_status: ByStatus,
    #[serde(default)]
    pub top_products: Vec<TopProduct>,
    #[serde(default)]
    pub low_stock: Vec<LowStockProduct>,
}

/// One day: orders paid that day and their revenue (cancelled and refunded ones left out).
#[derive(Debug, Clone, Deserialize)]
pub struct DayFigures {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub orders: i64,
    pub revenue: Amount,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Totals {
    pub orders: i64,
    pub revenue: Amount,
}

/// How many of the seller's paid orders are in each state.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ByStatus {
    pub paid: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub refunded: i64,
}

impl ByStatus {
    /// Each state with what the seller reads for it and the list of such orders: (status, label, count).
    pub fn rows(&self) -> [(&'static str, &'static str, i64); 5] {
        [
            ("paid", "To ship", self.paid),
            ("shipped", "Shipped", self.shipped),
            ("delivered", "Delivered", self.delivered),
            ("cancelled", "Cancelled", self.cancelled),
            ("refunded", "Refunded", self.refunded),
        ]
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct TopProduct {
    pub product_id: Uuid,
    pub title: String,
    pub units: i64,
    pub revenue: Amount,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LowStockProduct {
    pub product_id: Uuid,
    pub title: String,
    pub available: i64,
    pub threshold: i64,
}
