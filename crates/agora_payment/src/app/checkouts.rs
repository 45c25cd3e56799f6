//! What order's checkout events do to payments, inside the consumer's transaction (the event's inbox row
//! commits with the effect). Nothing here calls the provider: a refund is queued and sent afterwards.

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::order::CheckoutAwaitingPayment;
use uuid::Uuid;

use super::Payments;
use crate::domain::refund::left_of;
use crate::domain::{CancelOutcome, Payment, PaymentError, PaymentStatus, RefundReason};
use crate::store::payments;
use crate::store::refunds::{self, Refund};

impl Payments {
    /// A checkout's stock is held: it gets its payment, for the event's total. A checkout has one payment
    /// (unique checkout id), so a repeated event changes nothing. Returns whether it was created.
    pub async fn open_payment(&self, tx: &mut Tx, event: &CheckoutAwaitingPayment) -> Result<bool, PaymentError> {
        let now = Timestamp::now();
        let payment = Payment {
            id: agora_core::new_id(),
            checkout_id: event.checkout_id,
            buyer_id: event.buyer_id,
            amount: event.total,
            provider: self.provider.name().to_owned(),
            status: PaymentStatus::RequiresPayment,
            pay_by: event.pay_by,
            attempt_id: None,
            provider_ref: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        };
        let created = payments::insert(tx, &payment).await?;
        if created {
            tracing::info!(payment.id = %payment.id, checkout.id = %event.checkout_id, "payment awaiting the buyer");
        }
        Ok(created)
    }

    /// A checkout ended without a sale: its payment closes, or — if it was captured — its charge is refunded
    /// (once, however often the cancellation arrives; less what its cancelled orders get back). An attempt still at the provider that succeeds later
    /// finds the payment cancelled and is refunded by its completion.
    pub async fn checkout_cancelled(&self, tx: &mut Tx, checkout_id: Uuid) -> Result<(), PaymentError> {
        let Some(found) = payments::find_by_checkout(tx, checkout_id).await? else {
            tracing::debug!(checkout.id = %checkout_id, "cancelled checkout had no payment");
            return Ok(());
        };
        let mut payment = payments::find_for_update(tx, found.id).await?.ok_or(PaymentError::PaymentNotFound)?;
        let from = payment.status;
        match from.cancel() {
            CancelOutcome::Close => {
                payment.status = PaymentStatus::Cancelled;
                payments::update(tx, &payment, from).await?;
                tracing::info!(payment.id = %payment.id, was = from.as_str(), "payment closed: checkout cancelled");
            }
            CancelOutcome::Refund => {
                let provider_ref = payment.provider_ref.clone().ok_or_else(|| {
                    PaymentError::Internal(format!("payment {} succeeded without a charge", payment.id))
                })?;
                // What its cancelled orders are getting back already is not given twice.
                let committed = refunds::total_of_charge(tx, &payment.provider, &provider_ref, None, false).await?;
                let rest = left_of(payment.amount, committed);
                if rest.amount_minor == 0 {
                    tracing::info!(payment.id = %payment.id, "checkout cancelled: its orders' refunds took the whole charge");
                    return Ok(());
                }
                let refund = Refund {
                    id: agora_core::new_id(),
                    payment_id: payment.id,
                    provider: payment.provider.clone(),
                    provider_ref,
                    order_id: None,
                    amount: rest,
                    reason: RefundReason::CheckoutCancelled,
                    tries: 0,
                };
                if refunds::queue(tx, &refund).await? {
                    self.refunds_queued.notify_one();
                    tracing::info!(payment.id = %payment.id, "refund queued: checkout cancelled after payment");
                }
            }
            CancelOutcome::Nothing => {}
        }
        Ok(())
    }
}
