//! The backend interface both the embedded log and Kafka implement, with the same semantics: named topics,
//! keyed messages kept in order per key, consumer groups sharing a topic's partitions, and offsets that a
//! group commits explicitly after processing.

use std::time::Duration;

use async_trait::async_trait;

use crate::{Message, OutgoingMessage, Position};

/// A bus failure.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("broker unavailable: {0}")]
    Unavailable(String),
    #[error("embedded log: {0}")]
    Embedded(#[from] sqlx::Error),
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("invalid bus configuration: {0}")]
    Config(String),
}

/// A topic to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication: i32,
}

impl TopicSpec {
    pub fn new(name: impl Into<String>) -> TopicSpec {
        TopicSpec { name: name.into(), partitions: 3, replication: 1 }
    }
}

/// A bus backend.
#[async_trait]
pub trait Broker: Send + Sync + 'static {
    /// Publishes in order; returns once every message is durably accepted.
    async fn publish(&self, messages: Vec<OutgoingMessage>) -> Result<(), BusError>;
    /// Joins `group`, starting from the group's committed offsets (or the beginning).
    async fn subscribe(&self, group: &str, topics: &[String]) -> Result<Box<dyn Subscription>, BusError>;
    /// Follows `topics` from their current end, outside any consumer group: every follower sees every
    /// later message, and nothing is committed (`commit` does nothing). For pushing events to the sockets
    /// one instance holds, where each instance needs all of them and none needs the past.
    async fn tail(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError>;
    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError>;
    /// Checks the backend is reachable.
    async fn ping(&self) -> Result<(), BusError>;
}

/// A group member's view of its topics.
#[async_trait]
pub trait Subscription: Send {
    /// Up to `max` messages; waits at most `wait` for the first one and returns an empty batch after that.
    async fn next_batch(&mut self, max: usize, wait: Duration) -> Result<Vec<Message>, BusError>;
    /// Records where the group resumes: everything before these positions is processed.
    async fn commit(&mut self, positions: &[Position]) -> Result<(), BusError>;
    /// Messages not yet consumed, per topic.
    async fn lag(&mut self) -> Result<Vec<(String, i64)>, BusError>;
    /// Leaves the group after storing progress.
    async fn close(self: Box<Self>) -> Result<(), BusError>;
}
