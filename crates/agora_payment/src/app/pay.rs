//! Paying: an attempt claims the payment (`requires_payment` → `processing`, so two attempts can never be
//! at the provider at once), asks the provider to charge the checkout's total — never an amount from the
//! request — with the attempt id as idempotency key, and records the answer: a success completes the
//! payment, `processing` waits for the webhook or the browser return, a decline lets the buyer try again.

use agora_core::Timestamp;
use agora_events::payment::{PaymentEvent, PaymentFailed};
use agora_http::Caller;
use uuid::Uuid;

use super::{PaymentView, Payments};
use crate::domain::{Attempt, AttemptInput, AttemptStatus, PaymentError, PaymentMethod};
use crate::metrics::{self, Via};
use crate::provider::{ChargeOutcome, ChargeRequest, ProviderError, decline_code};
use crate::store::{attempts, payments};

impl Payments {
    /// Pays a checkout's payment as `caller` (its buyer, or an admin).
    pub async fn attempt(
        &self,
        caller: &Caller,
        checkout_id: Uuid,
        input: &AttemptInput,
    ) -> Result<PaymentView, PaymentError> {
        let payment = self.visible(caller, checkout_id).await?;
        let method = PaymentMethod::parse(self.provider.method_kind(), input, Timestamp::now())?;
        let attempt = self.start_attempt(payment.id, &method).await?;
        let request = ChargeRequest {
            amount: payment.amount,
            idempotency_key: attempt.id,
            checkout_id,
            payment_id: payment.id,
            method: &method,
        };
        let outcome = self.provider.charge(&request).await;
        let (code, message) = match outcome {
            Ok(ChargeOutcome::Succeeded { provider_ref }) => {
                metrics::attempt("succeeded");
                self.complete(&attempt, &provider_ref, Via::Attempt).await?;
                return self.view(payment.id).await;
            }
            Ok(ChargeOutcome::Processing { provider_ref }) => {
                metrics::attempt("processing");
                self.await_webhook(attempt.id, &provider_ref).await?;
                return self.view(payment.id).await;
            }
            Ok(ChargeOutcome::Declined { provider_ref, code, message }) => {
                metrics::attempt("declined");
                let code = decline_code(&code);
                self.fail_attempt(attempt.id, provider_ref, code, &message).await?;
                (code, message)
            }
            Err(ProviderError::Unavailable(reason)) => {
                metrics::attempt("error");
                tracing::warn!(payment.id = %payment.id, attempt.id = %attempt.id, error = %reason, "payment provider unavailable");
                let message = "The payment provider could not be reached; try again.";
                self.fail_attempt(attempt.id, None, "provider_unavailable", message).await?;
                return Err(PaymentError::ProviderUnavailable);
            }
            Err(ProviderError::Rejected { code, message }) => {
                metrics::attempt("error");
                tracing::warn!(payment.id = %payment.id, attempt.id = %attempt.id, provider.code = %code, "payment provider refused the charge");
                self.fail_attempt(attempt.id, None, "provider_error", &message).await?;
                ("provider_error", message)
            }
        };
        Err(PaymentError::Declined { code, message, attempt_id: attempt.id })
    }

    /// Claims the payment for a new attempt.
    async fn start_attempt(&self, payment_id: Uuid, method: &PaymentMethod) -> Result<Attempt, PaymentError> {
        let now = Timestamp::now();
        let mut tx = self.begin().await?;
        let mut payment = payments::find_for_update(&mut tx, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        let from = payment.status;
        payment.status = from.start_attempt(now, payment.pay_by)?;
        let (brand, last4) = method.card_summary();
        let attempt = Attempt {
            id: agora_core::new_id(),
            payment_id,
            status: AttemptStatus::Pending,
            provider: self.provider.name().to_owned(),
            provider_ref: None,
            card_brand: brand.map(str::to_owned),
            card_last4: last4,
            code: None,
            message: None,
            created_at: now,
            updated_at: now,
        };
        payment.attempt_id = Some(attempt.id);
        if !payments::update(&mut tx, &payment, from).await? {
            return Err(PaymentError::PaymentInProgress);
        }
        attempts::insert(&mut tx, &attempt).await?;
        tx.commit().await?;
        tracing::info!(payment.id = %payment_id, attempt.id = %attempt.id, "payment attempt sent to the provider");
        Ok(attempt)
    }

    /// The provider will tell later: remember its charge, so the webhook and the return can find it.
    async fn await_webhook(&self, attempt_id: Uuid, provider_ref: &str) -> Result<(), PaymentError> {
        let mut tx = self.begin().await?;
        let Some(mut attempt) = attempts::find(&mut tx, attempt_id).await? else { return Ok(()) };
        // A webhook may have concluded it already.
        if attempt.status == AttemptStatus::Pending {
            attempt.status = AttemptStatus::Processing;
            attempt.provider_ref = Some(provider_ref.to_owned());
            attempts::update(&mut tx, &attempt, AttemptStatus::Pending).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Concludes an open attempt as failed and lets the buyer try again (unless the payment moved on);
    /// `PaymentFailed` is published once per failed attempt. Returns whether this call concluded it.
    pub(crate) async fn fail_attempt(
        &self,
        attempt_id: Uuid,
        provider_ref: Option<String>,
        code: &str,
        message: &str,
    ) -> Result<bool, PaymentError> {
        let mut tx = self.begin().await?;
        let Some(mut attempt) = attempts::find(&mut tx, attempt_id).await? else { return Ok(false) };
        let from = attempt.status;
        if !from.is_open() {
            return Ok(false);
        }
        attempt.status = AttemptStatus::Failed;
        attempt.provider_ref = attempt.provider_ref.or(provider_ref);
        attempt.code = Some(code.to_owned());
        attempt.message = Some(message.to_owned());
        if !attempts::update(&mut tx, &attempt, from).await? {
            return Ok(false);
        }
        let mut payment =
            payments::find_for_update(&mut tx, attempt.payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        if payment.attempt_id == Some(attempt_id) {
            let before = payment.status;
            // A payment cancelled meanwhile stays cancelled.
            if let Ok(next) = before.attempt_failed() {
                payment.status = next;
            }
            payment.attempt_id = None;
            payment.last_error = Some((code.to_owned(), message.to_owned()));
            payments::update(&mut tx, &payment, before).await?;
        }
        let failed = PaymentFailed {
            payment_id: payment.id,
            checkout_id: payment.checkout_id,
            buyer_id: payment.buyer_id,
            code: code.to_owned(),
            message: message.to_owned(),
        };
        self.outbox.emit(&mut tx, &PaymentEvent::Failed(failed)).await?;
        tx.commit().await?;
        tracing::info!(payment.id = %payment.id, attempt.id = %attempt_id, code, "payment attempt failed");
        Ok(true)
    }
}
