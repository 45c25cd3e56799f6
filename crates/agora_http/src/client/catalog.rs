//! The typed client of catalog's `GET /products/batch`: the current title, shop, price, stock and picture of
//! up to 100 products in one call, within the caller's time-out. Catalog leaves out products that are not for
//! sale (unknown, hidden, deleted, or of a suspended shop). Cart and wishlist read products this way.

use std::collections::HashMap;
use std::time::Duration;

use agora_core::{Currency, Money};
use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use super::{ClientError, ServiceClient};

/// A product catalog has for sale, as it shows it now.
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

#[derive(Clone)]
pub struct CatalogOffers {
    client: ServiceClient,
}

impl CatalogOffers {
    /// A client of catalog at `base` (its `/api/catalog`).
    pub fn new(base: String, timeout: Duration) -> CatalogOffers {
        CatalogOffers { client: ServiceClient::new("catalog", base, timeout) }
    }

    /// The offers among `products`, by product. Any failure (unreachable, slow, an error answer) is catalog
    /// being unavailable; a product priced in a currency that does not parse is left out (and logged).
    pub async fn offers(&self, products: &[Uuid]) -> Result<HashMap<Uuid, Offer>, ClientError> {
        if products.is_empty() {
            return Ok(HashMap::new());
        }
        let ids = products.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
        let request = self.client.request(Method::GET, "/products/batch", None).query(&[("ids", ids)]);
        let found: Vec<ProductView> = self.client.send(request).await?;
        Ok(found.into_iter().filter_map(offer).map(|o| (o.product_id, o)).collect())
    }
}

fn offer(product: ProductView) -> Option<Offer> {
    let Ok(currency) = Currency::parse(&product.price.currency) else {
        tracing::warn!(product.id = %product.id, "catalog priced a product in an unreadable currency");
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

/// The part of catalog's `ProductView` read here.
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
    #[serde(default)]
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
