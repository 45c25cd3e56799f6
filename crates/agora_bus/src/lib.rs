//! The event bus: one publish/subscribe interface ([`Broker`]) over two backends with the same semantics —
//! Kafka (through rdkafka) and an embedded durable log for the one-process mode — and, on top of it, the
//! reliability machinery every service reuses:
//!
//! - [`outbox`]: a state change and its event commit in one transaction; a relay publishes afterwards;
//! - [`consumer`]: a runner that records each event id in the handler's own transaction (the inbox),
//!   retries with back-off, dead-letters after N attempts and commits offsets only after the effect;
//! - [`dlq`]: replay of dead letters.

mod broker;
pub mod consumer;
pub mod dlq;
mod embedded;
pub mod follow;
mod kafka;
mod message;
pub mod metrics;
pub mod outbox;
pub mod trace;

pub use broker::{Broker, BusError, Subscription, TopicSpec};
pub use consumer::{Consumer, Handler, HandlerError, RetryPolicy};
pub use embedded::EmbeddedLog;
pub use kafka::{KafkaBroker, KafkaSettings};
pub use message::{Headers, Message, OutgoingMessage, Position};
pub use outbox::{EmitError, Outbox, OutboxRelay, RelaySettings};

use std::sync::Arc;

/// The platform's own tables (outbox, inbox, relay lease) in every service database.
pub static MIGRATIONS: agora_db::Migrations = agora_db::Migrations {
    owner: "agora_bus",
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// The bus as services see it: a broker plus a topic prefix (so test runs and environments sharing one
/// Kafka cluster stay apart). Topic and group names given to and returned from the bus are logical,
/// without the prefix.
#[derive(Clone)]
pub struct Bus {
    broker: Arc<dyn Broker>,
    prefix: String,
}

impl std::fmt::Debug for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bus").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl Bus {
    pub fn new(broker: Arc<dyn Broker>, prefix: impl Into<String>) -> Bus {
        Bus { broker, prefix: prefix.into() }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn physical(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }

    /// Publishes messages in order; all are durably accepted when this returns `Ok`.
    pub async fn publish(&self, messages: Vec<OutgoingMessage>) -> Result<(), BusError> {
        let messages = messages
            .into_iter()
            .map(|mut m| {
                m.topic = self.physical(&m.topic);
                m
            })
            .collect::<Vec<_>>();
        self.broker.publish(messages).await
    }

    /// Joins consumer group `group` on `topics`.
    pub async fn subscribe(&self, group: &str, topics: &[String]) -> Result<PrefixedSubscription, BusError> {
        let physical: Vec<String> = topics.iter().map(|t| self.physical(t)).collect();
        let inner = self.broker.subscribe(&self.physical(group), &physical).await?;
        Ok(PrefixedSubscription { inner, prefix: self.prefix.clone() })
    }

    /// Follows topics from their current end, outside any group (see [`Broker::tail`]).
    pub async fn tail(&self, topics: &[String]) -> Result<PrefixedSubscription, BusError> {
        let physical: Vec<String> = topics.iter().map(|t| self.physical(t)).collect();
        let inner = self.broker.tail(&physical).await?;
        Ok(PrefixedSubscription { inner, prefix: self.prefix.clone() })
    }

    /// Creates topics (and their dead-letter twins) that do not exist yet.
    pub async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        let physical: Vec<TopicSpec> = topics
            .iter()
            .flat_map(|t| {
                let dlq = TopicSpec { name: dlq::dlq_topic(&t.name), ..t.clone() };
                [t.clone(), dlq]
            })
            .map(|t| TopicSpec { name: self.physical(&t.name), ..t })
            .collect();
        self.broker.create_topics(&physical).await
    }

    pub async fn ping(&self) -> Result<(), BusError> {
        self.broker.ping().await
    }
}

/// A subscription that hands out logical topic names.
pub struct PrefixedSubscription {
    inner: Box<dyn Subscription>,
    prefix: String,
}

impl PrefixedSubscription {
    pub async fn next_batch(&mut self, max: usize, wait: std::time::Duration) -> Result<Vec<Message>, BusError> {
        let mut batch = self.inner.next_batch(max, wait).await?;
        for message in &mut batch {
            if let Some(logical) = message.topic.strip_prefix(&self.prefix) {
                message.topic = logical.to_owned();
            }
        }
        Ok(batch)
    }

    /// Records that everything up to and including these messages is processed.
    pub async fn commit(&mut self, messages: &[Message]) -> Result<(), BusError> {
        let positions = message::positions_after(messages, &self.prefix);
        if positions.is_empty() {
            return Ok(());
        }
        self.inner.commit(&positions).await
    }

    pub async fn lag(&mut self) -> Result<Vec<(String, i64)>, BusError> {
        let lag = self.inner.lag().await?;
        Ok(lag.into_iter().map(|(t, n)| (t.strip_prefix(&self.prefix).map(str::to_owned).unwrap_or(t), n)).collect())
    }

    pub async fn close(self) -> Result<(), BusError> {
        self.inner.close().await
    }
}
