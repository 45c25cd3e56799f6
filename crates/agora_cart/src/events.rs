//! What the cart reads from other services: a paid checkout (`order.checkouts`) takes what was bought out
//! of the buyer's cart. Whole lines go, whatever their quantity, so applying an event twice changes nothing.

use std::sync::Arc;

use agora_bus::{Handler, HandlerError};
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::order::CheckoutEvent;
use async_trait::async_trait;

use crate::domain::{CartError, CartKey};
use crate::store::CartStore;

pub struct PaidCheckouts {
    pub store: Arc<dyn CartStore>,
}

#[async_trait]
impl Handler for PaidCheckouts {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let Some(CheckoutEvent::Paid(paid)) = event.decode::<CheckoutEvent>()? else { return Ok(()) };
        let products: Vec<uuid::Uuid> = paid.lines.iter().map(|line| line.product_id).collect();
        let removed = self.store.remove_bought(tx, &CartKey::buyer(paid.buyer_id), &products).await;
        removed.map_err(|err| match err {
            CartError::Internal(message) => HandlerError::Permanent(message),
            other => HandlerError::Transient(other.to_string()),
        })?;
        tracing::debug!(checkout.id = %paid.checkout_id, lines = products.len(), "bought products left the cart");
        Ok(())
    }
}
