//! A stand-in for the order service: it publishes `order.checkouts` events through its own outbox, as order
//! does, so payment reads them from the bus like in production.

use std::sync::{Arc, OnceLock};

use agora_bus::{Bus, Outbox, OutgoingMessage, TopicSpec};
use agora_core::{Currency, Money, Timestamp};
use agora_db::{Db, Migrations};
use agora_events::order::{CancelReason, CheckoutAwaitingPayment, CheckoutCancelled, CheckoutEvent};
use agora_events::{Envelope, TopicEvents};
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;
use uuid::Uuid;

static MIGRATIONS: Migrations = Migrations {
    owner: "feeder",
    postgres: &sqlx::migrate!("tests/api/feeder/postgres"),
    sqlite: &sqlx::migrate!("tests/api/feeder/sqlite"),
};

/// The feeder service; clones share the database and outbox it is given at start.
#[derive(Clone, Default)]
pub struct Feeder(Arc<OnceLock<(Db, Outbox, Bus)>>);

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
        let _ = self.0.set((ctx.db()?, ctx.outbox.clone(), ctx.bus.clone()));
        Ok(ServiceParts::default())
    }
}

pub fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
}

pub fn awaiting(checkout_id: Uuid, buyer_id: Uuid, amount_minor: i64, pay_by: Timestamp) -> CheckoutEvent {
    CheckoutEvent::AwaitingPayment(CheckoutAwaitingPayment { checkout_id, buyer_id, total: eur(amount_minor), pay_by })
}

pub fn cancelled(checkout_id: Uuid, buyer_id: Uuid) -> CheckoutEvent {
    CheckoutEvent::Cancelled(CheckoutCancelled { checkout_id, buyer_id, reason: CancelReason::PaymentTimeout })
}

impl Feeder {
    /// Publishes events in one transaction; returns their envelopes.
    pub async fn emit(&self, events: &[CheckoutEvent]) -> Vec<Envelope> {
        let envelopes: Vec<Envelope> = events.iter().map(|e| Envelope::new("agora/order", e)).collect();
        let (db, outbox, _) = self.0.get().expect("the feeder has started");
        let mut tx = db.begin().await.unwrap();
        for envelope in &envelopes {
            outbox.emit_envelope(&mut tx, CheckoutEvent::TOPIC, envelope).await.unwrap();
        }
        tx.commit().await.unwrap();
        envelopes
    }

    /// Publishes an event again, as the bus does after a consumer crash (the same event id).
    pub async fn redeliver(&self, envelope: &Envelope) {
        let (_, _, bus) = self.0.get().expect("the feeder has started");
        let message = OutgoingMessage {
            topic: CheckoutEvent::TOPIC.to_owned(),
            key: envelope.subject.clone(),
            payload: envelope.to_vec(),
            headers: Vec::new(),
        };
        bus.publish(vec![message]).await.unwrap();
    }
}
