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
    /// Uploads get longer than other calls: the picture is decoded and re-encoded before catalog answers.
    upload_timeout: Duration,
}

impl CatalogClient {
    pub fn new(base: String, timeout: Duration) -> CatalogClient {
        CatalogClient {
            api: ServiceClient::new("catalog", base, timeout),
            upload_timeout: timeout.max(Duration::from_secs(30)),
        }
    }

    /// A product as the visitor may see it (hidden ones only to their seller and admins).
    pub async fn product(&self, token: Option<&str>, id: Uuid) -> Result<Product, ClientError> {
        self.api.send(self.api.request(Method::GET, &format!("/products/{id}"), token)).await
    }

    /// The whole category tree.
    pub async fn categories(&self) -> Result<Vec<CategoryNode>, ClientError> {
        self.api.send(self.api.request(Method::GET, "/categories", None)).await
    }
}
