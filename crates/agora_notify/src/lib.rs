//! Notify: each user's notification inbox, fed by the other services' events and pushed live to that user's open pages; optional email over SMTP.

use agora_db::Migrations;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

/// Portable SQL: one set of migrations serves both databases.
pub static MIGRATIONS: Migrations = Migrations {
    owner: "notify",
    postgres: &sqlx::migrate!("./migrations"),
    sqlite: &sqlx::migrate!("./migrations"),
};

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

    async fn start(&self, _ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        Ok(ServiceParts::default())
    }
}
