//! Saving and removing products, and which of some products a buyer saved. The buyer is always the caller.

use agora_core::Timestamp;
use agora_http::Caller;
use serde::Deserialize;
use uuid::Uuid;

use super::Wishlists;
use super::view::ItemView;
use crate::domain::{Alerts, ProductIds, ProductStatus, SavedItem, WishlistError};
use crate::metrics;
use crate::store::items::{self, Inserted};
use crate::store::products;

/// Which alerts to get about a product being saved; each defaults to yes. Any other field (a price) is
/// ignored: the price when saved is the catalog's.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AlertsInput {
    /// Alert when the price drops (default true).
    pub notify_price_drop: Option<bool>,
    /// Alert when the product is back in stock (default true).
    pub notify_back_in_stock: Option<bool>,
}

impl AlertsInput {
    fn alerts(&self) -> Alerts {
        let wanted = Alerts::default();
        Alerts {
            price_drop: self.notify_price_drop.unwrap_or(wanted.price_drop),
            back_in_stock: self.notify_back_in_stock.unwrap_or(wanted.back_in_stock),
        }
    }
}

/// A save's outcome: the item, and whether this request saved it.
#[derive(Debug, Clone)]
pub struct Saved {
    pub item: ItemView,
    pub created: bool,
}

impl Wishlists {
    /// Saves `product_id` for the caller at the read model's current price. Saving it again changes nothing
    /// and answers the item as first saved.
    pub async fn save(&self, caller: &Caller, product_id: Uuid, input: &AlertsInput) -> Result<Saved, WishlistError> {
        let mut tx = self.db.begin().await?;
        let product = products::find(&mut tx, product_id).await?;
        let product = product.filter(|p| p.status == ProductStatus::Active).ok_or(WishlistError::ProductNotFound)?;
        let item = SavedItem {
            buyer_id: caller.user_id,
            product_id,
            added_at: Timestamp::now(),
            price_when_saved: product.price,
            alerts: input.alerts(),
        };
        let inserted = items::insert(&mut tx, &item, self.settings.max_items).await?;
        let stored = items::find(&mut tx, caller.user_id, product_id).await?;
        tx.commit().await?;
        let (stored, created) = match (inserted, stored) {
            (Inserted::Created, Some(stored)) => (stored, true),
            (Inserted::NotInserted, Some(stored)) => (stored, false),
            (_, None) => {
                metrics::wishlist_full();
                return Err(WishlistError::WishlistFull(self.settings.max_items));
            }
        };
        if created {
            metrics::item_saved();
            tracing::debug!(product.id = %product_id, "product saved to a wishlist");
        }
        Ok(Saved { item: ItemView::known(&stored, Some(&product)), created })
    }

    /// Takes `product_id` off the caller's wishlist, if it is there.
    pub async fn remove(&self, caller: &Caller, product_id: Uuid) -> Result<(), WishlistError> {
        let mut conn = self.db.pool().acquire().await?;
        if items::delete(&mut conn, caller.user_id, product_id).await? {
            metrics::item_removed();
        }
        Ok(())
    }

    /// Which of `ids` the caller saved, in the order asked.
    pub async fn contains(&self, caller: &Caller, ids: &ProductIds) -> Result<Vec<Uuid>, WishlistError> {
        let mut conn = self.db.pool().acquire().await?;
        let saved = items::saved_among(&mut conn, caller.user_id, ids.as_slice()).await?;
        Ok(ids.as_slice().iter().copied().filter(|id| saved.contains(id)).collect())
    }
}
