//! Cart service (being built for issue 5).

use agora_db::Migrations;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub static MIGRATIONS: Migrations = Migrations {
    owner: "cart",
    postgres: &sqlx::migrate!("./migrations/postgres"),
    sqlite: &sqlx::migrate!("./migrations/sqlite"),
};

/// The cart service, as the binary composes it.
pub struct CartService;

#[async_trait]
impl Service for CartService {
    fn name(&self) -> &'static str {
        "cart"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    async fn start(&self, _ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        Ok(ServiceParts::default())
    }
}
