//! What wishlist reads from catalog (consumer group `wishlist.catalog`): product snapshots, prices and stock
//! keep the read model; a price drop or a product back in stock alerts the buyers watching it. Everything
//! happens in the consumer's transaction, which also records the event in the inbox.

use agora_bus::{Handler, HandlerError};
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::catalog::{ProductEvent, StockEvent};
use async_trait::async_trait;

use crate::app::Wishlists;
use crate::domain::WishlistError;
use crate::store::products;

pub struct CatalogWatch {
    pub wishlists: Wishlists,
}

#[async_trait]
impl Handler for CatalogWatch {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let wishlists = &self.wishlists;
        let result = if let Some(product) = event.decode::<ProductEvent>()? {
            match product {
                ProductEvent::Created(p) | ProductEvent::Updated(p) => products::upsert(tx, &p).await,
                ProductEvent::Deleted(d) => products::mark_deleted(tx, d.product_id, d.version).await,
                ProductEvent::PriceChanged(p) => {
                    let kept = products::keep_price(tx, p.product_id, p.new_price, p.version).await;
                    match kept {
                        Ok(()) => wishlists.price_changed(tx, p.product_id, &p.title, p.old_price, p.new_price).await,
                        Err(err) => Err(err),
                    }
                    .map(drop)
                }
                // Each is followed by a `product_updated` snapshot.
                ProductEvent::Hidden(_) | ProductEvent::Shown(_) => Ok(()),
            }
        } else if let Some(stock) = event.decode::<StockEvent>()? {
            match stock {
                StockEvent::Changed(s) => products::keep_stock(tx, s.product_id, s.available).await,
                StockEvent::BackInStock(b) => {
                    wishlists.back_in_stock(tx, b.product_id, &b.title, b.available).await.map(drop)
                }
                StockEvent::LowStock(_) | StockEvent::SoldOut(_) => Ok(()),
            }
        } else {
            Ok(())
        };
        result.map_err(classify)
    }
}

/// Storage failures are worth retrying; anything else will fail again.
fn classify(err: WishlistError) -> HandlerError {
    match err {
        WishlistError::Db(_) | WishlistError::Event(_) | WishlistError::Internal(_) => {
            HandlerError::Transient(err.to_string())
        }
        other => HandlerError::Permanent(other.to_string()),
    }
}
