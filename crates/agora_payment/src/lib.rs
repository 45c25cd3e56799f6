//! Payment service (being built for issue 5).

use agora_db::Migrations;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

pub static MIGRATIONS: Migrations = Migrations {
    owner: "payment",
    postgres: &sqlx::migrate!("./migrations/postgres"),
    sqlite: &sqlx::migrate!("./migrations/sqlite"),
};

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

    async fn start(&self, _ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        Ok(ServiceParts::default())
    }
}
