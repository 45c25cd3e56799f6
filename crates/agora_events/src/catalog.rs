//! Events of the catalog service: products, stock levels and stock holds.
//!
//! Product and stock events are keyed by product id, so one product's events stay in order; hold events
//! are keyed by hold id. Every product event carries the product's `version`, which grows with each
//! change, so a read model can ignore a stale event.

use agora_core::{Money, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A product as read models need it: enough to show and price it without asking catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProductSnapshot {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub price: Money,
    pub category_id: Uuid,
    /// `active` (for sale) or `hidden`.
    pub status: String,
    /// Units that can still be bought (not held, not sold).
    pub available: i64,
    /// Key of the first image's thumbnail under `/api/catalog/images/`, if any.
    pub thumbnail: Option<String>,
    pub version: i64,
    pub updated_at: Timestamp,
    /// The seller's low-stock threshold: at or below it the product is running low.
    #[serde(default)]
    pub low_stock_threshold: Option<i64>,
}

/// A product's price changed (also part of the following `product_updated`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PriceChanged {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub old_price: Money,
    pub new_price: Money,
    pub version: i64,
}

/// A product was taken off sale, by its seller or by an admin (who must give a reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProductHidden {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub by_admin: bool,
    pub reason: Option<String>,
    pub version: i64,
}

/// A hidden product is for sale again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProductShown {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub version: i64,
}

/// A seller deleted a product. Its record stays for past orders; it is no longer shown or sold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProductDeleted {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub version: i64,
}

/// Why a product's stock changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    /// The seller set the quantity.
    Restocked,
    HoldPlaced,
    HoldConfirmed,
    HoldReleased,
    HoldExpired,
    /// Units sold to an order that was cancelled before shipping came back.
    OrderCancelled,
}

/// A product's stock levels after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StockChanged {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub available: i64,
    pub held: i64,
    pub sold: i64,
    pub previous_available: i64,
    pub reason: StockReason,
}

/// A product that had no units available has some again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackInStock {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub available: i64,
}

/// A product's available units fell to or below its seller's low-stock threshold (and above zero).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LowStock {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub available: i64,
    pub threshold: i64,
}

/// A product has no units available any more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SoldOut {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
}

/// One line of a hold: so many units of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HoldLine {
    pub product_id: Uuid,
    pub quantity: i64,
}

/// A line a hold could not take: fewer units available than requested (or the product is not for sale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShortLine {
    pub product_id: Uuid,
    pub title: String,
    pub requested: i64,
    pub available: i64,
}

/// Stock for every line was set aside until `expires_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HoldPlaced {
    pub hold_id: Uuid,
    pub owner_id: Uuid,
    pub lines: Vec<HoldLine>,
    pub expires_at: Timestamp,
}

/// Nothing was held, because these lines were short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HoldRejected {
    pub hold_id: Uuid,
    pub owner_id: Uuid,
    pub short: Vec<ShortLine>,
}

/// A hold ended: its units were sold (confirmed) or returned (released, expired).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HoldEnded {
    pub hold_id: Uuid,
    pub owner_id: Uuid,
    pub lines: Vec<HoldLine>,
}

/// A review of a product, as notifications and rating read models need it (the text stays in catalog).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewNotice {
    pub review_id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    pub seller_id: Uuid,
    /// The review's author.
    pub buyer_id: Uuid,
    /// 1 to 5 stars.
    pub rating: i64,
    /// Why an admin removed it.
    pub reason: Option<String>,
    pub at: Timestamp,
}

subject_is!(product_id: ReviewNotice);
subject_is!(product_id: ProductSnapshot, PriceChanged, ProductHidden, ProductShown, ProductDeleted);
subject_is!(product_id: StockChanged, BackInStock, LowStock, SoldOut);
subject_is!(hold_id: HoldPlaced, HoldRejected, HoldEnded);

crate::topic! {
    /// Products listed, edited, repriced, hidden, shown and deleted, keyed by product id.
    pub enum ProductEvent = "catalog.products" {
        Created(ProductSnapshot) = "agora.catalog.product_created.v1",
        Updated(ProductSnapshot) = "agora.catalog.product_updated.v1",
        PriceChanged(PriceChanged) = "agora.catalog.price_changed.v1",
        Hidden(ProductHidden) = "agora.catalog.product_hidden.v1",
        Shown(ProductShown) = "agora.catalog.product_shown.v1",
        Deleted(ProductDeleted) = "agora.catalog.product_deleted.v1",
    }
}

crate::topic! {
    /// Stock levels of products, with back-in-stock, low-stock and sold-out moments, keyed by product id.
    pub enum StockEvent = "catalog.stock" {
        Changed(StockChanged) = "agora.catalog.stock_changed.v1",
        BackInStock(BackInStock) = "agora.catalog.back_in_stock.v1",
        LowStock(LowStock) = "agora.catalog.low_stock.v1",
        SoldOut(SoldOut) = "agora.catalog.sold_out.v1",
    }
}

crate::topic! {
    /// Stock holds of checkouts: placed or rejected (with the short lines), then confirmed, released or expired.
    pub enum HoldEvent = "catalog.holds" {
        Placed(HoldPlaced) = "agora.catalog.hold_placed.v1",
        Rejected(HoldRejected) = "agora.catalog.hold_rejected.v1",
        Confirmed(HoldEnded) = "agora.catalog.hold_confirmed.v1",
        Released(HoldEnded) = "agora.catalog.hold_released.v1",
        Expired(HoldEnded) = "agora.catalog.hold_expired.v1",
    }
}

crate::topic! {
    /// Reviews of products by buyers of delivered orders: posted, edited, replied to, removed, keyed by product id.
    pub enum ReviewEvent = "catalog.reviews" {
        Posted(ReviewNotice) = "agora.catalog.review_posted.v1",
        Edited(ReviewNotice) = "agora.catalog.review_edited.v1",
        Replied(ReviewNotice) = "agora.catalog.review_replied.v1",
        Removed(ReviewNotice) = "agora.catalog.review_removed.v1",
    }
}
