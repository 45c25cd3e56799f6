//! Notify: each user's notification inbox, fed by the other services' events and pushed live to that user's
//! open pages only; unread badge, mark one or all read, per-category mute, and email over SMTP (off by
//! default).
//!
//! Owns: notifications, each user's muted categories, the emails to send, and a read model of identity's
//! users (where to email). Publishes: `notify.notifications` (keyed by user). Reads: `order.orders`,
//! `chat.messages`, `identity.sellers`, `catalog.products`, `wishlist.alerts`, `identity.users`, one
//! consumer group each (`notify.<source>`); follows `notify.notifications` on every instance for live push.
//! The inbox is `GET /api/notify/notifications`; the socket is `GET /api/notify/ws`.

pub mod app;
pub mod config;
pub mod domain;
pub mod email;
mod events;
mod http;
mod live;
mod metrics;
mod store;

use std::sync::Arc;

use agora_bus::TopicSpec;
use agora_bus::follow::Attached;
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::notify::NotifyEvent;
use agora_http::live::Hub;
use agora_http::service::{BackgroundTask, ReadinessCheck, ServiceError};
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::Inbox;
pub use config::{EmailSettings, NotifySettings};

use crate::email::{Mailer, SmtpMailer};
use crate::http::{Api, Sockets};

/// Portable SQL: one set of migrations serves both databases.
pub static MIGRATIONS: Migrations =
    Migrations { owner: "notify", postgres: &sqlx::migrate!("./migrations"), sqlite: &sqlx::migrate!("./migrations") };

/// The notify service, as the binary composes it.
pub struct NotifyService;

#[async_trait]
impl Service for NotifyService {
    fn name(&self) -> &'static str {
        "notify"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(NotifyEvent::TOPIC)]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let start = |message: String| ServiceError::Start { service: "notify", message };
        let settings: NotifySettings = ctx.settings()?;
        settings.validate().map_err(start)?;
        let mailer: Option<Arc<dyn Mailer>> = match settings.email.enabled {
            true => Some(Arc::new(SmtpMailer::new(&settings.email).map_err(start)?)),
            false => None,
        };
        let db = ctx.db()?;
        let inbox = Inbox::new(db.clone(), ctx.outbox.clone(), settings.clone());
        let hub = Hub::new("notify", settings.live.clone());
        let handler = Arc::new(live::NotifySockets { inbox: inbox.clone() });
        let sockets = Sockets { hub: hub.clone(), tokens: ctx.tokens.clone(), handler };

        let attached = Attached::default();
        let mut tasks: Vec<BackgroundTask> = vec![(
            "notify.live".to_owned(),
            Box::pin(live::push(ctx.bus.clone(), hub, attached.clone(), ctx.shutdown.clone())),
        )];
        if let Some(mailer) = mailer {
            let sender = email::sender::run(db, mailer, settings.email.clone(), ctx.shutdown.clone());
            tasks.push(("notify.email".to_owned(), Box::pin(sender)));
        }
        // Until the follower reads the topic, notifications published now would not reach this instance's sockets.
        let live_ready: ReadinessCheck = (
            "notify.live".to_owned(),
            Arc::new(move || {
                let attached = attached.is_attached();
                Box::pin(async move {
                    if attached { Ok(()) } else { Err("not following notify.notifications yet".to_owned()) }
                })
            }),
        );
        Ok(ServiceParts {
            router: http::router(Api { inbox: inbox.clone(), sockets }),
            consumers: events::consumers(inbox),
            tasks,
            readiness: vec![live_ready],
        })
    }
}
