//! Payment providers behind one interface: charge (create and confirm), look a charge up, refund, and
//! verify and read webhooks. [`build`] picks the adapter `settings.payment.provider` names.
//!
//! Every call that moves money carries an idempotency key (the attempt id for a charge, the refund id for a
//! refund), so repeating it after a timeout or a crash never moves money twice.

pub mod signature;
pub mod simulated;
pub mod stripe;
mod webhook;

use std::sync::Arc;

use agora_core::Money;
use agora_db::Db;
use agora_http::BackgroundTask;
use async_trait::async_trait;
use axum::http::HeaderMap;
use uuid::Uuid;

pub use webhook::{LastPaymentError, WebhookError, WebhookEvent, parse_event, verify_and_parse};

use crate::config::{PaymentSettings, ProviderKind};
use crate::domain::PaymentMethod;
use crate::domain::card::MethodKind;

/// A charge to create and confirm.
#[derive(Debug)]
pub struct ChargeRequest<'a> {
    pub amount: Money,
    /// The attempt id.
    pub idempotency_key: Uuid,
    pub checkout_id: Uuid,
    pub payment_id: Uuid,
    pub method: &'a PaymentMethod,
}

/// The provider's first answer to a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded {
        provider_ref: String,
    },
    /// It completes later; a webhook will tell.
    Processing {
        provider_ref: String,
    },
    Declined {
        provider_ref: Option<String>,
        code: String,
        message: String,
    },
}

/// Where a charge stands, looked up by its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeStatus {
    Succeeded,
    Processing,
    Failed { code: String, message: String },
}

/// A refund of a charge: all of it, or a part (one order's share). A charge may be refunded in several
/// parts, never more than it took in all.
#[derive(Debug)]
pub struct RefundRequest<'a> {
    pub provider_ref: &'a str,
    /// What to give back, always named: a provider's default (the rest of the charge) is never relied on.
    pub amount: Money,
    /// The refund id.
    pub idempotency_key: Uuid,
}

/// Why a call to the provider failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderError {
    /// Not reached, timed out, or a server error: the outcome is unknown; retrying with the same key is safe.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the request itself (not a card decline).
    #[error("provider refused the request: {code}: {message}")]
    Rejected { code: String, message: String },
}

/// A payment provider.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// `simulated` or `stripe`: stored with payments and charges, and the webhook route's last segment.
    fn name(&self) -> &'static str;

    /// The input a buyer sends to pay through this provider.
    fn method_kind(&self) -> MethodKind;

    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, ProviderError>;

    async fn retrieve(&self, provider_ref: &str) -> Result<ChargeStatus, ProviderError>;

    /// Refunds `amount` of a charge; returns the provider's refund reference. Repeating the same key is
    /// safe: it answers the refund made the first time.
    async fn refund(&self, request: &RefundRequest<'_>) -> Result<String, ProviderError>;

    /// Checks the signature of a webhook and reads it.
    fn verify_webhook(&self, body: &[u8], headers: &HeaderMap) -> Result<WebhookEvent, WebhookError>;
}

/// The configured provider, and the background task it needs (the simulator's webhook sender).
pub fn build(
    settings: &PaymentSettings,
    db: &Db,
    payment_base_url: Option<&str>,
) -> Result<(Arc<dyn Provider>, Option<BackgroundTask>), String> {
    settings.validate()?;
    match settings.provider {
        ProviderKind::Simulated => {
            let base = payment_base_url.ok_or("the simulated provider needs payment's own base URL")?;
            let (provider, task) = simulated::Simulated::new(db.clone(), settings, base)?;
            Ok((Arc::new(provider), Some(task)))
        }
        ProviderKind::Stripe => Ok((Arc::new(stripe::Stripe::new(settings)?), None)),
    }
}

/// A stable code for a provider's decline code: the API's problem codes are a fixed set.
pub fn decline_code(code: &str) -> &'static str {
    const KNOWN: [&str; 12] = [
        "card_declined",
        "insufficient_funds",
        "expired_card",
        "incorrect_cvc",
        "incorrect_number",
        "lost_card",
        "stolen_card",
        "processing_error",
        "authentication_required",
        "do_not_honor",
        "card_velocity_exceeded",
        "provider_error",
    ];
    KNOWN.into_iter().find(|known| *known == code).unwrap_or("card_declined")
}
