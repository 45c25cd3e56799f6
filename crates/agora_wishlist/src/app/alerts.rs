//! Alerts for the buyers watching a product, written to the outbox in the consumer's transaction (with the
//! inbox record of the catalog event that caused them), so a redelivered event alerts no one twice.

use agora_core::{Money, Timestamp};
use agora_db::Tx;
use agora_events::wishlist::{BackInStockAlert, PriceDropAlert, WishlistAlert};
use uuid::Uuid;

use super::Wishlists;
use crate::domain::WishlistError;
use crate::metrics;
use crate::store::items::{self, Watch};

impl Wishlists {
    /// One `price_dropped` alert per buyer who saved the product and wants price alerts; none for a rise.
    pub async fn price_changed(
        &self,
        tx: &mut Tx,
        product_id: Uuid,
        title: &str,
        old_price: Money,
        new_price: Money,
    ) -> Result<usize, WishlistError> {
        if new_price.currency != old_price.currency || new_price.amount_minor >= old_price.amount_minor {
            return Ok(0);
        }
        let buyers = items::watchers(tx, product_id, Watch::PriceDrop).await?;
        let at = Timestamp::now();
        for user_id in &buyers {
            let alert =
                PriceDropAlert { user_id: *user_id, product_id, title: title.to_owned(), old_price, new_price, at };
            self.outbox.emit(tx, &WishlistAlert::PriceDropped(alert)).await?;
        }
        metrics::alerts("price_dropped", buyers.len());
        tracing::debug!(product.id = %product_id, buyers = buyers.len(), "price-drop alerts written");
        Ok(buyers.len())
    }

    /// One `back_in_stock` alert per buyer who saved the product and wants stock alerts.
    pub async fn back_in_stock(
        &self,
        tx: &mut Tx,
        product_id: Uuid,
        title: &str,
        available: i64,
    ) -> Result<usize, WishlistError> {
        let buyers = items::watchers(tx, product_id, Watch::BackInStock).await?;
        let at = Timestamp::now();
        for user_id in &buyers {
            let alert = BackInStockAlert { user_id: *user_id, product_id, title: title.to_owned(), available, at };
            self.outbox.emit(tx, &WishlistAlert::BackInStock(alert)).await?;
        }
        metrics::alerts("back_in_stock", buyers.len());
        tracing::debug!(product.id = %product_id, buyers = buyers.len(), "back-in-stock alerts written");
        Ok(buyers.len())
    }
}
