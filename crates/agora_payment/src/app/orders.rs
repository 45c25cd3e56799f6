//! What order's order events do to payments, inside the consumer's transaction (the event's inbox row
//! commits with the effect). An order cancelled after its checkout was paid gets its share of the charge
//! back: the refund is queued here, once per order, and sent to the provider afterwards.

use agora_core::Money;
use agora_db::Tx;
use agora_events::order::OrderStatusChanged;

use super::Payments;
use crate::domain::refund::check_share;
use crate::domain::{OrderRefund, PaymentError, RefundReason};
use crate::metrics;
use crate::store::payments;
use crate::store::refunds::{self, Refund};

/// What an order's cancellation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderRefundOutcome {
    Queued,
    /// The order's refund was queued before (the same event again, or the same order re-announced).
    AlreadyQueued,
    /// The refund would take more than is left of the charge (or is empty, or in another currency).
    Refused,
    /// The whole charge went back already, or nothing was ever captured.
    NothingToRefund,
    /// The checkout's payment is not captured (or not known) yet: worth trying again later.
    NotCapturedYet,
}

impl OrderRefundOutcome {
    fn as_str(self) -> &'static str {
        match self {
            OrderRefundOutcome::Queued => "queued",
            OrderRefundOutcome::AlreadyQueued => "duplicate",
            OrderRefundOutcome::Refused => "refused",
            OrderRefundOutcome::NothingToRefund => "nothing_to_refund",
            OrderRefundOutcome::NotCapturedYet => "not_captured_yet",
        }
    }
}

impl Payments {
    /// An order of a paid checkout was cancelled: `amount` (its total) goes back from the checkout's
    /// charge, once per order, and never more than the charge has left.
    pub async fn order_cancelled(
        &self,
        tx: &mut Tx,
        event: &OrderStatusChanged,
        amount: Money,
    ) -> Result<OrderRefundOutcome, PaymentError> {
        let outcome = self.queue_order_refund(tx, event, amount).await?;
        metrics::order_refund(outcome.as_str());
        Ok(outcome)
    }

    async fn queue_order_refund(
        &self,
        tx: &mut Tx,
        event: &OrderStatusChanged,
        amount: Money,
    ) -> Result<OrderRefundOutcome, PaymentError> {
        let Some(found) = payments::find_by_checkout(tx, event.checkout_id).await? else {
            return Ok(OrderRefundOutcome::NotCapturedYet);
        };
        // Every decision about this payment's refunds is taken under its lock, so the sum below holds.
        let payment = payments::find_for_update(tx, found.id).await?.ok_or(PaymentError::PaymentNotFound)?;
        match payment.status.refund_order() {
            OrderRefund::NotCapturedYet => return Ok(OrderRefundOutcome::NotCapturedYet),
            OrderRefund::Nothing => {
                tracing::info!(payment.id = %payment.id, order.id = %event.order_id, status = payment.status.as_str(), "order cancelled: nothing of its payment left to refund");
                return Ok(OrderRefundOutcome::NothingToRefund);
            }
            OrderRefund::Refund => {}
        }
        let provider_ref = payment
            .provider_ref
            .clone()
            .ok_or_else(|| PaymentError::Internal(format!("payment {} succeeded without a charge", payment.id)))?;
        // The checkout was cancelled after its capture: all that is left of the charge is on its way back.
        if refunds::whole_charge_refunded(tx, &payment.provider, &provider_ref).await? {
            tracing::info!(payment.id = %payment.id, order.id = %event.order_id, "order cancelled: its checkout's whole charge is being refunded");
            return Ok(OrderRefundOutcome::NothingToRefund);
        }
        let committed =
            refunds::total_of_charge(tx, &payment.provider, &provider_ref, Some(event.order_id), false).await?;
        if let Err(refused) = check_share(payment.amount, committed, amount) {
            tracing::error!(payment.id = %payment.id, order.id = %event.order_id, error = %refused, "order's refund refused");
            return Ok(OrderRefundOutcome::Refused);
        }
        let refund = Refund {
            id: agora_core::new_id(),
            payment_id: payment.id,
            provider: payment.provider.clone(),
            provider_ref,
            order_id: Some(event.order_id),
            amount,
            reason: RefundReason::OrderCancelled,
            tries: 0,
        };
        if !refunds::queue_for_order(tx, &refund).await? {
            tracing::debug!(payment.id = %payment.id, order.id = %event.order_id, "order's refund queued already");
            return Ok(OrderRefundOutcome::AlreadyQueued);
        }
        self.refunds_queued.notify_one();
        tracing::info!(payment.id = %payment.id, order.id = %event.order_id, refund.id = %refund.id, amount = %amount, "refund queued: order cancelled after payment");
        Ok(OrderRefundOutcome::Queued)
    }
}
