//! Catalog: sellers' products, the category tree, product pictures, full-text search, and stock with
//! holds that cannot oversell.
//!
//! Owns: categories, products, product_images, holds, hold_lines, stock_returns, reviews, and read models of
//! sellers, reviewers (display names) and purchases (delivered orders' lines).
//! Publishes: `catalog.products`, `catalog.stock`, `catalog.holds`, `catalog.reviews`. Reads:
//! `identity.sellers`, `identity.users`, `order.checkouts`, `order.orders`.

pub mod app;
mod cache;
pub mod config;
pub mod domain;
mod events;
mod http;
mod store;

use std::sync::Arc;
use std::time::Duration;

use agora_bus::{Consumer, TopicSpec};
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::catalog::{HoldEvent, ProductEvent, ReviewEvent, StockEvent};
use agora_events::identity::{SellerEvent, UserEvent};
use agora_events::order::{CheckoutEvent, OrderEvent};
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use agora_media::MediaStore;
use async_trait::async_trait;

pub use app::Catalog;
pub use config::CatalogSettings;

/// Search differs between the databases, so each has its own migration.
pub static MIGRATIONS: Migrations = Migrations {
    owner: "catalog",
    postgres: &sqlx::migrate!("./migrations/postgres"),
    sqlite: &sqlx::migrate!("./migrations/sqlite"),
};

/// The catalog service, as the binary composes it.
pub struct CatalogService;

impl CatalogService {
    /// Catalog's state on `ctx`, without starting anything (for `agora seed`, which writes through it).
    pub fn open(ctx: &ServiceContext) -> Result<Catalog, ServiceError> {
        let settings: CatalogSettings = ctx.settings()?;
        let start = |message: String| ServiceError::Start { service: "catalog", message };
        let media = MediaStore::new(&settings.media, &ctx.data_dir).map_err(|e| start(e.to_string()))?;
        Catalog::new(ctx.db()?, ctx.outbox.clone(), settings, media).map_err(|e| start(e.to_string()))
    }
}

#[async_trait]
impl Service for CatalogService {
    fn name(&self) -> &'static str {
        "catalog"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![
            TopicSpec::new(ProductEvent::TOPIC),
            TopicSpec::new(StockEvent::TOPIC),
            TopicSpec::new(HoldEvent::TOPIC),
            TopicSpec::new(ReviewEvent::TOPIC),
        ]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let catalog = CatalogService::open(&ctx)?;
        let media = catalog.media.clone();
        let sweeper = catalog.clone();
        let consumers = vec![
            Consumer {
                group: "catalog.sellers".to_owned(),
                topics: vec![SellerEvent::TOPIC.to_owned()],
                handler: Arc::new(events::SellerDecisions { cache: catalog.cache.clone() }),
            },
            Consumer {
                group: "catalog.users".to_owned(),
                topics: vec![UserEvent::TOPIC.to_owned()],
                handler: Arc::new(events::Users),
            },
            Consumer {
                group: "catalog.checkouts".to_owned(),
                topics: vec![CheckoutEvent::TOPIC.to_owned()],
                handler: Arc::new(events::Checkouts { catalog: catalog.clone() }),
            },
            Consumer {
                group: "catalog.orders".to_owned(),
                topics: vec![OrderEvent::TOPIC.to_owned()],
                handler: Arc::new(events::Orders { catalog: catalog.clone() }),
            },
        ];
        let every = Duration::from_secs(catalog.settings.hold_sweep_secs.max(1));
        let sweep = async move {
            loop {
                tokio::time::sleep(every).await;
                match sweeper.expire_holds().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(holds = n, "expired stock holds"),
                    Err(err) => tracing::warn!(error = %err, "expiring stock holds failed"),
                }
            }
        };
        Ok(ServiceParts {
            router: http::router(catalog),
            consumers,
            tasks: vec![("catalog.expire-holds".to_owned(), Box::pin(sweep))],
            readiness: vec![(
                "media".to_owned(),
                Arc::new(move || {
                    let media = media.clone();
                    Box::pin(async move { media.ping().await.map_err(|e| e.to_string()) })
                }),
            )],
        })
    }
}
