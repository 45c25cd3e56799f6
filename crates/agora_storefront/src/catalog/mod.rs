//! A typed client of catalog's REST API, with only what the pages need: browsing and searching for
//! everyone, products for their sellers, categories and moderation for admins, and products' reviews.
//! Calls carry the visitor's token when there is one; catalog decides what it allows.

mod admin;
mod reviews;
mod search;
mod selling;
mod views;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;

use reqwest::Method;
use uuid::Uuid;

pub use admin::AdminFilter;
pub use reviews::{MyReview, ReviewPage, stars};
pub use search::{SearchQuery, Sort};
pub use selling::{AttributeInput, PriceInput, ProductInput};
pub use views::{CategoryCount, CategoryNode, FlatCategory, Image, Product, SearchResults, find_by_slug, flatten};

use agora_http::client::{ClientError, ServiceClient};

/// A product as signed-out visitors see it, and its page once rendered for them (identical for every
/// visitor without a session), both forgotten together.
pub struct PublicProduct {
    pub product: Product,
    pub page: OnceLock<Bytes>,
}

#[derive(Clone)]
pub struct CatalogClient {
    api: ServiceClient,
    /// Products as signed-out visitors see them, for `settings.storefront.catalog_cache_ms`: the busiest
    /// page costs no call while it is fresh, and concurrent misses share one call.
    public_products: Option<moka::future::Cache<Uuid, Arc<PublicProduct>>>,
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
        match token {
            None => Ok(self.public_product(id).await?.product.clone()),
            Some(_) => self.api.send(self.api.request(Method::GET, &format!("/products/{id}"), token)).await,
        }
    }

    /// A product as signed-out visitors see it, from the cache while fresh.
    pub async fn public_product(&self, id: Uuid) -> Result<Arc<PublicProduct>, ClientError> {
        let fetch = async {
            let product = self.api.send(self.api.request(Method::GET, &format!("/products/{id}"), None)).await?;
            Ok(Arc::new(PublicProduct { product, page: OnceLock::new() }))
        };
        match &self.public_products {
            Some(cache) => cache.try_get_with(id, fetch).await.map_err(|e: Arc<ClientError>| (*e).clone()),
            None => fetch.await,
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
