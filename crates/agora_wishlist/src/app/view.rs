//! The caller's wishlist as shown: each saved item with the product's current details from catalog (one
//! batched call per page), or, while catalog does not answer, what the read model last heard.

use agora_core::{Cursor, Money, Page, PageSize, PriceView};
use agora_http::Caller;
use serde::Serialize;
use uuid::Uuid;

use super::Wishlists;
use crate::catalog::Offer;
use crate::domain::{KnownProduct, SavedItem, WishlistError};
use crate::metrics;
use crate::store::{items, products};

/// Where catalog serves a thumbnail stored under `key`.
const IMAGES: &str = "/api/catalog/images/";

/// One page of the caller's wishlist, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WishlistView {
    pub items: Vec<ItemView>,
    /// `false`: catalog did not answer, so `product` is what wishlist last heard (or null) and may be stale.
    pub catalog_available: bool,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<Cursor>,
}

/// A saved product.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub product_id: Uuid,
    /// When it was saved (RFC 3339).
    pub saved_at: String,
    /// The catalog's price when it was saved.
    pub price_when_saved: PriceView,
    pub notify_price_drop: bool,
    pub notify_back_in_stock: bool,
    /// The product now; null when nothing is known of it.
    pub product: Option<ProductDetails>,
    /// The price now is lower than when saved.
    pub price_dropped: bool,
    /// It can be bought now (for sale, with units available).
    pub available: bool,
}

/// A saved product's details.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductDetails {
    pub title: String,
    pub price: PriceView,
    /// Units that can be bought.
    pub available: i64,
    /// `active`, `hidden` or `deleted`: `hidden` also stands for any product catalog does not offer now.
    pub status: String,
    /// URL of the first picture's thumbnail.
    pub thumbnail: Option<String>,
    pub seller_id: Uuid,
}

/// Which of some products the caller saved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContainsView {
    pub saved: Vec<Uuid>,
}

impl ItemView {
    /// The item with the read model's details of its product.
    pub(crate) fn known(item: &SavedItem, product: Option<&KnownProduct>) -> ItemView {
        let details = product.map(|p| ProductDetails {
            title: p.title.clone(),
            price: p.price.into(),
            available: p.available.max(0),
            status: p.status.as_str().to_owned(),
            thumbnail: p.thumbnail.as_ref().map(|key| format!("{IMAGES}{key}")),
            seller_id: p.seller_id,
        });
        let current = product.map(|p| p.price);
        ItemView::with(item, details, current, product.is_some_and(KnownProduct::buyable))
    }

    /// The item with catalog's offer of its product now; a product catalog does not offer is not for sale
    /// (its last known details stay, marked so).
    fn offered(item: &SavedItem, offer: Option<&Offer>, known: Option<&KnownProduct>) -> ItemView {
        let Some(offer) = offer else {
            let mut view = ItemView::known(item, known);
            if let Some(details) = view.product.as_mut()
                && details.status == "active"
            {
                details.status = "hidden".to_owned();
            }
            view.available = false;
            return view;
        };
        let details = ProductDetails {
            title: offer.title.clone(),
            price: offer.price.into(),
            available: offer.available,
            status: "active".to_owned(),
            thumbnail: offer.thumbnail_url.clone(),
            seller_id: offer.seller_id,
        };
        ItemView::with(item, Some(details), Some(offer.price), offer.available > 0)
    }

    fn with(item: &SavedItem, product: Option<ProductDetails>, now: Option<Money>, available: bool) -> ItemView {
        let was = item.price_when_saved;
        let price_dropped = now.is_some_and(|now| now.currency == was.currency && now.amount_minor < was.amount_minor);
        ItemView {
            product_id: item.product_id,
            saved_at: item.added_at.to_rfc3339(),
            price_when_saved: was.into(),
            notify_price_drop: item.alerts.price_drop,
            notify_back_in_stock: item.alerts.back_in_stock,
            product,
            price_dropped,
            available,
        }
    }
}

impl Wishlists {
    /// A page of the caller's wishlist, newest first. Never fails because catalog does not answer.
    pub async fn view(
        &self,
        caller: &Caller,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<WishlistView, WishlistError> {
        let after: Option<(i64, String)> =
            cursor.map(|c| c.decode()).transpose().map_err(|_| WishlistError::BadCursor)?;
        let mut conn = self.db.pool().acquire().await?;
        let rows = items::list(&mut conn, caller.user_id, after, size.fetch_limit()).await?;
        let page = Page::from_rows(rows, size, |i| (i.added_at.as_micros(), i.product_id.to_string()));
        let ids: Vec<Uuid> = page.items.iter().map(|i| i.product_id).collect();
        let known = products::find_many(&mut conn, &ids).await?;
        drop(conn);
        let offers = self.catalog.offers(&ids).await.ok();
        if offers.is_none() {
            metrics::shown_degraded();
        }
        let items = page
            .items
            .iter()
            .map(|item| {
                let known = known.get(&item.product_id);
                match &offers {
                    Some(offers) => ItemView::offered(item, offers.get(&item.product_id), known),
                    None => ItemView::known(item, known),
                }
            })
            .collect();
        Ok(WishlistView { items, catalog_available: offers.is_some(), next_cursor: page.next_cursor })
    }
}
