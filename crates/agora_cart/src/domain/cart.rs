//! A cart as stored: its lines, each a product, its quantity, and what the shopper saw when adding it.

use agora_core::{Money, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Quantity;

/// A cart's lines, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cart {
    pub lines: Vec<CartLine>,
}

impl Cart {
    /// A cart from lines in any order.
    pub fn new(mut lines: Vec<CartLine>) -> Cart {
        lines.sort_by_key(|line| (line.details.added_at, line.product_id));
        Cart { lines }
    }

    pub fn product_ids(&self) -> Vec<Uuid> {
        self.lines.iter().map(|l| l.product_id).collect()
    }

    pub fn line(&self, product_id: Uuid) -> Option<&CartLine> {
        self.lines.iter().find(|l| l.product_id == product_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub product_id: Uuid,
    pub quantity: Quantity,
    pub details: LineDetails,
}

/// What the shopper saw when the line was added: shown as is while catalog cannot be asked, and the
/// price against which a change is flagged until the shopper acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDetails {
    pub title: String,
    pub seller_id: Uuid,
    pub shop_name: String,
    pub added_price: Money,
    pub added_at: Timestamp,
}
