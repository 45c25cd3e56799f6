//! What payment reads from other services: order's checkouts. A checkout awaiting payment gets its payment
//! (for the event's total); a cancelled one closes or refunds it. Other checkout events are not payment's.

use agora_bus::{Handler, HandlerError};
use agora_core::ErrorKind;
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::order::CheckoutEvent;
use agora_http::ApiError;
use async_trait::async_trait;

use crate::app::Payments;

/// The consumer group's name, stable across releases.
pub const GROUP: &str = "payment.checkouts";

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
        result.map_err(|err| match err.kind() {
            ErrorKind::Internal | ErrorKind::Unavailable => HandlerError::Transient(err.to_string()),
            _ => HandlerError::Permanent(err.to_string()),
        })
    }
}
