//! Wishlist: the products each buyer saved, shown with their current details from catalog, and alerts for
//! the buyers watching a product when it gets cheaper or comes back in stock.
//!
//! Owns: items (who saved what, at which price, which alerts they want) and a read model of catalog's
//! products and stock. Publishes: `wishlist.alerts`. Reads: `catalog.products`, `catalog.stock` (consumer
//! group `wishlist.catalog`). Calls: catalog's `GET /products/batch`. The wishlist itself is `GET /api/wishlist`.

pub mod app;
pub mod catalog;
pub mod config;
pub mod domain;
mod events;
mod http;
mod metrics;
mod store;

use std::sync::Arc;

use agora_bus::{Consumer, TopicSpec};
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::catalog::{ProductEvent, StockEvent};
use agora_events::wishlist::WishlistAlert;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::Wishlists;
pub use config::WishlistSettings;

use crate::catalog::CatalogClient;

/// Portable SQL: one set of migrations serves both databases.
pub static MIGRATIONS: Migrations = Migrations {
    owner: "wishlist",
    postgres: &sqlx::migrate!("./migrations"),
    sqlite: &sqlx::migrate!("./migrations"),
};

/// The wishlist service, as the binary composes it.
pub struct WishlistService;

#[async_trait]
impl Service for WishlistService {
    fn name(&self) -> &'static str {
        "wishlist"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(WishlistAlert::TOPIC)]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let start = |message: String| ServiceError::Start { service: "wishlist", message };
        let settings: WishlistSettings = ctx.settings()?;
        settings.validate().map_err(start)?;
        let catalog_url = ctx.base_urls.get("catalog").cloned().ok_or_else(|| {
            start("no catalog here and no urls.catalog configured: wishlists cannot be shown".to_owned())
        })?;
        let catalog = CatalogClient::new(catalog_url, settings.catalog_timeout());
        let wishlists = Wishlists::new(ctx.db()?, ctx.outbox.clone(), settings, catalog);
        let consumers = vec![Consumer {
            group: "wishlist.catalog".to_owned(),
            topics: vec![ProductEvent::TOPIC.to_owned(), StockEvent::TOPIC.to_owned()],
            handler: Arc::new(events::CatalogWatch { wishlists: wishlists.clone() }),
        }];
        Ok(ServiceParts { router: http::router(wishlists), consumers, tasks: Vec::new(), readiness: Vec::new() })
    }
}
