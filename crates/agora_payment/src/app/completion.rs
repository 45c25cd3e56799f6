//! Completing a charge exactly once. The attempt's own answer, the browser return, the webhook and the
//! reconciliation sweep may all learn at the same moment that a charge succeeded; each runs [`complete`],
//! and in its transaction inserts the charge into `payment_completions` (unique per provider and charge).
//! Only the inserter goes on: it captures the payment (a conditional update from `requires_payment` or
//! `processing`) and publishes `PaymentSucceeded`, or — if the checkout was cancelled meanwhile, or another
//! charge paid already — queues the charge's refund. The others change nothing.
//!
//! [`complete`]: Payments::complete

use agora_events::payment::{PaymentEvent, PaymentSucceeded};
use agora_http::Caller;
use uuid::Uuid;

use super::{PaymentView, Payments};
use crate::domain::{Attempt, AttemptStatus, Completion, PaymentError, PaymentStatus, RefundReason};
use crate::metrics::{self, Via};
use crate::provider::{ChargeStatus, decline_code};
use crate::store::refunds::{self, Refund};
use crate::store::{attempts, completions, payments};

/// What one completion path achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completed {
    Captured,
    /// The money goes back (the checkout is gone, or another charge paid).
    RefundQueued,
    /// Another path completed this charge first.
    AlreadyCompleted,
}

impl Payments {
    /// Completes the succeeded charge `provider_ref` of `attempt`, unless another path did.
    pub(crate) async fn complete(
        &self,
        attempt: &Attempt,
        provider_ref: &str,
        via: Via,
    ) -> Result<Completed, PaymentError> {
        let mut tx = self.begin().await?;
        if !completions::claim(&mut tx, &attempt.provider, provider_ref, attempt.payment_id, via.as_str()).await? {
            tx.rollback().await?;
            metrics::completion(via, "lost");
            return Ok(Completed::AlreadyCompleted);
        }
        if let Some(mut stored) = attempts::find(&mut tx, attempt.id).await? {
            let from = stored.status;
            stored.status = AttemptStatus::Succeeded;
            stored.provider_ref = Some(provider_ref.to_owned());
            stored.code = None;
            stored.message = None;
            attempts::update(&mut tx, &stored, from).await?;
        }
        let mut payment =
            payments::find_for_update(&mut tx, attempt.payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        let from = payment.status;
        let completion = from.complete();
        match completion {
            Completion::Capture => {
                payment.status = from.capture()?;
                payment.provider_ref = Some(provider_ref.to_owned());
                payment.attempt_id = None;
                payment.last_error = None;
                if !payments::update(&mut tx, &payment, from).await? {
                    return Err(PaymentError::Internal(format!("payment {} changed under its lock", payment.id)));
                }
                let succeeded = PaymentSucceeded {
                    payment_id: payment.id,
                    checkout_id: payment.checkout_id,
                    buyer_id: payment.buyer_id,
                    amount: payment.amount,
                    provider: payment.provider.clone(),
                    provider_ref: provider_ref.to_owned(),
                };
                self.outbox.emit(&mut tx, &PaymentEvent::Succeeded(succeeded)).await?;
            }
            Completion::RefundLate | Completion::RefundDuplicate => {
                let reason = if completion == Completion::RefundLate {
                    RefundReason::CheckoutCancelled
                } else {
                    RefundReason::DuplicateCharge
                };
                let refund = Refund {
                    id: agora_core::new_id(),
                    payment_id: payment.id,
                    provider: attempt.provider.clone(),
                    provider_ref: provider_ref.to_owned(),
                    order_id: None,
                    amount: payment.amount,
                    reason,
                    tries: 0,
                };
                refunds::queue(&mut tx, &refund).await?;
                if payment.attempt_id == Some(attempt.id) {
                    payment.attempt_id = None;
                    payments::update(&mut tx, &payment, from).await?;
                }
            }
        }
        tx.commit().await?;
        let (outcome, completed) = match completion {
            Completion::Capture => ("captured", Completed::Captured),
            Completion::RefundLate => ("refund_late", Completed::RefundQueued),
            Completion::RefundDuplicate => ("refund_duplicate", Completed::RefundQueued),
        };
        metrics::completion(via, outcome);
        if completed == Completed::RefundQueued {
            self.refunds_queued.notify_one();
            tracing::warn!(payment.id = %payment.id, status = from.as_str(), via = via.as_str(), "a charge succeeded for a payment that cannot take it; refunding it");
        } else {
            tracing::info!(payment.id = %payment.id, via = via.as_str(), "payment captured");
        }
        Ok(completed)
    }

    /// The buyer's browser is back from paying: if the attempt is still processing, the provider is asked
    /// where the charge stands, and a success completes the payment here.
    pub async fn browser_return(&self, caller: &Caller, checkout_id: Uuid) -> Result<PaymentView, PaymentError> {
        let payment = self.visible(caller, checkout_id).await?;
        if payment.status == PaymentStatus::Processing
            && let Some(attempt_id) = payment.attempt_id
        {
            self.check_charge(attempt_id, Via::Return).await?;
        }
        self.view(payment.id).await
    }

    /// Asks the provider about an open attempt's charge, and completes or fails the attempt by its answer.
    pub(crate) async fn check_charge(&self, attempt_id: Uuid, via: Via) -> Result<(), PaymentError> {
        let attempt = {
            let mut conn = self.db.pool().acquire().await?;
            attempts::find(&mut conn, attempt_id).await?
        };
        let Some(attempt) = attempt.filter(|a| a.status.is_open()) else { return Ok(()) };
        // Not answered by the provider yet: nothing to ask about.
        let Some(provider_ref) = attempt.provider_ref.clone() else { return Ok(()) };
        match self.provider.retrieve(&provider_ref).await {
            Ok(ChargeStatus::Succeeded) => {
                self.complete(&attempt, &provider_ref, via).await?;
            }
            Ok(ChargeStatus::Failed { code, message }) => {
                self.fail_attempt(attempt.id, Some(provider_ref), decline_code(&code), &message).await?;
            }
            Ok(ChargeStatus::Processing) => {}
            // The answer stays "processing"; the webhook or the next look will tell.
            Err(err) => {
                tracing::warn!(attempt.id = %attempt.id, via = via.as_str(), error = %err, "could not ask the provider about a charge")
            }
        }
        Ok(())
    }
}
