//! A payment as the API shows it to its buyer (or an admin).

use serde::Serialize;
use uuid::Uuid;

use crate::domain::{Attempt, Payment};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub checkout_id: Uuid,
    /// `requires_payment`, `processing` (an attempt is at the provider; a webhook or the browser return
    /// completes it), `succeeded`, `cancelled` or `refunded`.
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

impl PaymentView {
    pub fn new(payment: &Payment, attempts: &[Attempt]) -> PaymentView {
        PaymentView {
            id: payment.id,
            checkout_id: payment.checkout_id,
            status: payment.status.as_str(),
            amount: AmountView {
                amount_minor: payment.amount.amount_minor,
                currency: payment.amount.currency.to_string(),
                formatted: payment.amount.to_string(),
            },
            provider: payment.provider.clone(),
            pay_by: payment.pay_by.to_rfc3339(),
            attempts: attempts.iter().map(AttemptView::from).collect(),
            last_error: payment
                .last_error
                .as_ref()
                .map(|(code, message)| ErrorView { code: code.clone(), message: message.clone() }),
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
