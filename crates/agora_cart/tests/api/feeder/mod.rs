//! `feeder`: a stand-in for the order service. It emits `checkout_paid` on `order.checkouts` through its own
//! outbox, as order would, when a test posts the event's data to `/api/feeder/paid`.

use agora_bus::{Outbox, TopicSpec};
use agora_db::{Db, Migrations};
use agora_events::TopicEvents;
use agora_events::order::{CheckoutEvent, CheckoutPaid};
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

static MIGRATIONS: Migrations = Migrations {
    owner: "feeder",
    postgres: &sqlx::migrate!("tests/api/feeder/postgres"),
    sqlite: &sqlx::migrate!("tests/api/feeder/sqlite"),
};

pub struct Feeder;

#[derive(Clone)]
struct Emitter {
    db: Db,
    outbox: Outbox,
}

/// Emits the posted checkout as paid, in a transaction of its own.
async fn paid(State(emitter): State<Emitter>, Json(paid): Json<CheckoutPaid>) -> StatusCode {
    let Ok(mut tx) = emitter.db.begin().await else { return StatusCode::SERVICE_UNAVAILABLE };
    if emitter.outbox.emit(&mut tx, &CheckoutEvent::Paid(paid)).await.is_err() || tx.commit().await.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::ACCEPTED
}

#[async_trait]
impl Service for Feeder {
    fn name(&self) -> &'static str {
        "feeder"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new(CheckoutEvent::TOPIC)]
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let emitter = Emitter { db: ctx.db()?, outbox: ctx.outbox.clone() };
        let router = Router::new().route("/paid", post(paid)).with_state(emitter);
        Ok(ServiceParts { router, ..ServiceParts::default() })
    }
}
