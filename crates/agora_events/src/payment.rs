//! Events of the payment service: the one payment of each checkout, keyed by payment id.

use agora_core::Money;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The checkout's total was captured. Exactly one per payment, however the provider's answer arrived
/// (the browser's return and the webhook race; one completion wins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentSucceeded {
    pub payment_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub amount: Money,
    /// `simulated` or `stripe`.
    pub provider: String,
    /// The provider's id of the charge (a PaymentIntent id), unique per provider.
    pub provider_ref: String,
}

/// An attempt to pay failed (declined card, provider error); the buyer may try again while the checkout
/// is open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentFailed {
    pub payment_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    /// Stable reason: `card_declined`, `insufficient_funds`, `provider_error`…
    pub code: String,
    pub message: String,
}

/// Money taken was given back: the whole charge (a checkout cancelled after its payment was captured) or
/// one seller's order of it (`order_id`, an order cancelled before it shipped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentRefunded {
    pub payment_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub amount: Money,
    pub provider_ref: String,
    /// `checkout_cancelled`, `duplicate_charge` or `order_cancelled`.
    pub reason: String,
    /// The order refunded, for an order's refund.
    #[serde(default)]
    pub order_id: Option<Uuid>,
}

subject_is!(payment_id: PaymentSucceeded, PaymentFailed, PaymentRefunded);

crate::topic! {
    /// Payments of checkouts: captured, failed attempts, refunds, keyed by payment id.
    pub enum PaymentEvent = "payment.payments" {
        Succeeded(PaymentSucceeded) = "agora.payment.payment_succeeded.v1",
        Failed(PaymentFailed) = "agora.payment.payment_failed.v1",
        Refunded(PaymentRefunded) = "agora.payment.payment_refunded.v1",
    }
}
