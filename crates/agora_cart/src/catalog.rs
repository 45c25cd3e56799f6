//! What the cart asks catalog: the current title, seller, price, stock and picture of the cart's products,
//! all in one call to `GET /products/batch`, within the configured time-out. Catalog leaves out products
//! that are not for sale (unknown, hidden, deleted, or of a suspended shop).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use agora_core::{Currency, Money};
use agora_http::{ClientError, ServiceClient};
use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

/// A product for sale, as the cart needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub product_id: Uuid,
    pub seller_id: Uuid,
    pub shop_name: String,
    pub title: String,
    pub price: Money,
    pub available: i64,
    pub thumbnail_url: Option<String>,
}

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
    client: ServiceClient,
    currency: Currency,
}

impl CatalogClient {
    /// A client of catalog at `base` (its `/api/catalog`); prices in another currency than `currency`
    /// count as not for sale.
    pub fn new(base: String, timeout: Duration, currency: Currency) -> CatalogClient {
        CatalogClient { client: ServiceClient::new("catalog", base, timeout), currency }
    }

    /// The offers among `products`. Any failure (unreachable, slow, an error answer) is catalog being
    /// unavailable to the cart.
    pub async fn offers(&self, products: &[Uuid]) -> Result<Snapshot, ClientError> {
        let asked: HashSet<Uuid> = products.iter().copied().collect();
        if asked.is_empty() {
            return Ok(Snapshot::default());
        }
        let ids = products.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
        let request = self.client.request(Method::GET, "/products/batch", None).query(&[("ids", ids)]);
        let found: Vec<ProductView> = self.client.send(request).await.inspect_err(|err| {
            metrics::counter!("agora_cart_catalog_failures_total").increment(1);
            tracing::warn!(error = %err, "asking catalog about cart products failed");
        })?;
        let offers = found.into_iter().filter_map(|p| self.offer(p)).map(|o| (o.product_id, o)).collect();
        Ok(Snapshot { asked, offers })
    }

    fn offer(&self, product: ProductView) -> Option<Offer> {
        let currency = Currency::parse(&product.price.currency).ok().filter(|c| *c == self.currency);
        let Some(currency) = currency else {
            tracing::warn!(product.id = %product.id, currency = %product.price.currency,
                "catalog prices this product in another currency than the cart's settings.cart.currency");
            return None;
        };
        Some(Offer {
            product_id: product.id,
            seller_id: product.seller.id,
            shop_name: product.seller.shop_name,
            title: product.title,
            price: Money { amount_minor: product.price.amount_minor, currency },
            available: product.stock.available.max(0),
            thumbnail_url: product.images.into_iter().next().map(|i| i.thumbnail_url),
        })
    }
}

/// The part of catalog's `ProductView` the cart reads.
#[derive(Debug, Deserialize)]
struct ProductView {
    id: Uuid,
    seller: SellerRef,
    title: String,
    price: Price,
    stock: Stock,
    #[serde(default)]
    images: Vec<Image>,
}

#[derive(Debug, Deserialize)]
struct SellerRef {
    id: Uuid,
    shop_name: String,
}

#[derive(Debug, Deserialize)]
struct Price {
    amount_minor: i64,
    currency: String,
}

#[derive(Debug, Deserialize)]
struct Stock {
    available: i64,
}

#[derive(Debug, Deserialize)]
struct Image {
    thumbnail_url: String,
}
