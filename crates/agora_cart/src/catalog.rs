//! What the cart asks catalog: the current title, seller, price, stock and picture of the cart's products,
//! all in one call to `GET /products/batch`, within the configured time-out. Catalog leaves out products
//! that are not for sale (unknown, hidden, deleted, or of a suspended shop).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use agora_core::Currency;
use agora_http::ClientError;
use agora_http::client::catalog::CatalogOffers;
pub use agora_http::client::catalog::Offer;
use uuid::Uuid;

/// What catalog said about some products at one moment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    asked: HashSet<Uuid>,
    offers: HashMap<Uuid, Offer>,
}

impl Snapshot {
    /// The product, if catalog has it for sale.
    pub fn offer(&self, product_id: Uuid) -> Option<&Offer> {
        self.offers.get(&product_id)
    }

    /// Whether this snapshot answers for every one of `products`.
    pub fn covers(&self, products: &[Uuid]) -> bool {
        products.iter().all(|p| self.asked.contains(p))
    }
}

#[derive(Clone)]
pub struct CatalogClient {
    catalog: CatalogOffers,
    currency: Currency,
}

impl CatalogClient {
    /// A client of catalog at `base` (its `/api/catalog`); prices in another currency than `currency`
    /// count as not for sale.
    pub fn new(base: String, timeout: Duration, currency: Currency) -> CatalogClient {
        CatalogClient { catalog: CatalogOffers::new(base, timeout), currency }
    }

    /// The offers among `products`. Any failure (unreachable, slow, an error answer) is catalog being
    /// unavailable to the cart.
    pub async fn offers(&self, products: &[Uuid]) -> Result<Snapshot, ClientError> {
        let asked: HashSet<Uuid> = products.iter().copied().collect();
        if asked.is_empty() {
            return Ok(Snapshot::default());
        }
        let found = self.catalog.offers(products).await.inspect_err(|err| {
            metrics::counter!("agora_cart_catalog_failures_total").increment(1);
            tracing::warn!(error = %err, "asking catalog about cart products failed");
        })?;
        let offers: HashMap<Uuid, Offer> = found.into_iter().filter(|(_, offer)| self.priced_in_ours(offer)).collect();
        Ok(Snapshot { asked, offers })
    }

    fn priced_in_ours(&self, offer: &Offer) -> bool {
        let ours = offer.price.currency == self.currency;
        if !ours {
            tracing::warn!(product.id = %offer.product_id, currency = %offer.price.currency,
                "catalog prices this product in another currency than the cart's settings.cart.currency");
        }
        ours
    }
}
