//! Order: checkouts placed from buyers' carts, split into one order per seller, and the checkout's flow
//! (design §5) — hold stock, take payment, confirm or cancel — driven by events and resumed from stored
//! state after any restart. After the sale: sellers ship and deliver, buyers, sellers or admins cancel before
//! shipping (payment refunds, catalog restocks), each order keeps its timeline, and sellers read an overview
//! of their sales. Also buyers' shipping addresses.
//!
//! Owns: checkouts, orders, order_lines, order_events (timelines), addresses, and read models of catalog's
//! products and stock and identity's shop names. Publishes: `order.checkouts`, `order.orders`. Reads:
//! `catalog.products`, `catalog.stock`, `catalog.holds`, `payment.payments`, `identity.sellers`; calls cart
//! over REST.

pub mod app;
mod cart;
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
use agora_events::catalog::{HoldEvent, ProductEvent, StockEvent};
use agora_events::identity::SellerEvent;
use agora_events::order::{CheckoutEvent, OrderEvent};
use agora_events::payment::PaymentEvent;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::Orders;
pub use config::OrderSettings;

/// Portable SQL: one set of migrations serves both databases.
pub static MIGRATIONS: Migrations =
    Migrations { owner: "order", postgres: &sqlx::migrate!("./migrations"), sqlite: &sqlx::migrate!("./migrations") };

/// The order service, as the binary composes it.
pub struct OrderService;

#[async_trait]
impl Service for OrderService {
    fn name(&self) -> &'static str {
        "order"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(CheckoutEvent::TOPIC), TopicSpec::new(OrderEvent::TOPIC)]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let settings: OrderSettings = ctx.settings()?;
        let start = |message: String| ServiceError::Start { service: "order", message };
        let cart_url = ctx.base_urls.get("cart").cloned().ok_or_else(|| start("no urls.cart configured".into()))?;
        let cart = cart::CartClient::new(cart_url, Duration::from_millis(settings.cart_timeout_ms));
        let orders = Orders::new(ctx.db()?, ctx.outbox.clone(), settings, cart).map_err(|e| start(e.to_string()))?;
        let consumers = vec![
            Consumer {
                group: "order.read-models".to_owned(),
                topics: vec![
                    ProductEvent::TOPIC.to_owned(),
                    StockEvent::TOPIC.to_owned(),
                    SellerEvent::TOPIC.to_owned(),
                ],
                handler: Arc::new(events::ReadModels),
            },
            Consumer {
                group: "order.checkout-flow".to_owned(),
                topics: vec![HoldEvent::TOPIC.to_owned(), PaymentEvent::TOPIC.to_owned()],
                handler: Arc::new(events::CheckoutFlow { orders: orders.clone() }),
            },
        ];
        let sweeper = orders.clone();
        let every = Duration::from_secs(orders.settings.sweep_secs.max(1));
        let sweep = async move {
            loop {
                tokio::time::sleep(every).await;
                match sweeper.cancel_due().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(checkouts = n, "cancelled checkouts past their time"),
                    Err(err) => tracing::warn!(error = %err, "cancelling checkouts past their time failed"),
                }
            }
        };
        Ok(ServiceParts {
            router: http::router(orders),
            consumers,
            tasks: vec![("order.cancel-due".to_owned(), Box::pin(sweep))],
            readiness: Vec::new(),
        })
    }
}
