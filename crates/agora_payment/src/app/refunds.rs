//! Sending queued refunds to the provider — a whole charge, or one order's share of it. The refund id is the
//! idempotency key, so sending one again (after a timeout, a crash, or from a second instance) never
//! refunds twice; the first worker to record the provider's confirmation publishes `PaymentRefunded` and,
//! once the charge's confirmed refunds add up to all of it, moves the payment to `refunded`.

use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::payment::{PaymentEvent, PaymentRefunded};

use super::Payments;
use crate::domain::{PaymentError, PaymentStatus, RefundReason};
use crate::metrics;
use crate::provider::RefundRequest;
use crate::store::payments;
use crate::store::refunds::{self, Refund};

/// The longest wait between two tries of a refund.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

impl Payments {
    /// Sends every refund that is due; returns how many the provider confirmed.
    pub async fn send_due_refunds(&self) -> Result<usize, PaymentError> {
        let due = {
            let mut conn = self.db.pool().acquire().await?;
            refunds::due(&mut conn, Timestamp::now(), 50).await?
        };
        let mut done = 0;
        for refund in due {
            match self.send_refund(&refund).await {
                Ok(true) => done += 1,
                Ok(false) => {}
                Err(err) => tracing::error!(refund.id = %refund.id, error = %err, "refund could not be recorded"),
            }
        }
        Ok(done)
    }

    async fn send_refund(&self, refund: &Refund) -> Result<bool, PaymentError> {
        let request =
            RefundRequest { provider_ref: &refund.provider_ref, amount: refund.amount, idempotency_key: refund.id };
        let provider_refund_ref = match self.provider.refund(&request).await {
            Ok(reference) => reference,
            Err(err) => {
                let exponent = u32::try_from(refund.tries.clamp(0, 12)).unwrap_or(12);
                let wait = (self.settings.sweep_every() * 2u32.pow(exponent)).min(MAX_BACKOFF);
                let mut tx = self.begin().await?;
                refunds::retry_later(&mut tx, refund.id, &err.to_string(), Timestamp::now().plus(wait)).await?;
                tx.commit().await?;
                metrics::refund("retry");
                tracing::warn!(refund.id = %refund.id, payment.id = %refund.payment_id, error = %err, "refund not done yet, retrying");
                return Ok(false);
            }
        };
        let mut tx = self.begin().await?;
        if !refunds::succeeded(&mut tx, refund.id, &provider_refund_ref).await? {
            return Ok(false);
        }
        // A duplicate charge's refund leaves the payment (paid by its other charge) as it is.
        if refund.reason != RefundReason::DuplicateCharge {
            self.refund_confirmed(&mut tx, refund).await?;
        }
        tx.commit().await?;
        metrics::refund("succeeded");
        tracing::info!(refund.id = %refund.id, payment.id = %refund.payment_id, order.id = ?refund.order_id, reason = refund.reason.as_str(), amount = %refund.amount, "refund confirmed by the provider");
        Ok(true)
    }

    /// Money of the payment went back: `PaymentRefunded`, and `refunded` once all of the charge is back.
    async fn refund_confirmed(&self, tx: &mut Tx, refund: &Refund) -> Result<(), PaymentError> {
        let mut payment =
            payments::find_for_update(tx, refund.payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        let confirmed = refunds::total_of_charge(tx, &refund.provider, &refund.provider_ref, None, true).await?;
        let from = payment.status;
        if confirmed >= payment.amount.amount_minor && from != PaymentStatus::Refunded {
            payment.status = from.refunded()?;
            payments::update(tx, &payment, from).await?;
        }
        let refunded = PaymentRefunded {
            payment_id: payment.id,
            checkout_id: payment.checkout_id,
            buyer_id: payment.buyer_id,
            amount: refund.amount,
            provider_ref: refund.provider_ref.clone(),
            reason: refund.reason.as_str().to_owned(),
            order_id: refund.order_id,
        };
        self.outbox.emit(tx, &PaymentEvent::Refunded(refunded)).await?;
        Ok(())
    }
}
