//! Events of the order service: checkouts (keyed by checkout id) and the orders they are split into, one
//! per seller (keyed by order id).
//!
//! A checkout drives design §5: `checkout_placed` asks catalog to hold its stock (the hold's id is the
//! checkout's id); once held, `checkout_awaiting_payment` asks payment to take the total; `checkout_paid`
//! turns the held stock into sales; `checkout_rejected` (stock was short) and `checkout_cancelled`
//! (time ran out before payment) end it without a sale.
//!
//! After the sale an order is fulfilled (`order_shipped`, `order_delivered`) or cancelled before it ships
//! (`order_cancelled` with a `refund` due); payment gives the money back and order records it
//! (`order_refunded`). Catalog returns a cancelled order's units to stock and lets the buyer of a delivered
//! order review what they bought.

use agora_core::{Money, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::ShortLine;

/// One line of a checkout, priced by order's read model of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutLine {
    pub order_id: Uuid,
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
}

/// One seller's share of a checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrderShare {
    pub order_id: Uuid,
    pub seller_id: Uuid,
    pub total: Money,
}

/// A buyer placed a checkout: its lines need holding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutPlaced {
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub lines: Vec<CheckoutLine>,
    pub orders: Vec<OrderShare>,
    pub total: Money,
    pub placed_at: Timestamp,
}

/// The checkout's stock is held: it can be paid until `pay_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutAwaitingPayment {
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub total: Money,
    pub pay_by: Timestamp,
}

/// A product bought, as the cart needs it to drop what was paid for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BoughtLine {
    pub product_id: Uuid,
    pub quantity: i64,
}

/// The checkout was paid: its orders are confirmed and its held stock is sold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutPaid {
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub payment_id: Uuid,
    pub total: Money,
    pub lines: Vec<BoughtLine>,
}

/// Stock for these lines was short, so nothing was held and nothing will be charged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutRejected {
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub short: Vec<ShortLine>,
}

/// Why a checkout was cancelled before it was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// No successful payment before the checkout's time ran out.
    PaymentTimeout,
    /// Catalog expired the stock hold first.
    HoldExpired,
}

/// The checkout ended without a sale: its held stock goes back and any payment is closed (or refunded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutCancelled {
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub reason: CancelReason,
}

/// One seller's order was created (awaiting stock and payment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderPlaced {
    pub order_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub lines: Vec<CheckoutLine>,
    pub total: Money,
}

/// An order's state changed: paid, delivered, cancelled or refunded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderStatusChanged {
    pub order_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub total: Money,
    /// Why, for a cancellation: `out_of_stock`, `payment_timeout`, `hold_expired` before payment; the buyer's or
    /// seller's words after it.
    pub reason: Option<String>,
    pub at: Timestamp,
    /// What the order bought (empty in events written before fulfilment existed).
    #[serde(default)]
    pub lines: Vec<BoughtLine>,
    /// Who acted: `buyer`, `seller` or `admin`; absent when the checkout's flow decided (a time-out).
    #[serde(default)]
    pub by: Option<String>,
    /// A cancellation after payment: the amount payment gives back (the order's total) and catalog's cue to
    /// return the units to stock. Absent when nothing was paid.
    #[serde(default)]
    pub refund: Option<Money>,
}

/// The seller handed an order to a carrier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderShipped {
    pub order_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub carrier: String,
    pub tracking_number: String,
    pub at: Timestamp,
}

subject_is!(checkout_id: CheckoutPlaced, CheckoutAwaitingPayment, CheckoutPaid, CheckoutRejected, CheckoutCancelled);
subject_is!(order_id: OrderPlaced, OrderStatusChanged, OrderShipped);

crate::topic! {
    /// Checkouts from placing to paid, rejected or cancelled, keyed by checkout id.
    pub enum CheckoutEvent = "order.checkouts" {
        Placed(CheckoutPlaced) = "agora.order.checkout_placed.v1",
        AwaitingPayment(CheckoutAwaitingPayment) = "agora.order.checkout_awaiting_payment.v1",
        Paid(CheckoutPaid) = "agora.order.checkout_paid.v1",
        Rejected(CheckoutRejected) = "agora.order.checkout_rejected.v1",
        Cancelled(CheckoutCancelled) = "agora.order.checkout_cancelled.v1",
    }
}

crate::topic! {
    /// Each seller's orders: placed, paid, shipped, delivered, cancelled, refunded, keyed by order id.
    pub enum OrderEvent = "order.orders" {
        Placed(OrderPlaced) = "agora.order.order_placed.v1",
        Paid(OrderStatusChanged) = "agora.order.order_paid.v1",
        Shipped(OrderShipped) = "agora.order.order_shipped.v1",
        Delivered(OrderStatusChanged) = "agora.order.order_delivered.v1",
        Cancelled(OrderStatusChanged) = "agora.order.order_cancelled.v1",
        Refunded(OrderStatusChanged) = "agora.order.order_refunded.v1",
    }
}
