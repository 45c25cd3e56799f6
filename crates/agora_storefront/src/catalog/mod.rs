//! A typed client of catalog's REST API, with only what the pages need: browsing and searching for
//! everyone, products for their sellers, categories and moderation for admins. Calls carry the visitor's
//! token when there is one; catalog decides what it allows.

mod admin;
mod search;
mod selling;
mod views;

use std::time::Duration;

use reqwest::Method;
use uuid::Uuid;

pub use admin::AdminFilter;
pub use search::{SearchQuery, Sort};
pub use selling::{AttributeInput, PriceInput, ProductInput};
pub use views::{CategoryCount, CategoryNode, FlatCategory, Image, Product, SearchResults, find_by_slug, flatten};

use crate::client::{ClientError, ServiceClient};

#[derive(Clone)]
pub struct CatalogClient {
    api: ServiceClient,
    /// Products as signed-out visitors see them, for `settings.storefront.catalog_cache_ms`: the busiest
    /// page costs no call while it is fresh, and concurrent misses share one call.
    public_products: Option<moka::future::Cache<Uuid, Product>>,
    /// Uploads get longer than other calls: the picture is decoded and re-encoded before catalog answers.
    upload_timeout: Duration,
}

impl CatalogClient {
    pub fn new(base: String, timeout: Duration, cache_ttl: Duration) -> CatalogClient {
        let public_products = (!cache_ttl.is_zero())
            .then(|| moka::future::Cache::builder().max_capacity(20_000).time_to_live(cache_ttl).build());
        CatalogClient {
            api: ServiceClient::new("catalog", base, timeout),
            public_products,
            upload_timeout: timeout.max(Duration::from_secs(30)),
        }
    }

    /// A product as the visitor may see it (hidden ones only to their seller and admins).
    pub async fn product(&self, token: Option<&str>, id: Uuid) -> Result<Product, ClientError> {
        let fetch = self.api.send(self.api.request(Method::GET, &format!("/products/{id}"), token));
        match (&self.public_products, token) {
            (Some(cache), None) => cache.try_get_with(id, fetch).await.map_err(|e| (*e).clone()),
            _ => fetch.await,
        }
    }

    /// Forgets what a visitor saw of a product this storefront just changed, so its next view is current
    /// (another storefront instance shows the change within the cache's time to live).
    async fn changed<T>(&self, id: Uuid, outcome: T) -> T {
        if let Some(cache) = &self.public_products {
            cache.invalidate(&id).await;
        }
        outcome
    }

    /// The whole category tree.
    pub async fn categories(&self) -> Result<Vec<CategoryNode>, ClientError> {
        self.api.send(self.api.request(Method::GET, "/categories", None)).await
    }
}
