//! What order reads from other services:
//!
//! - read models: catalog's products (prices, sellers, whether for sale, low-stock thresholds) and stock
//!   levels, and identity's shop names;
//! - the checkout flow: catalog's holds (held, rejected, expired) and payment's outcomes, including the
//!   refunds of cancelled orders.

use agora_bus::{Handler, HandlerError};
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::catalog::{HoldEvent, ProductEvent, StockEvent};
use agora_events::identity::SellerEvent;
use agora_events::order::CancelReason;
use agora_events::payment::PaymentEvent;
use async_trait::async_trait;

use crate::app::{Orders, Progress};
use crate::domain::OrderError;
use crate::store::products;

/// Keeps the read models of products and shops.
pub struct ReadModels;

#[async_trait]
impl Handler for ReadModels {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let result = if let Some(product) = event.decode::<ProductEvent>()? {
            match product {
                ProductEvent::Created(p) | ProductEvent::Updated(p) => products::upsert(tx, &p).await,
                ProductEvent::Deleted(d) => products::mark_deleted(tx, d.product_id, d.version).await,
                // Each is followed by a `product_updated` snapshot.
                ProductEvent::PriceChanged(_) | ProductEvent::Hidden(_) | ProductEvent::Shown(_) => Ok(()),
            }
        } else if let Some(StockEvent::Changed(stock)) = event.decode::<StockEvent>()? {
            products::keep_stock(tx, stock.product_id, stock.available).await
        } else if let Some(SellerEvent::Approved(approved)) = event.decode::<SellerEvent>()? {
            products::keep_shop_name(tx, approved.user_id, &approved.shop_name).await
        } else {
            Ok(())
        };
        result.map_err(classify)
    }
}

/// Moves checkouts on from catalog's holds and payment's outcomes.
pub struct CheckoutFlow {
    pub orders: Orders,
}

#[async_trait]
impl Handler for CheckoutFlow {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let orders = &self.orders;
        let (checkout, progress) = if let Some(hold) = event.decode::<HoldEvent>()? {
            match hold {
                HoldEvent::Placed(h) => (h.hold_id, Progress::StockHeld { until: h.expires_at }),
                HoldEvent::Rejected(h) => (h.hold_id, Progress::StockRejected { short: h.short }),
                HoldEvent::Expired(h) => (h.hold_id, Progress::TimedOut { reason: CancelReason::HoldExpired }),
                HoldEvent::Confirmed(_) | HoldEvent::Released(_) => return Ok(()),
            }
        } else if let Some(payment) = event.decode::<PaymentEvent>()? {
            match payment {
                PaymentEvent::Succeeded(p) => (p.checkout_id, Progress::Paid { payment_id: p.payment_id }),
                PaymentEvent::Failed(p) => {
                    return orders.payment_failed(tx, p.checkout_id, &p.message).await.map_err(classify);
                }
                PaymentEvent::Refunded(p) => {
                    let refunded = match p.order_id {
                        Some(order) => orders.order_refunded(tx, order, p.amount).await,
                        None => orders.payment_refunded(tx, p.checkout_id).await,
                    };
                    return refunded.map_err(classify);
                }
            }
        } else {
            return Ok(());
        };
        match orders.advance(tx, checkout, progress.clone()).await {
            Ok(_) => Ok(()),
            // A hold placed over catalog's REST API by an operator, not for a checkout.
            Err(OrderError::CheckoutNotFound) => Ok(()),
            Err(OrderError::IllegalTransition { from, step }) => {
                // The races design §5 allows: a payment that completes after the checkout was cancelled (payment
                // refunds it, having seen the cancellation), or a hold expiring after the checkout was paid.
                tracing::warn!(checkout.id = %checkout, from, step, "checkout event does not apply any more");
                metrics::counter!("agora_order_late_events_total", "step" => step).increment(1);
                Ok(())
            }
            Err(err) => Err(classify(err)),
        }
    }
}

/// Storage failures are worth retrying; anything else will fail again.
fn classify(err: OrderError) -> HandlerError {
    match err {
        OrderError::Db(_) | OrderError::Event(_) | OrderError::Internal(_) => HandlerError::Transient(err.to_string()),
        other => HandlerError::Permanent(other.to_string()),
    }
}
