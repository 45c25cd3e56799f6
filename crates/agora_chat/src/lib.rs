//! Chat: buyer-seller conversations about a product, messages exchanged in real time over WebSocket,
//! history, unread counts and read receipts.
//!
//! Owns: conversations (one per buyer, seller and product), messages (numbered without gaps per
//! conversation), each side's read position, a per-sender row for the rate limit, presence (which users
//! have sockets on which instance) and a read model of identity's names. Publishes: `chat.messages` (one
//! topic keyed by conversation id). Reads: `identity.users`, `identity.sellers` (consumer group
//! `chat.users`), and follows `chat.messages` outside any group to push what other instances posted to the
//! sockets this one holds. Calls: catalog's `GET /products/batch` (a product's seller and title).

pub mod app;
pub mod catalog;
pub mod config;
pub mod domain;
mod events;
mod http;
pub mod live;
mod metrics;
mod store;

use std::sync::Arc;

use agora_bus::follow::Attached;
use agora_bus::{Consumer, TopicSpec};
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::chat::ChatEvent;
use agora_events::identity::{SellerEvent, UserEvent};
use agora_http::live::Hub;
use agora_http::service::ServiceError;
use agora_http::{ReadinessCheck, Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::Chats;
pub use config::ChatSettings;

use crate::catalog::CatalogClient;
use crate::live::{Live, Presence};

/// Portable SQL: one set of migrations serves both databases.
pub static MIGRATIONS: Migrations =
    Migrations { owner: "chat", postgres: &sqlx::migrate!("./migrations"), sqlite: &sqlx::migrate!("./migrations") };

/// The chat service, as the binary composes it.
pub struct ChatService;

#[async_trait]
impl Service for ChatService {
    fn name(&self) -> &'static str {
        "chat"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(ChatEvent::TOPIC)]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let start = |message: String| ServiceError::Start { service: "chat", message };
        let settings: ChatSettings = ctx.settings()?;
        settings.validate().map_err(start)?;
        let catalog_url = ctx.base_urls.get("catalog").cloned().ok_or_else(|| {
            start("no catalog here and no urls.catalog configured: conversations cannot be opened".to_owned())
        })?;
        let db = ctx.db()?;
        let hub = Hub::new("chat", settings.live.clone());
        let presence = Presence::new(hub.clone(), db.clone(), settings.presence_interval(), settings.presence_window());
        let catalog = CatalogClient::new(catalog_url, settings.catalog_timeout());
        let live = Live::new(hub, presence.clone());
        let chats = Chats::new(db, ctx.outbox.clone(), Arc::new(settings), live, ctx.tokens.clone(), catalog);

        let consumers = vec![Consumer {
            group: "chat.users".to_owned(),
            topics: vec![UserEvent::TOPIC.to_owned(), SellerEvent::TOPIC.to_owned()],
            handler: Arc::new(events::UserNames),
        }];
        let attached = Attached::default();
        let follower = live::follow::run(chats.clone(), ctx.bus.clone(), attached.clone(), ctx.shutdown.clone());
        let tasks: Vec<agora_http::BackgroundTask> = vec![
            ("chat.follow".to_owned(), Box::pin(follower)),
            ("chat.presence".to_owned(), Box::pin(presence.run(ctx.shutdown.clone()))),
        ];
        // Until the follower reads the topic, messages posted on other instances would not reach the
        // sockets held here.
        let following: ReadinessCheck = (
            "chat.follow".to_owned(),
            Arc::new(move || {
                let attached = attached.clone();
                Box::pin(async move {
                    if attached.is_attached() { Ok(()) } else { Err("not following chat.messages yet".to_owned()) }
                })
            }),
        );
        Ok(ServiceParts { router: http::router(chats), consumers, tasks, readiness: vec![following] })
    }
}
