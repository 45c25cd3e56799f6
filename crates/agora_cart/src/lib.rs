//! Cart: each shopper's cart — a signed-in buyer's, or a visitor's behind a token the service mints — with
//! its lines checked against and priced by catalog whenever it is shown.
//!
//! Owns: carts (Redis in production; the service's SQLite or PostgreSQL database in embedded mode, which
//! also holds the platform's inbox). Publishes nothing. Reads: `order.checkouts` (a paid checkout empties
//! what was bought). Calls: catalog's `GET /products/batch`.

pub mod app;
pub mod catalog;
pub mod config;
pub mod domain;
mod events;
mod http;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use agora_bus::Consumer;
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::order::CheckoutEvent;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::Carts;
pub use config::CartSettings;

use crate::catalog::CatalogClient;
use crate::store::{CartStore, RedisCartStore, SqlCartStore};

pub static MIGRATIONS: Migrations =
    Migrations { owner: "cart", postgres: &sqlx::migrate!("./migrations"), sqlite: &sqlx::migrate!("./migrations") };

/// How often carts past their lifetime are deleted from the SQL store (Redis expires them itself).
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// The cart service, as the binary composes it.
pub struct CartService;

impl CartService {
    /// Cart's state on `ctx`: Redis when `redis.url` is set, else the service's own database.
    pub async fn open(ctx: &ServiceContext) -> Result<Carts, ServiceError> {
        let start = |message: String| ServiceError::Start { service: "cart", message };
        let settings: CartSettings = ctx.settings()?;
        let currency = settings.validate().map_err(start)?;
        let catalog_url = ctx.base_urls.get("catalog").cloned().ok_or_else(|| {
            start("no catalog here and no urls.catalog configured: carts cannot be priced".to_owned())
        })?;
        let lifetimes = settings.lifetimes();
        let store: Arc<dyn CartStore> = match &ctx.redis_url {
            Some(url) => Arc::new(
                RedisCartStore::connect(url, ctx.bus.prefix(), lifetimes)
                    .await
                    .map_err(|e| start(format!("redis.url: {}", explain(&e))))?,
            ),
            None => Arc::new(SqlCartStore::new(ctx.db()?, lifetimes)),
        };
        Ok(Carts {
            store,
            catalog: CatalogClient::new(catalog_url, settings.catalog_timeout(), currency),
            settings: Arc::new(settings),
            currency,
        })
    }
}

fn explain(err: &domain::CartError) -> String {
    match err {
        domain::CartError::StoreUnavailable(reason) => format!("cannot connect: {reason}"),
        other => other.to_string(),
    }
}

#[async_trait]
impl Service for CartService {
    fn name(&self) -> &'static str {
        "cart"
    }

    /// The database holds the inbox of the `order.checkouts` consumer always, and carts in embedded mode.
    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let carts = CartService::open(&ctx).await?;
        let consumers = vec![Consumer {
            group: "cart.checkouts".to_owned(),
            topics: vec![CheckoutEvent::TOPIC.to_owned()],
            handler: Arc::new(events::PaidCheckouts { store: carts.store.clone() }),
        }];
        let store = carts.store.clone();
        let purge = async move {
            loop {
                tokio::time::sleep(PURGE_EVERY).await;
                match store.purge_expired().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(carts = n, "deleted expired carts"),
                    Err(err) => tracing::warn!(error = %err, "deleting expired carts failed"),
                }
            }
        };
        let probe = carts.store.clone();
        let store_ready: agora_http::ReadinessCheck = (
            "cart-store".to_owned(),
            Arc::new(move || {
                let store = probe.clone();
                Box::pin(async move { store.ping().await.map_err(|e| e.to_string()) })
            }),
        );
        Ok(ServiceParts {
            router: http::router(carts),
            consumers,
            tasks: vec![("cart.purge-expired".to_owned(), Box::pin(purge))],
            readiness: vec![store_ready],
        })
    }
}
