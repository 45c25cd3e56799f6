//! A payment as the API shows it to its buyer (or an admin).

use agora_core::Money;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{Attempt, Payment, RefundReason};
use crate::store::refunds::RefundRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub checkout_id: Uuid,
    /// `requires_payment`, `processing` (an attempt is at the provider; a webhook or the browser return
    /// completes it), `succeeded` (also while some of its orders' shares went back: see `refunded`),
    /// `cancelled` or `refunded` (all of it went back).
    pub status: &'static str,
    pub amount: AmountView,
    /// `simulated` or `stripe`.
    pub provider: String,
    /// After this time no attempt is accepted (RFC 3339).
    pub pay_by: String,
    /// Oldest first.
    pub attempts: Vec<AttemptView>,
    /// The last failed attempt's reason, until the payment succeeds.
    pub last_error: Option<ErrorView>,
    /// How much of the payment's money the provider has given back so far.
    pub refunded: AmountView,
    /// Money given back or on its way back, oldest first.
    pub refunds: Vec<RefundView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefundView {
    pub id: Uuid,
    pub amount: AmountView,
    /// `checkout_cancelled`, `order_cancelled` (one seller's order: see `order_id`) or `duplicate_charge`
    /// (a second charge of a payment paid already; not counted in `refunded`).
    pub reason: &'static str,
    pub order_id: Option<Uuid>,
    /// `pending` (sent until the provider confirms) or `succeeded`.
    pub status: &'static str,
    /// When it was decided (RFC 3339).
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AmountView {
    pub amount_minor: i64,
    pub currency: String,
    /// For people: `12.50 EUR`.
    pub formatted: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    pub id: Uuid,
    /// When it was made (RFC 3339).
    pub at: String,
    /// `pending`, `processing`, `succeeded` or `failed`.
    pub outcome: &'static str,
    /// Why it failed: `card_declined`, `insufficient_funds`, `provider_unavailable`…
    pub code: Option<String>,
    pub message: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorView {
    pub code: String,
    pub message: String,
}

impl AmountView {
    fn of(money: Money) -> AmountView {
        AmountView {
            amount_minor: money.amount_minor,
            currency: money.currency.to_string(),
            formatted: money.to_string(),
        }
    }
}

impl PaymentView {
    pub fn new(payment: &Payment, attempts: &[Attempt], refunds: &[RefundRow]) -> PaymentView {
        let refunded = refunds
            .iter()
            .filter(|r| r.succeeded && r.refund.reason != RefundReason::DuplicateCharge)
            .map(|r| r.refund.amount.amount_minor)
            .sum();
        PaymentView {
            id: payment.id,
            checkout_id: payment.checkout_id,
            status: payment.status.as_str(),
            amount: AmountView::of(payment.amount),
            provider: payment.provider.clone(),
            pay_by: payment.pay_by.to_rfc3339(),
            attempts: attempts.iter().map(AttemptView::from).collect(),
            last_error: payment
                .last_error
                .as_ref()
                .map(|(code, message)| ErrorView { code: code.clone(), message: message.clone() }),
            refunded: AmountView::of(Money { amount_minor: refunded, currency: payment.amount.currency }),
            refunds: refunds.iter().map(RefundView::from).collect(),
        }
    }
}

impl From<&RefundRow> for RefundView {
    fn from(r: &RefundRow) -> RefundView {
        RefundView {
            id: r.refund.id,
            amount: AmountView::of(r.refund.amount),
            reason: r.refund.reason.as_str(),
            order_id: r.refund.order_id,
            status: if r.succeeded { "succeeded" } else { "pending" },
            at: r.created_at.to_rfc3339(),
        }
    }
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> AttemptView {
        AttemptView {
            id: a.id,
            at: a.created_at.to_rfc3339(),
            outcome: a.status.as_str(),
            code: a.code.clone(),
            message: a.message.clone(),
            card_brand: a.card_brand.clone(),
            card_last4: a.card_last4.clone(),
        }
    }
}
