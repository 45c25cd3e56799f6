//! What catalog reads from other services: identity's seller decisions, into the `sellers` read model
//! (shop names for product pages; a suspended shop's products leave the shop and cannot be held), and its
//! registrations, into the `reviewers` read model (authors' names); order's checkouts, which place, confirm
//! and release stock holds; and order's orders: a paid order cancelled returns its units to stock, a
//! delivered one lets its buyer review what it delivered (the `purchases` read model).

use agora_bus::{Handler, HandlerError};
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::identity::{SellerEvent, UserEvent};
use agora_events::order::{CheckoutEvent, OrderEvent};
use async_trait::async_trait;

use crate::app::{Catalog, OverLimit};
use crate::domain::{CatalogError, HoldRequest, HoldStatus};
use crate::store::{purchases, reviewers, sellers};

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

/// Accounts' display names, for the authors of reviews.
pub struct Users;

#[async_trait]
impl Handler for Users {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        if let Some(UserEvent::Registered(e)) = event.decode::<UserEvent>()? {
            reviewers::upsert(tx, e.user_id, &e.display_name).await.map_err(classify)?;
        }
        Ok(())
    }
}

/// Orders after the sale. A cancellation with a refund due was paid, so its units were (or are about to be)
/// sold: they come back once (see [`crate::app::Catalog::return_order_in`]). A cancellation without one
/// ended before payment, through the checkout's events. A delivery records what its buyer may review.
pub struct Orders {
    pub catalog: Catalog,
}

#[async_trait]
impl Handler for Orders {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        match event.decode::<OrderEvent>()? {
            Some(OrderEvent::Cancelled(e)) if e.refund.is_some() => {
                let changed =
                    self.catalog.return_order_in(tx, e.order_id, e.checkout_id, &e.lines).await.map_err(classify)?;
                if !changed.is_empty() {
                    self.catalog.cache.changed(&changed).await;
                }
            }
            Some(OrderEvent::Delivered(e)) => {
                for line in &e.lines {
                    purchases::record(tx, e.buyer_id, line.product_id, e.order_id, e.at).await.map_err(classify)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Checkouts drive holds (design §5): a placed checkout holds its lines under the checkout's id, a paid one
/// turns them into sales, a cancelled one gives them back. Every step is idempotent on the hold id, so a
/// redelivered event answers what was decided the first time.
pub struct Checkouts {
    pub catalog: Catalog,
}

#[async_trait]
impl Handler for Checkouts {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let catalog = &self.catalog;
        let (hold, status) = match event.decode::<CheckoutEvent>()? {
            Some(CheckoutEvent::Placed(placed)) => {
                let request = HoldRequest::for_checkout(placed.checkout_id, &placed.lines).map_err(permanent)?;
                let (hold, fresh) =
                    catalog.place_in(tx, placed.buyer_id, &request, OverLimit::Reject).await.map_err(classify)?;
                if fresh {
                    catalog.held(&hold).await;
                }
                return Ok(());
            }
            Some(CheckoutEvent::Paid(paid)) => (paid.checkout_id, HoldStatus::Confirmed),
            Some(CheckoutEvent::Cancelled(cancelled)) => (cancelled.checkout_id, HoldStatus::Released),
            Some(CheckoutEvent::AwaitingPayment(_) | CheckoutEvent::Rejected(_)) | None => return Ok(()),
        };
        match catalog.end_hold_in(tx, hold, None, status).await {
            Ok(ending) => {
                if ending.late {
                    // Paid after the hold ran out: the units went back on sale. Order keeps its payment window
                    // shorter than the hold, so this needs a payment that took longer than both.
                    tracing::error!(hold.id = %hold, "a checkout was paid after its stock hold expired");
                    metrics::counter!("agora_catalog_late_confirmations_total").increment(1);
                }
                if ending.changed {
                    catalog.ended(&ending.hold).await;
                }
                Ok(())
            }
            // Released after it expired, or a cancelled checkout whose hold was rejected: nothing to give back.
            Err(CatalogError::HoldNotActive(_) | CatalogError::HoldNotFound) if status == HoldStatus::Released => {
                Ok(())
            }
            // Paid after the sweeper had already expired the hold: the same case as a late confirm above.
            Err(CatalogError::HoldNotActive(state)) => {
                tracing::error!(hold.id = %hold, state, "a checkout was paid after its stock hold ended");
                metrics::counter!("agora_catalog_late_confirmations_total").increment(1);
                Ok(())
            }
            Err(err) => Err(classify(err)),
        }
    }
}

fn permanent(err: CatalogError) -> HandlerError {
    HandlerError::Permanent(err.to_string())
}

/// Storage failures are worth retrying; a request catalog refuses will be refused again.
fn classify(err: CatalogError) -> HandlerError {
    match err {
        CatalogError::Db(_) | CatalogError::Event(_) | CatalogError::Internal(_) => {
            HandlerError::Transient(err.to_string())
        }
        other => permanent(other),
    }
}
