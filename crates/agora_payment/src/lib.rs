//! Payment: one payment per checkout, taken through a provider adapter (the built-in simulated provider or a
//! Stripe-compatible PaymentIntents API), completed exactly once however the provider's answer arrives
//! (the attempt itself, the browser return, a signed webhook, reconciliation), and refunded when its
//! checkout, or one seller's order of it, is cancelled after the money was taken.
//!
//! Owns: payments, payment_attempts, payment_completions, payment_refunds, payment_webhooks, and the
//! simulated provider's books (sim_charges, sim_refunds). Publishes: `payment.payments`. Reads:
//! `order.checkouts` (group `payment.checkouts`) and `order.orders` (group `payment.orders`).

pub mod app;
pub mod config;
pub mod domain;
mod events;
mod http;
pub mod metrics;
pub mod provider;
mod store;

use std::sync::Arc;

use agora_bus::{Consumer, TopicSpec};
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::order::{CheckoutEvent, OrderEvent};
use agora_events::payment::PaymentEvent;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::Payments;
pub use config::PaymentSettings;

pub static MIGRATIONS: Migrations =
    Migrations { owner: "payment", postgres: &sqlx::migrate!("./migrations"), sqlite: &sqlx::migrate!("./migrations") };

/// The payment service, as the binary composes it.
pub struct PaymentService;

#[async_trait]
impl Service for PaymentService {
    fn name(&self) -> &'static str {
        "payment"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(PaymentEvent::TOPIC)]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let settings: PaymentSettings = ctx.settings()?;
        let db = ctx.db()?;
        let own_url = ctx.base_urls.get(self.name()).map(String::as_str);
        let (provider, provider_task) = provider::build(&settings, &db, own_url)
            .map_err(|message| ServiceError::Settings { service: "payment", message })?;
        tracing::info!(provider = provider.name(), "payment provider ready");
        let payments = Payments::new(db, ctx.outbox.clone(), settings, provider);
        let consumers = vec![
            Consumer {
                group: events::GROUP.to_owned(),
                topics: vec![CheckoutEvent::TOPIC.to_owned()],
                handler: Arc::new(events::CheckoutPayments { payments: payments.clone() }),
            },
            // A group of its own: an order's refund waiting for its capture never holds back checkouts.
            Consumer {
                group: events::ORDERS_GROUP.to_owned(),
                topics: vec![OrderEvent::TOPIC.to_owned()],
                handler: Arc::new(events::OrderRefunds { payments: payments.clone() }),
            },
        ];
        let mut tasks: Vec<agora_http::BackgroundTask> =
            vec![("payment.sweeper".to_owned(), Box::pin(payments.clone().sweep()))];
        tasks.extend(provider_task);
        Ok(ServiceParts { router: http::router(payments), consumers, tasks, readiness: Vec::new() })
    }
}
