//! What the wishlist asks catalog: the current title, seller, price, stock and picture of one page's
//! products, all in one call to `GET /products/batch`, within the configured time-out. Catalog leaves out
//! products that are not for sale (unknown, hidden, deleted, or of a suspended shop).

use std::collections::HashMap;
use std::time::Duration;

use agora_http::ClientError;
use agora_http::client::catalog::CatalogOffers;
pub use agora_http::client::catalog::Offer;
use uuid::Uuid;

#[derive(Clone)]
pub struct CatalogClient {
    catalog: CatalogOffers,
}

impl CatalogClient {
    /// A client of catalog at `base` (its `/api/catalog`).
    pub fn new(base: String, timeout: Duration) -> CatalogClient {
        CatalogClient { catalog: CatalogOffers::new(base, timeout) }
    }

    /// The offers among `products` (at most 100), by product. Any failure (unreachable, slow, an error
    /// answer) is catalog being unavailable to the wishlist.
    pub async fn offers(&self, products: &[Uuid]) -> Result<HashMap<Uuid, Offer>, ClientError> {
        self.catalog.offers(products).await.inspect_err(|err| {
            metrics::counter!("agora_wishlist_catalog_failures_total").increment(1);
            tracing::warn!(error = %err, "asking catalog about wishlist products failed");
        })
    }
}
