//! A payment (one per checkout), its attempts at the provider, and why money goes back.

use agora_core::{Money, Timestamp};
use uuid::Uuid;

use super::PaymentStatus;

/// A checkout's payment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    /// The checkout's total, from order's event; never from a request.
    pub amount: Money,
    pub provider: String,
    pub status: PaymentStatus,
    pub pay_by: Timestamp,
    /// The attempt at the provider while processing.
    pub attempt_id: Option<Uuid>,
    /// The charge that paid.
    pub provider_ref: Option<String>,
    pub last_error: Option<(String, String)>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Sent to the provider, no answer yet.
    Pending,
    /// The provider will tell by webhook.
    Processing,
    Succeeded,
    Failed,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Processing => "processing",
            AttemptStatus::Succeeded => "succeeded",
            AttemptStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<AttemptStatus> {
        [Self::Pending, Self::Processing, Self::Succeeded, Self::Failed].into_iter().find(|s| s.as_str() == text)
    }

    /// Still waiting for the provider's final word.
    pub fn is_open(self) -> bool {
        matches!(self, AttemptStatus::Pending | AttemptStatus::Processing)
    }
}

/// One try to pay.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// Also the idempotency key of the charge at the provider.
    pub id: Uuid,
    pub payment_id: Uuid,
    pub status: AttemptStatus,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Why a charge is refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundReason {
    /// The checkout was cancelled after (or while) it was paid.
    CheckoutCancelled,
    /// A second charge of a payment that another charge had paid already.
    DuplicateCharge,
    /// One seller's order of the checkout was cancelled after payment: its share of the charge goes back.
    OrderCancelled,
}

impl RefundReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundReason::CheckoutCancelled => "checkout_cancelled",
            RefundReason::DuplicateCharge => "duplicate_charge",
            RefundReason::OrderCancelled => "order_cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<RefundReason> {
        [Self::CheckoutCancelled, Self::DuplicateCharge, Self::OrderCancelled].into_iter().find(|r| r.as_str() == text)
    }
}
