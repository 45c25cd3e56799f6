//! `feeder`: a stand-in for a service that publishes. A test hands it typed events; it writes them to its own
//! outbox in one transaction, and the platform relays them to the bus as it does any service's, so the
//! service under test reads them from the bus like in production.

use std::sync::{Arc, OnceLock};

use agora_bus::{Bus, Outbox, OutgoingMessage, TopicSpec};
use agora_db::{Db, Migrations};
use agora_events::{Envelope, TopicEvents};
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;

static MIGRATIONS: Migrations = Migrations {
    owner: "feeder",
    postgres: &sqlx::migrate!("./migrations/feeder"),
    sqlite: &sqlx::migrate!("./migrations/feeder"),
};

/// The feeder service; clones share what it is given at start.
#[derive(Clone)]
pub struct Feeder {
    topics: Vec<&'static str>,
    started: Arc<OnceLock<(Db, Outbox, Bus)>>,
}

impl Feeder {
    /// A feeder publishing on `topics` (created at start like a real producer's).
    pub fn new(topics: &[&'static str]) -> Feeder {
        Feeder { topics: topics.to_vec(), started: Arc::default() }
    }

    fn started(&self) -> &(Db, Outbox, Bus) {
        self.started.get().unwrap_or_else(|| panic!("the feeder has not started"))
    }

    /// Publishes `events` in one transaction, as `source` would; returns their envelopes.
    pub async fn emit<E: TopicEvents>(&self, source: &str, events: &[E]) -> Vec<Envelope> {
        let envelopes: Vec<Envelope> = events.iter().map(|e| Envelope::new(source, e)).collect();
        let (db, outbox, _) = self.started();
        let mut tx = db.begin().await.unwrap_or_else(|e| panic!("feeder transaction: {e}"));
        for envelope in &envelopes {
            outbox.emit_envelope(&mut tx, E::TOPIC, envelope).await.unwrap_or_else(|e| panic!("feeder emit: {e}"));
        }
        tx.commit().await.unwrap_or_else(|e| panic!("feeder commit: {e}"));
        envelopes
    }

    /// Publishes an event on `topic` again, as the bus does after a consumer crash (the same event id).
    pub async fn redeliver(&self, topic: &str, envelope: &Envelope) {
        let (_, _, bus) = self.started();
        let message = OutgoingMessage {
            topic: topic.to_owned(),
            key: envelope.subject.clone(),
            payload: envelope.to_vec(),
            headers: Vec::new(),
        };
        bus.publish(vec![message]).await.unwrap_or_else(|e| panic!("feeder redelivery: {e}"));
    }
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
        self.topics.iter().map(|t| TopicSpec::new(*t)).collect()
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let _ = self.started.set((ctx.db()?, ctx.outbox.clone(), ctx.bus.clone()));
        Ok(ServiceParts::default())
    }
}
