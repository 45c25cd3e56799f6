//! What catalog reads from other services: identity's seller decisions, into the `sellers` read model
//! (shop names for product pages; a suspended shop's products leave the shop and cannot be held).

use agora_bus::{Handler, HandlerError};
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::identity::SellerEvent;
use async_trait::async_trait;

use crate::store::sellers;

pub struct SellerDecisions {
    pub cache: crate::cache::ReadCache,
}

#[async_trait]
impl Handler for SellerDecisions {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let result = match event.decode::<SellerEvent>()? {
            Some(SellerEvent::Approved(e)) => sellers::upsert(tx, e.user_id, Some(&e.shop_name), true).await,
            Some(SellerEvent::Revoked(e)) => sellers::upsert(tx, e.user_id, None, false).await,
            Some(SellerEvent::Rejected(_)) | None => Ok(()),
        };
        result.map_err(|e| HandlerError::Transient(e.to_string()))?;
        // A shop's name or standing shows on its products and decides what searches find.
        self.cache.clear();
        Ok(())
    }
}
