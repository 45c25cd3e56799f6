//! Provider webhooks: verified against the provider's signing secret before anything is read, applied
//! through the same completion as every other path, and recorded by event id so a redelivery is
//! recognised. A webhook about a charge payment does not know is acknowledged and logged (the provider
//! would otherwise retry it for days).

use axum::http::HeaderMap;
use uuid::Uuid;

use super::Payments;
use crate::domain::{Attempt, PaymentError};
use crate::metrics::{self, Via};
use crate::provider::{WebhookError, WebhookEvent, decline_code};
use crate::store::{attempts, webhooks};

/// What a webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    Applied,
    /// The same event was applied before.
    Duplicate,
    /// An event payment does not act on.
    Ignored,
    /// About a charge payment has no attempt for.
    UnknownCharge,
}

impl WebhookOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookOutcome::Applied => "applied",
            WebhookOutcome::Duplicate => "duplicate",
            WebhookOutcome::Ignored => "ignored",
            WebhookOutcome::UnknownCharge => "unknown_charge",
        }
    }
}

impl Payments {
    /// Verifies and applies a webhook sent to the route of provider `route`.
    pub async fn webhook(
        &self,
        route: &'static str,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<WebhookOutcome, PaymentError> {
        let provider = self.provider.name();
        if route != provider {
            return Err(PaymentError::ProviderNotEnabled(route));
        }
        let event = self.provider.verify_webhook(body, headers).map_err(|err| match err {
            WebhookError::Signature(err) => {
                metrics::webhook(provider, "bad_signature");
                tracing::warn!(provider, error = %err, "webhook refused: bad signature");
                PaymentError::BadSignature(err.to_string())
            }
            WebhookError::Unreadable(err) => {
                tracing::warn!(provider, error = %err, "webhook refused: signed but unreadable");
                PaymentError::InvalidWebhook(err)
            }
        })?;
        let seen = {
            let mut conn = self.db.pool().acquire().await?;
            webhooks::seen(&mut conn, provider, event.event_id()).await?
        };
        let outcome = if seen { WebhookOutcome::Duplicate } else { self.apply(&event).await? };
        if outcome == WebhookOutcome::UnknownCharge {
            tracing::warn!(provider, webhook.event = event.event_id(), charge = ?event.provider_ref(), "webhook about an unknown charge ignored");
        }
        if !seen {
            let mut tx = self.begin().await?;
            let recorded = webhooks::record(
                &mut tx,
                provider,
                event.event_id(),
                event.event_type(),
                event.provider_ref(),
                outcome.as_str(),
            );
            recorded.await?;
            tx.commit().await?;
        }
        metrics::webhook(provider, outcome.as_str());
        Ok(outcome)
    }

    async fn apply(&self, event: &WebhookEvent) -> Result<WebhookOutcome, PaymentError> {
        let (provider_ref, failure) = match event {
            WebhookEvent::ChargeSucceeded { provider_ref, .. } => (provider_ref, None),
            WebhookEvent::ChargeFailed { provider_ref, code, message, .. } => (provider_ref, Some((code, message))),
            WebhookEvent::Other { .. } => return Ok(WebhookOutcome::Ignored),
        };
        let Some(attempt) = self.attempt_of(provider_ref, event.attempt_id()).await? else {
            return Ok(WebhookOutcome::UnknownCharge);
        };
        match failure {
            None => {
                self.complete(&attempt, provider_ref, Via::Webhook).await?;
            }
            Some((code, message)) => {
                self.fail_attempt(attempt.id, Some(provider_ref.clone()), decline_code(code), message).await?;
            }
        }
        Ok(WebhookOutcome::Applied)
    }

    /// The attempt that made a charge: by the charge's reference, or — when the webhook came before payment
    /// recorded the reference (or the provider's answer was lost) — by the attempt id the charge carries.
    async fn attempt_of(&self, provider_ref: &str, hint: Option<&str>) -> Result<Option<Attempt>, PaymentError> {
        let provider = self.provider.name();
        let mut conn = self.db.pool().acquire().await?;
        if let Some(attempt) = attempts::find_by_ref(&mut conn, provider, provider_ref).await? {
            return Ok(Some(attempt));
        }
        let Some(id) = hint.and_then(|h| Uuid::parse_str(h).ok()) else { return Ok(None) };
        let attempt = attempts::find(&mut conn, id).await?;
        Ok(attempt.filter(|a| a.provider == provider && a.provider_ref.as_deref().is_none_or(|r| r == provider_ref)))
    }
}
