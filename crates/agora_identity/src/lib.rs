//! Identity: accounts (every new one a buyer), roles, seller applications and profiles, sessions with
//! rotating refresh tokens, and the Ed25519 keys that sign access tokens, published as a JWKS for every
//! other service to verify tokens locally.
//!
//! Owns: users, seller_applications, seller_profiles, sessions, refresh_tokens, signing_keys, rate_limits.
//! Publishes: `identity.users`, `identity.sellers`.

pub mod app;
pub mod config;
pub mod domain;
mod hashing;
mod http;
mod keys;
mod metrics;
mod secrets;
mod store;

use std::time::Duration;

use agora_bus::TopicSpec;
use agora_db::Migrations;
use agora_events::TopicEvents;
use agora_events::identity::{SellerEvent, UserEvent};
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub use app::{Identity, NewAdmin};
pub use config::IdentitySettings;

/// Identity's SQL is portable, so both databases run the same migrations.
pub static MIGRATIONS: Migrations = Migrations {
    owner: "identity",
    postgres: &sqlx::migrate!("./migrations"),
    sqlite: &sqlx::migrate!("./migrations"),
};

/// The identity service, as the binary composes it.
pub struct IdentityService;

/// How often expired tokens are forgotten and the key's age is checked.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

#[async_trait]
impl Service for IdentityService {
    fn name(&self) -> &'static str {
        "identity"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(UserEvent::TOPIC), TopicSpec::new(SellerEvent::TOPIC)]
    }

    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        Some(http::openapi())
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let settings: IdentitySettings = ctx.settings()?;
        let start = |e: domain::IdentityError| ServiceError::Start { service: "identity", message: e.to_string() };
        let identity = Identity::new(ctx.db()?, ctx.outbox.clone(), settings).await.map_err(start)?;
        identity.bootstrap_admin().await.map_err(|e| ServiceError::Start {
            service: "identity",
            message: format!("bootstrap admin: {}", e.explain()),
        })?;
        let sweeper = identity.clone();
        let sweep = async move {
            loop {
                tokio::time::sleep(SWEEP_EVERY).await;
                if let Err(err) = sweeper.sweep().await {
                    tracing::warn!(error = %err, "identity housekeeping failed");
                }
            }
        };
        Ok(ServiceParts {
            router: http::router(identity),
            consumers: Vec::new(),
            tasks: vec![("identity.sweep".to_owned(), Box::pin(sweep))],
            readiness: Vec::new(),
        })
    }
}
