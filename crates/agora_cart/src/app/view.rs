//! What every cart endpoint answers: the lines with their current details from catalog, each line's state,
//! and a subtotal of what can be bought. Without catalog, the lines as saved.

use agora_core::{Currency, Money};
use serde::Serialize;
use uuid::Uuid;

use crate::catalog::Snapshot;
use crate::domain::{Cart, CartLine};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CartView {
    /// Oldest line first.
    pub items: Vec<LineView>,
    /// The lines that can be bought (state `ok`), at their current prices.
    pub subtotal: PriceView,
    pub currency: String,
    /// Units across all lines.
    pub item_count: u32,
    /// `false`: catalog could not be asked; lines show the title and price saved when they were added.
    pub catalog_available: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub product_id: Uuid,
    pub quantity: u32,
    pub title: String,
    pub seller: SellerView,
    /// The product's first picture, small.
    pub thumbnail_url: Option<String>,
    /// The current price (the saved one while catalog cannot be asked or the product is not for sale).
    pub unit_price: PriceView,
    /// The price when the line was added, or when the shopper last acknowledged a change.
    pub added_price: PriceView,
    /// The current price differs from `added_price` (cleared by `POST /cart/acknowledge`).
    pub price_changed: bool,
    /// Units for sale now; absent while catalog cannot be asked.
    pub available: Option<i64>,
    pub state: LineState,
    /// `unit_price` times `quantity`.
    pub line_total: PriceView,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SellerView {
    pub id: Uuid,
    pub shop_name: String,
}

/// Whether a line can be bought as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    Ok,
    /// Fewer units are for sale than the line holds (see `available`).
    InsufficientStock,
    SoldOut,
    /// Not for sale any more (hidden, deleted, or its shop suspended).
    Unavailable,
}

pub use agora_core::PriceView;

impl CartView {
    /// The view of `cart`, with catalog's `snapshot` of its products (`None`: catalog is unavailable).
    pub fn build(cart: &Cart, snapshot: Option<&Snapshot>, currency: Currency) -> CartView {
        let items: Vec<LineView> = cart.lines.iter().map(|line| line_view(line, snapshot)).collect();
        let subtotal = items
            .iter()
            .filter(|line| line.state == LineState::Ok && line.line_total.currency == currency.as_str())
            .fold(0i64, |sum, line| sum.saturating_add(line.line_total.amount_minor));
        CartView {
            item_count: items.iter().fold(0u32, |n, line| n.saturating_add(line.quantity)),
            items,
            subtotal: Money { amount_minor: subtotal, currency }.into(),
            currency: currency.to_string(),
            catalog_available: snapshot.is_some(),
        }
    }
}

fn line_view(line: &CartLine, snapshot: Option<&Snapshot>) -> LineView {
    let saved = &line.details;
    let quantity = line.quantity.get();
    let offer = snapshot.and_then(|s| s.offer(line.product_id));
    let (unit_price, available, state) = match (snapshot, offer) {
        (None, _) => (saved.added_price, None, LineState::Ok),
        (Some(_), None) => (saved.added_price, Some(0), LineState::Unavailable),
        (Some(_), Some(offer)) => {
            let state = if offer.available <= 0 {
                LineState::SoldOut
            } else if i64::from(quantity) > offer.available {
                LineState::InsufficientStock
            } else {
                LineState::Ok
            };
            (offer.price, Some(offer.available), state)
        }
    };
    let line_total = Money {
        amount_minor: unit_price.amount_minor.saturating_mul(i64::from(quantity)),
        currency: unit_price.currency,
    };
    LineView {
        product_id: line.product_id,
        quantity,
        title: offer.map_or_else(|| saved.title.clone(), |o| o.title.clone()),
        seller: SellerView {
            id: offer.map_or(saved.seller_id, |o| o.seller_id),
            shop_name: offer.map_or_else(|| saved.shop_name.clone(), |o| o.shop_name.clone()),
        },
        thumbnail_url: offer.and_then(|o| o.thumbnail_url.clone()),
        unit_price: unit_price.into(),
        added_price: saved.added_price.into(),
        price_changed: offer.is_some_and(|o| o.price != saved.added_price),
        available,
        state,
        line_total: line_total.into(),
    }
}
