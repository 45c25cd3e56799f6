//! Chat: buyer-seller conversations about a product, messages in real time over WebSocket, unread counts and read receipts.

use agora_db::Migrations;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

/// Portable SQL: one set of migrations serves both databases.
pub static MIGRATIONS: Migrations = Migrations {
    owner: "chat",
    postgres: &sqlx::migrate!("./migrations"),
    sqlite: &sqlx::migrate!("./migrations"),
};

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

    async fn start(&self, _ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        Ok(ServiceParts::default())
    }
}
