//! Order service (being built for issue 5).

use agora_db::Migrations;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub static MIGRATIONS: Migrations = Migrations {
    owner: "order",
    postgres: &sqlx::migrate!("./migrations/postgres"),
    sqlite: &sqlx::migrate!("./migrations/sqlite"),
};

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

    async fn start(&self, _ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        Ok(ServiceParts::default())
    }
}
