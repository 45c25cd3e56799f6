//! The built-in simulated provider, for development, demos and tests. Test cards:
//!
//! | number                | outcome                                                           |
//! |-----------------------|-------------------------------------------------------------------|
//! | `4242 4242 4242 4242` | succeeds                                                          |
//! | `4000 0000 0000 0002` | declined, `card_declined`                                         |
//! | `4000 0000 0000 9995` | declined, `insufficient_funds`                                    |
//! | `4000 0000 0000 3220` | `processing`; succeeds `webhook_delay_ms` later, told by webhook |
//! | any other valid number | succeeds                                                         |
//!
//! Its books live in the payment database ([`ledger`]), so charges, refunds and webhooks still due survive
//! a restart. Its webhooks are real HTTP requests to payment's own webhook route ([`sender`]), signed like
//! Stripe's.

pub mod ledger;
mod sender;

use std::sync::Arc;
use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Db;
use agora_http::BackgroundTask;
use async_trait::async_trait;
use axum::http::HeaderMap;
use tokio::sync::Notify;
use uuid::Uuid;

use self::ledger::{RefundRefusal, SimCharge};
use super::{
    ChargeOutcome, ChargeRequest, ChargeStatus, Provider, ProviderError, RefundRequest, WebhookError, WebhookEvent,
};
use crate::config::PaymentSettings;
use crate::domain::PaymentMethod;
use crate::domain::card::MethodKind;

pub const NAME: &str = "simulated";

/// The simulated provider.
pub struct Simulated {
    db: Db,
    secret: Arc<str>,
    delay: Duration,
    tolerance_secs: u64,
    scheduled: Arc<Notify>,
}

/// What a test card does.
enum Behaviour {
    Succeed,
    Decline(&'static str, &'static str),
    Later,
}

impl Behaviour {
    fn of(number: &str) -> Behaviour {
        match number {
            "4000000000000002" => Behaviour::Decline("card_declined", "Your card was declined."),
            "4000000000009995" => Behaviour::Decline("insufficient_funds", "Your card has insufficient funds."),
            "4000000000003220" => Behaviour::Later,
            _ => Behaviour::Succeed,
        }
    }
}

impl Simulated {
    /// The provider and its webhook sender, which posts to `{payment_base_url}/webhooks/simulated`.
    pub fn new(
        db: Db,
        settings: &PaymentSettings,
        payment_base_url: &str,
    ) -> Result<(Simulated, BackgroundTask), String> {
        let secret: Arc<str> = if settings.simulated.webhook_secret.is_empty() {
            random_secret()?.into()
        } else {
            settings.simulated.webhook_secret.as_str().into()
        };
        let scheduled = Arc::new(Notify::new());
        let sender = sender::Sender::new(
            db.clone(),
            secret.clone(),
            format!("{}/webhooks/{NAME}", payment_base_url.trim_end_matches('/')),
            scheduled.clone(),
        )?;
        let provider = Simulated {
            db,
            secret,
            delay: Duration::from_millis(settings.simulated.webhook_delay_ms),
            tolerance_secs: settings.webhook_tolerance_secs,
            scheduled,
        };
        Ok((provider, ("payment.simulated-webhooks".to_owned(), Box::pin(sender.run()))))
    }
}

fn random_secret() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for the simulated webhook secret: {e}"))?;
    Ok(format!("whsec_{}", hex::encode(bytes)))
}

fn unavailable(err: agora_db::DbError) -> ProviderError {
    ProviderError::Unavailable(format!("simulated provider storage: {err}"))
}

fn outcome(charge: &SimCharge) -> ChargeOutcome {
    let provider_ref = charge.id.clone();
    match charge.status.as_str() {
        "succeeded" => ChargeOutcome::Succeeded { provider_ref },
        "processing" => ChargeOutcome::Processing { provider_ref },
        _ => ChargeOutcome::Declined {
            provider_ref: Some(provider_ref),
            code: charge.failure_code.clone().unwrap_or_else(|| "card_declined".to_owned()),
            message: charge.failure_message.clone().unwrap_or_else(|| "Your card was declined.".to_owned()),
        },
    }
}

