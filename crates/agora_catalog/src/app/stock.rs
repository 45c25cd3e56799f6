//! Stock events: each change of a product's levels is `stock_changed`, with the moments read models care
//! about (back in stock, low stock, sold out).

use agora_events::catalog::{BackInStock, LowStock, SoldOut, StockChanged, StockEvent, StockReason};

use super::Catalog;
use crate::domain::CatalogError;
use crate::store::products::Product;
use crate::store::stock::Levels;

impl Catalog {
    /// `stock_changed`, and the moments read models care about: back in stock, low stock, sold out.
    pub(super) async fn emit_stock(
        &self,
        tx: &mut agora_db::Tx,
        product: &Product,
        before: Levels,
        after: Levels,
        reason: StockReason,
    ) -> Result<(), CatalogError> {
        let changed = StockChanged {
            product_id: product.id,
            seller_id: product.seller_id,
            available: after.available,
            held: after.held,
            sold: after.sold,
            previous_available: before.available,
            reason,
        };
        self.outbox.emit(tx, &StockEvent::Changed(changed)).await?;
        let (id, seller_id, title) = (product.id, product.seller_id, product.title.clone());
        let threshold = product.low_stock_threshold;
        let moment = if before.available == 0 && after.available > 0 {
            Some(StockEvent::BackInStock(BackInStock { product_id: id, seller_id, title, available: after.available }))
        } else if before.available > 0 && after.available == 0 {
            Some(StockEvent::SoldOut(SoldOut { product_id: id, seller_id, title }))
        } else if before.available > threshold && after.available <= threshold && after.available > 0 {
            Some(StockEvent::LowStock(LowStock {
                product_id: id,
                seller_id,
                title,
                available: after.available,
                threshold,
            }))
        } else {
            None
        };
        if let Some(event) = moment {
            self.outbox.emit(tx, &event).await?;
        }
        Ok(())
    }
}
