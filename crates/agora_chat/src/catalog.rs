//! What chat asks catalog: which seller sells a product, and its title, in one call to
//! `GET /products/batch` within the configured time-out. Catalog leaves out products that are not for sale.

use std::collections::HashMap;
use std::time::Duration;

use agora_http::ClientError;
use agora_http::client::catalog::{CatalogOffers, Offer};
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

    /// The offers among `products`, by product. Any failure (unreachable, slow, an error answer) is catalog
    /// being unavailable.
    pub async fn offers(&self, products: &[Uuid]) -> Result<HashMap<Uuid, Offer>, ClientError> {
        self.catalog.offers(products).await.inspect_err(|err| {
            crate::metrics::catalog_failed();
            tracing::warn!(error = %err, "asking catalog about a product to discuss failed");
        })
    }
}
