//! What order answers, as the pages read it: addresses, checkouts split into one order per seller, and
//! orders in lists. Unknown fields are ignored, so a newer order service does not break pages. An order
//! with its history is in `lifecycle`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cart::Shop;
use crate::price::Amount;

/// A shipping address, as saved and as a checkout keeps a copy of it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Address {
    pub full_name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub region: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    pub country: String,
    pub phone: String,
}

impl Address {
    /// The address on lines, as a label prints it (empty parts left out).
    pub fn lines(&self) -> Vec<String> {
        let place = [self.postal_code.as_str(), self.city.as_str()].join(" ").trim().to_owned();
        let region = [self.region.as_str(), self.country.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        [self.full_name.clone(), self.line1.clone(), self.line2.clone(), place, region]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The address on one line, for a choice in a list.
    pub fn one_line(&self) -> String {
        self.lines().join(", ")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SavedAddress {
    pub id: Uuid,
    #[serde(flatten)]
    pub address: Address,
}

/// A line of an order, priced by order.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderLine {
    pub product_id: Uuid,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Amount,
    pub line_total: Amount,
    /// The price the buyer's cart showed, when the price charged differs from it.
    #[serde(default)]
    pub price_when_added: Option<Amount>,
    /// An image key under `/api/catalog/images/`.
    #[serde(default)]
    pub thumbnail: Option<String>,
}

impl OrderLine {
    /// Where the line's picture is, if it has one.
    pub fn thumbnail_url(&self) -> Option<String> {
        let key = self.thumbnail.as_deref().filter(|k| !k.is_empty())?;
        Some(if key.starts_with('/') { key.to_owned() } else { format!("/api/catalog/images/{key}") })
    }
}

/// One seller's part of a checkout (or of a preview).
#[derive(Debug, Clone, Deserialize)]
pub struct OrderSummary {
    /// Nil in a preview.
    pub id: Uuid,
    pub seller: Shop,
    pub status: String,
    pub total: Amount,
    pub lines: Vec<OrderLine>,
    /// RFC 3339; absent in a preview and in older answers.
    #[serde(default)]
    pub created_at: Option<String>,
}

impl OrderSummary {
    pub fn status_label(&self) -> &'static str {
        order_status_label(&self.status)
    }

    /// The status as its seller reads it ("To ship" for a paid order).
    pub fn seller_status_label(&self) -> &'static str {
        seller_status_label(&self.status)
    }

    /// When it was placed, RFC 3339: as order says, else the time in its UUIDv7 id.
    pub fn placed_at(&self) -> String {
        self.created_at.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| placed_at(self.id))
    }

    /// What it holds, on one line: "2 × Sencha leaves, 1 × Tea bowl".
    pub fn items(&self) -> String {
        self.lines.iter().map(|l| format!("{} × {}", l.quantity, l.title)).collect::<Vec<_>>().join(", ")
    }
}

/// What a checkout's lines lacked when catalog held its stock.
#[derive(Debug, Clone, Deserialize)]
pub struct ShortLine {
    pub title: String,
    pub requested: i64,
    pub available: i64,
}

impl ShortLine {
    pub fn describe(&self) -> String {
        match self.available {
            0 => format!("“{}” is sold out (you asked for {}).", self.title, self.requested),
            n => format!("Only {n} left of “{}” (you asked for {}).", self.title, self.requested),
        }
    }
}

/// A cart line a preview cannot price.
#[derive(Debug, Clone, Deserialize)]
pub struct UnavailableLine {
    #[serde(default)]
    pub title: String,
    /// `not_for_sale` or `own_product`.
    pub reason: String,
}

impl UnavailableLine {
    pub fn describe(&self) -> String {
        let what = if self.title.is_empty() { "A product".to_owned() } else { format!("“{}”", self.title) };
        match self.reason.as_str() {
            "own_product" => format!("{what} is your own product: sellers cannot buy from their own shop."),
            _ => format!("{what} is no longer for sale."),
        }
    }
}

/// A checkout, or a preview of the cart as one (`status` "preview", nil id).
#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutView {
    pub id: Uuid,
    pub status: CheckoutStatus,
    pub total: Amount,
    pub orders: Vec<OrderSummary>,
    #[serde(default)]
    pub price_changed: bool,
    #[serde(default)]
    pub short_lines: Vec<ShortLine>,
    #[serde(default)]
    pub unavailable_lines: Vec<UnavailableLine>,
    /// The last failed payment attempt's message, while the buyer may retry.
    #[serde(default)]
    pub payment_error: Option<String>,
    /// Awaiting payment: pay before this time (RFC 3339).
    #[serde(default)]
    pub pay_by: Option<String>,
    #[serde(default)]
    pub address: Option<Address>,
}

/// Where a checkout is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutStatus {
    Preview,
    /// Catalog is holding its stock.
    Pending,
    AwaitingPayment,
    Paid,
    /// Stock was short: nothing held, nothing charged.
    Rejected,
    /// Not paid in time: stock released.
    Cancelled,
    #[serde(other)]
    Other,
}

/// What a buyer reads for an order's status.
pub(super) fn order_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Awaiting payment",
        "paid" => "Paid",
        "cancelled" => "Cancelled",
        "shipped" => "Shipped",
        "delivered" => "Delivered",
        "refunded" => "Refunded",
        _ => "In progress",
    }
}

/// What a seller reads for an order's status: what they have to do next, or where it ended.
pub(super) fn seller_status_label(status: &str) -> &'static str {
    match status {
        "paid" => "To ship",
        other => order_status_label(other),
    }
}

/// The creation time a UUIDv7 carries, RFC 3339 (empty for ids of other versions).
fn placed_at(id: Uuid) -> String {
    let Some((secs, _)) = id.get_timestamp().map(|t| t.to_unix()) else { return String::new() };
    let Ok(secs) = i64::try_from(secs) else { return String::new() };
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_prints_without_empty_parts() {
        let address = Address {
            full_name: "Ada Lovelace".into(),
            line1: "12 St James's Square".into(),
            city: "London".into(),
            postal_code: "SW1Y 4JH".into(),
            country: "GB".into(),
            ..Address::default()
        };
        assert_eq!(address.one_line(), "Ada Lovelace, 12 St James's Square, SW1Y 4JH London, GB");
    }

    #[test]
    fn an_order_id_tells_when_it_was_placed() {
        let id = Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, 1_790_000_000, 0));
        assert_eq!(placed_at(id), "2026-09-21T14:13:20Z");
        assert_eq!(placed_at(Uuid::nil()), "");
    }

    #[test]
    fn short_and_unavailable_lines_read_as_sentences() {
        let short = ShortLine { title: "Tea".into(), requested: 3, available: 1 };
        assert_eq!(short.describe(), "Only 1 left of “Tea” (you asked for 3).");
        let gone = UnavailableLine { title: String::new(), reason: "not_for_sale".into() };
        assert_eq!(gone.describe(), "A product is no longer for sale.");
    }
}