#[async_trait]
impl Provider for Simulated {
    fn name(&self) -> &'static str {
        NAME
    }

    fn method_kind(&self) -> MethodKind {
        MethodKind::Card
    }

    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, ProviderError> {
        let PaymentMethod::Card(card) = request.method else {
            return Err(ProviderError::Rejected {
                code: "invalid_request".to_owned(),
                message: "the simulated provider takes cards".to_owned(),
            });
        };
        let now = Timestamp::now();
        let (status, failure, settle_at, captures) = match Behaviour::of(card.number()) {
            Behaviour::Succeed => ("succeeded", None, None, 1),
            Behaviour::Decline(code, message) => ("failed", Some((code, message)), None, 0),
            Behaviour::Later => ("processing", None, Some(now.plus(self.delay).as_micros()), 0),
        };
        let new = SimCharge {
            id: format!("sim_pi_{}", Uuid::now_v7().simple()),
            idempotency_key: request.idempotency_key.to_string(),
            payment_id: request.payment_id.to_string(),
            checkout_id: request.checkout_id.to_string(),
            amount_minor: request.amount.amount_minor,
            currency: request.amount.currency.to_string(),
            card_last4: card.last4(),
            status: status.to_owned(),
            failure_code: failure.map(|(code, _)| code.to_owned()),
            failure_message: failure.map(|(_, message)| message.to_owned()),
            captures,
            settle_at,
            webhook_tries: 0,
        };
        let charge = ledger::insert_or_existing(&self.db, &new, now).await.map_err(unavailable)?;
        if charge.status == "processing" {
            self.scheduled.notify_one();
        }
        Ok(outcome(&charge))
    }

    async fn retrieve(&self, provider_ref: &str) -> Result<ChargeStatus, ProviderError> {
        ledger::settle_if_due(&self.db, provider_ref, Timestamp::now()).await.map_err(unavailable)?;
        let charge = ledger::find(&self.db, provider_ref).await.map_err(unavailable)?.ok_or_else(|| {
            ProviderError::Rejected { code: "resource_missing".to_owned(), message: "no such charge".to_owned() }
        })?;
        Ok(match outcome(&charge) {
            ChargeOutcome::Succeeded { .. } => ChargeStatus::Succeeded,
            ChargeOutcome::Processing { .. } => ChargeStatus::Processing,
            ChargeOutcome::Declined { code, message, .. } => ChargeStatus::Failed { code, message },
        })
    }

    async fn refund(&self, request: &RefundRequest<'_>) -> Result<String, ProviderError> {
        let id = format!("sim_re_{}", Uuid::now_v7().simple());
        let key = request.idempotency_key.to_string();
        let amount = request.amount.amount_minor;
        let done = ledger::refund(&self.db, &id, &key, request.provider_ref, amount, Timestamp::now())
            .await
            .map_err(unavailable)?;
        done.map_err(|refusal| {
            // Stripe's codes for the same refusals.
            let (code, message) = match refusal {
                RefundRefusal::NoSuchCharge => ("resource_missing", "no such charge"),
                RefundRefusal::NotCaptured => ("charge_not_captured", "the charge has not succeeded"),
                RefundRefusal::InvalidAmount => ("parameter_invalid_integer", "a refund must be more than nothing"),
                RefundRefusal::AlreadyRefunded => ("charge_already_refunded", "the charge was refunded already"),
                RefundRefusal::AmountTooLarge => ("amount_too_large", "more than is left of the charge"),
                RefundRefusal::KeyReused => ("idempotency_key_in_use", "the key was used for another refund"),
            };
            ProviderError::Rejected { code: code.to_owned(), message: message.to_owned() }
        })
    }

    fn verify_webhook(&self, body: &[u8], headers: &HeaderMap) -> Result<WebhookEvent, WebhookError> {
        super::verify_and_parse(&self.secret, headers, body, self.tolerance_secs)
    }
}
