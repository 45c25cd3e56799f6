//! What payment reads from other services. From order's checkouts: a checkout awaiting payment gets its
//! payment (for the event's total); a cancelled one closes or refunds it. From order's orders: an order
//! cancelled after payment gets its share of the charge back. Other events are not payment's.

use agora_bus::{Handler, HandlerError};
use agora_core::ErrorKind;
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::order::{CheckoutEvent, OrderEvent};
use agora_http::ApiError;
use async_trait::async_trait;

use crate::app::{OrderRefundOutcome, Payments};
use crate::domain::PaymentError;

/// The checkout consumer group's name, stable across releases.
pub const GROUP: &str = "payment.checkouts";
/// The order consumer group's name, stable across releases.
pub const ORDERS_GROUP: &str = "payment.orders";

fn handler_error(err: &PaymentError) -> HandlerError {
    match err.kind() {
        ErrorKind::Internal | ErrorKind::Unavailable => HandlerError::Transient(err.to_string()),
        _ => HandlerError::Permanent(err.to_string()),
    }
}

pub struct CheckoutPayments {
    pub payments: Payments,
}

#[async_trait]
impl Handler for CheckoutPayments {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let result = match event.decode::<CheckoutEvent>()? {
            Some(CheckoutEvent::AwaitingPayment(e)) => self.payments.open_payment(tx, &e).await.map(|_| ()),
            Some(CheckoutEvent::Cancelled(e)) => self.payments.checkout_cancelled(tx, e.checkout_id).await,
            Some(CheckoutEvent::Placed(_) | CheckoutEvent::Paid(_) | CheckoutEvent::Rejected(_)) | None => Ok(()),
        };
        result.map_err(|err| handler_error(&err))
    }
}

pub struct OrderRefunds {
    pub payments: Payments,
}

#[async_trait]
impl Handler for OrderRefunds {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        // A cancellation without a refund came before payment: the checkout's own events dealt with it.
        let Some(OrderEvent::Cancelled(cancelled)) = event.decode::<OrderEvent>()? else { return Ok(()) };
        let Some(amount) = cancelled.refund else { return Ok(()) };
        match self.payments.order_cancelled(tx, &cancelled, amount).await {
            // The capture is payment's own doing and normally long done; the bus tries again shortly.
            Ok(OrderRefundOutcome::NotCapturedYet) => Err(HandlerError::Transient(format!(
                "the payment of checkout {} is not captured yet",
                cancelled.checkout_id
            ))),
            Ok(_) => Ok(()),
            Err(err) => Err(handler_error(&err)),
        }
    }
}
