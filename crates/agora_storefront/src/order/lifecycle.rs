//! One seller's order as order answers it to its buyer, its seller or an admin: lines, address, where it
//! is (shipment, delivery, cancellation, refund), its history, and what the caller may do with it now.

use serde::Deserialize;
use uuid::Uuid;

use super::views::{Address, OrderLine, order_status_label, seller_status_label};
use crate::cart::Shop;
use crate::price::Amount;

/// An entry of an order's history.
#[derive(Debug, Clone, Deserialize)]
pub struct TimelineEntry {
    /// `placed`, `stock_reserved`, `payment_failed`, `paid`, `shipped`, `delivered`, `cancelled`,
    /// `refunded`…
    pub kind: String,
    #[serde(default)]
    pub note: String,
    /// RFC 3339.
    pub at: String,
}

impl TimelineEntry {
    pub fn label(&self) -> String {
        match self.kind.as_str() {
            "placed" => "Placed".to_owned(),
            "stock_reserved" => "Items reserved".to_owned(),
            "payment_failed" => "Payment failed".to_owned(),
            "paid" => "Paid".to_owned(),
            "shipped" => "Shipped".to_owned(),
            "delivered" => "Delivered".to_owned(),
            "cancelled" => "Cancelled".to_owned(),
            "refunded" => "Refunded".to_owned(),
            other => crate::pages::capitalise(&other.replace('_', " ")).trim_end_matches('.').to_owned(),
        }
    }
}

/// How the order travels.
#[derive(Debug, Clone, Deserialize)]
pub struct Shipment {
    pub carrier: String,
    pub tracking_number: String,
    /// RFC 3339.
    pub shipped_at: String,
}

/// Who cancelled a paid order, and why.
#[derive(Debug, Clone, Deserialize)]
pub struct Cancellation {
    /// `buyer`, `seller` or `admin`; none when the checkout itself ended it (not paid in time).
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// RFC 3339.
    pub at: String,
}

impl Cancellation {
    /// Who cancelled, as the reader of the page is told: `you` when they did it themselves.
    pub fn by_whom(&self, reader: &Reader) -> &'static str {
        match (self.by.as_deref(), reader) {
            (Some("buyer"), Reader::Buyer) | (Some("seller"), Reader::Seller) => "you",
            (Some("buyer"), _) => "the buyer",
            (Some("seller"), _) => "the seller",
            (Some("admin"), _) => "an administrator",
            _ => "Agora, as it was not paid in time",
        }
    }

    /// The reason given, if any.
    pub fn reason(&self) -> &str {
        self.reason.as_deref().map(str::trim).unwrap_or("")
    }
}

/// Money going back to the buyer of a cancelled order.
#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub amount: Amount,
    /// `pending` or `refunded`.
    pub status: String,
    /// RFC 3339, once refunded.
    #[serde(default)]
    pub refunded_at: Option<String>,
}

impl Refund {
    pub fn is_done(&self) -> bool {
        self.status == "refunded"
    }
}

/// Who reads an order's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Buyer,
    Seller,
    Admin,
}

/// One seller's order with its history.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderView {
    pub id: Uuid,
    pub checkout_id: Uuid,
    #[serde(default)]
    pub buyer_id: Option<Uuid>,
    pub seller: Shop,
    pub status: String,
    pub total: Amount,
    pub lines: Vec<OrderLine>,
    pub address: Address,
    /// Oldest first.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    pub created_at: String,
    #[serde(default)]
    pub shipment: Option<Shipment>,
    /// RFC 3339.
    #[serde(default)]
    pub delivered_at: Option<String>,
    #[serde(default)]
    pub cancellation: Option<Cancellation>,
    #[serde(default)]
    pub refund: Option<Refund>,
    /// What the caller may do now: `cancel`, `ship`, `deliver`.
    #[serde(default)]
    pub actions: Vec<String>,
}

impl OrderView {
    pub fn status_label(&self) -> &'static str {
        order_status_label(&self.status)
    }

    pub fn seller_status_label(&self) -> &'static str {
        seller_status_label(&self.status)
    }

    /// Whether order lets the caller take this action now.
    pub fn can(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }

    /// Whether `user` sells this order.
    pub fn is_sold_by(&self, user: Uuid) -> bool {
        self.seller.id == Some(user)
    }

    /// Delivered: its products can be reviewed.
    pub fn is_delivered(&self) -> bool {
        self.status == "delivered"
    }

    /// Its refund is on its way: the page follows it by reloading itself.
    pub fn refund_pending(&self) -> bool {
        self.refund.as_ref().is_some_and(|r| !r.is_done())
    }

    /// Each product once, in the order's order: (product id, title).
    pub fn products(&self) -> Vec<(Uuid, String)> {
        let mut seen = Vec::new();
        for line in &self.lines {
            if !seen.iter().any(|(id, _)| *id == line.product_id) {
                seen.push((line.product_id, line.title.clone()));
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn order(extra: serde_json::Value) -> OrderView {
        let amount = json!({ "amount_minor": 850, "currency": "EUR", "formatted": "8.50 EUR" });
        let line = |id: u128| {
            json!({ "product_id": Uuid::from_u128(id), "title": format!("p{id}"), "quantity": 1,
                    "unit_price": amount, "line_total": amount })
        };
        let mut value = json!({
            "id": Uuid::from_u128(9), "checkout_id": Uuid::from_u128(8), "buyer_id": Uuid::from_u128(7),
            "seller": { "id": Uuid::from_u128(6), "shop_name": "Kettle Corner" }, "status": "paid",
            "total": amount, "lines": [line(1), line(2), line(1)], "address": { "full_name": "Ada" },
            "timeline": [], "created_at": "2026-03-01T10:00:00Z",
        });
        if let (Some(target), Some(source)) = (value.as_object_mut(), extra.as_object()) {
            target.extend(source.clone());
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn an_order_knows_what_its_reader_may_do_and_who_sells_it() {
        let view = order(json!({ "actions": ["ship", "cancel"] }));
        assert!(view.can("ship") && view.can("cancel") && !view.can("deliver"));
        assert!(view.is_sold_by(Uuid::from_u128(6)) && !view.is_sold_by(Uuid::from_u128(7)));
        assert_eq!(view.seller_status_label(), "To ship");
        assert_eq!(view.status_label(), "Paid");
        assert_eq!(view.products().len(), 2, "each product once");
    }

    #[test]
    fn an_older_answer_without_the_new_parts_still_reads() {
        let view = order(json!({}));
        assert!(view.actions.is_empty() && view.shipment.is_none() && view.refund.is_none());
    }

    #[test]
    fn a_cancellation_names_who_did_it_for_each_reader() {
        let view = order(json!({
            "status": "cancelled",
            "cancellation": { "by": "buyer", "reason": "  ordered twice ", "at": "2026-03-01T11:00:00Z" },
            "refund": { "amount": { "amount_minor": 850, "currency": "EUR", "formatted": "8.50 EUR" },
                        "status": "pending", "refunded_at": null },
        }));
        assert!(view.refund_pending());
        let cancellation = view.cancellation.clone().unwrap();
        assert_eq!(cancellation.by_whom(&Reader::Buyer), "you");
        assert_eq!(cancellation.by_whom(&Reader::Seller), "the buyer");
        assert_eq!(cancellation.reason(), "ordered twice");
        assert!(!view.refund.unwrap().is_done());
        let timeout = Cancellation { by: None, reason: None, at: String::new() };
        assert_eq!(timeout.by_whom(&Reader::Admin), "Agora, as it was not paid in time");
    }

    #[test]
    fn new_history_entries_have_labels() {
        let entry = |kind: &str| TimelineEntry { kind: kind.into(), note: String::new(), at: String::new() };
        assert_eq!(entry("shipped").label(), "Shipped");
        assert_eq!(entry("delivered").label(), "Delivered");
        assert_eq!(entry("review_posted").label(), "Review posted");
    }
}
