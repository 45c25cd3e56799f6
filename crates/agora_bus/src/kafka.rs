//! The Kafka backend, through rdkafka (bundled librdkafka).
//!
//! The producer is idempotent (`acks=all`), so retries keep per-partition order and never duplicate a
//! message. Consumers never auto-commit: the runner commits a batch's offsets after the batch's effects
//! are committed in the service's database.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::FutureExt;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Header, Headers as _, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer as _};
use rdkafka::{Message as _, Offset, TopicPartitionList};

use crate::broker::{Broker, BusError, Subscription, TopicSpec};
use crate::{Message, OutgoingMessage, Position};

/// How to reach the Kafka cluster.
#[derive(Debug, Clone)]
pub struct KafkaSettings {
    /// Comma-separated `host:port` list.
    pub brokers: String,
    pub client_id: String,
    /// How long a publish may wait for the cluster before failing (the outbox then retries).
    pub publish_timeout: Duration,
    /// Extra librdkafka properties (security settings and the like).
    pub properties: Vec<(String, String)>,
}

/// A Kafka-backed broker.
#[derive(Clone)]
pub struct KafkaBroker {
    settings: KafkaSettings,
    producer: FutureProducer,
}

impl KafkaBroker {
    pub fn connect(settings: KafkaSettings) -> Result<KafkaBroker, BusError> {
        if settings.brokers.trim().is_empty() {
            return Err(BusError::Config("no Kafka brokers configured".to_owned()));
        }
        let timeout_ms = settings.publish_timeout.as_millis().to_string();
        let producer = settings
            .base_config()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5")
            .set("message.timeout.ms", &timeout_ms)
            .set("compression.type", "lz4")
            .create()?;
        Ok(KafkaBroker { settings, producer })
    }
}

impl KafkaSettings {
    fn base_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.brokers).set("client.id", &self.client_id);
        for (key, value) in &self.properties {
            config.set(key, value);
        }
        config
    }
}

#[async_trait]
impl Broker for KafkaBroker {
    async fn publish(&self, messages: Vec<OutgoingMessage>) -> Result<(), BusError> {
        let mut pending = Vec::with_capacity(messages.len());
        for message in &messages {
            let headers = message
                .headers
                .iter()
                .fold(OwnedHeaders::new(), |h, (key, value)| h.insert(Header { key, value: Some(value.as_bytes()) }));
            let mut record =
                FutureRecord::to(&message.topic).key(message.key.as_bytes()).payload(&message.payload).headers(headers);
            loop {
                match self.producer.send_result(record) {
                    Ok(delivery) => {
                        pending.push(delivery);
                        break;
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        // The local queue is full: let librdkafka deliver some, then try again.
                        record = back;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    Err((err, _)) => return Err(err.into()),
                }
            }
        }
        for delivery in pending {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((err, _))) => return Err(err.into()),
                Err(_) => return Err(BusError::Unavailable("producer dropped the message".to_owned())),
            }
        }
        Ok(())
    }

    async fn subscribe(&self, group: &str, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        let mut config = self.settings.base_config();
        config
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "30000")
            .set("heartbeat.interval.ms", "3000")
            .set("topic.metadata.refresh.interval.ms", "5000")
            // Some Kafka-protocol brokers (tansu) hold every fetch for its full wait even when data is
            // there; a short wait keeps latency low everywhere at the cost of a few idle fetches.
            .set("fetch.wait.max.ms", "50");
        // Configured properties win over these defaults (e.g. a shorter session timeout, so a crashed
        // instance's partitions move sooner).
        for (key, value) in &self.settings.properties {
            config.set(key, value);
        }
        let consumer: StreamConsumer = config.create()?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer.subscribe(&names)?;
        Ok(Box::new(KafkaSubscription {
            consumer: Arc::new(consumer),
            committed: TopicPartitionList::new(),
            tail: false,
        }))
    }

    async fn tail(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        let mut config = self.settings.base_config();
        // No group is joined (partitions are assigned by hand), but librdkafka wants a group id to exist.
        config
            .set("group.id", format!("tail-{}", agora_core::new_id()))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("topic.metadata.refresh.interval.ms", "5000")
            .set("fetch.wait.max.ms", "50");
        for (key, value) in &self.settings.properties {
            config.set(key, value);
        }
        let consumer: StreamConsumer = config.create()?;
        let consumer = Arc::new(consumer);
        let topics = topics.to_vec();
        let assigning = consumer.clone();
        // Start exactly at each partition's high watermark as it is now, so that "ready" means every later
        // message will be seen.
        tokio::task::spawn_blocking(move || {
            let timeout = Duration::from_secs(5);
            let mut list = TopicPartitionList::new();
            for topic in &topics {
                let metadata = assigning.fetch_metadata(Some(topic), timeout)?;
                // A topic that does not exist yet has no partitions to follow: fail, so the follower tries
                // again (and stays not ready) until the topic is created.
                let found = metadata.topics().iter().find(|t| t.name() == topic.as_str());
                let partitions = match found {
                    Some(t) if t.error().is_none() && !t.partitions().is_empty() => t.partitions(),
                    _ => {
                        return Err(KafkaError::MetadataFetch(RDKafkaErrorCode::UnknownTopicOrPartition));
                    }
                };
                for partition in partitions {
                    let (_, high) = assigning.fetch_watermarks(topic, partition.id(), timeout)?;
                    list.add_partition_offset(topic, partition.id(), Offset::Offset(high))?;
                }
            }
            assigning.assign(&list)
        })
        .await
        .map_err(|e| BusError::Unavailable(e.to_string()))??;
        Ok(Box::new(KafkaSubscription { consumer, committed: TopicPartitionList::new(), tail: true }))
    }

    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        let admin: AdminClient<DefaultClientContext> = self.settings.base_config().create()?;
        let new: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|t| NewTopic::new(&t.name, t.partitions, TopicReplication::Fixed(t.replication)))
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
        for result in admin.create_topics(&new, &options).await? {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(BusError::Unavailable(format!("creating topic {topic}: {code}")));
                }
            }
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), BusError> {
        let producer = self.producer.clone();
        tokio::task::spawn_blocking(move || producer.client().fetch_metadata(None, Duration::from_secs(2)).map(|_| ()))
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))??;
        Ok(())
    }
}

struct KafkaSubscription {
    consumer: Arc<StreamConsumer>,
    /// Everything committed so far, committed once more, synchronously, when leaving.
    committed: TopicPartitionList,
    /// A follower with partitions assigned by hand: nothing to commit, no group to leave.
    tail: bool,
}

fn to_message(message: &BorrowedMessage<'_>) -> Message {
    let headers = message
        .headers()
        .map(|h| {
            h.iter()
                .map(|header| {
                    let value = header.value.map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default();
                    (header.key.to_owned(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    Message {
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
        key: message.key().map(|k| String::from_utf8_lossy(k).into_owned()).unwrap_or_default(),
        payload: message.payload().map(<[u8]>::to_vec).unwrap_or_default(),
        headers,
    }
}

#[async_trait]
impl Subscription for KafkaSubscription {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> Result<Vec<Message>, BusError> {
        let mut batch = Vec::new();
        let first = match tokio::time::timeout(wait, self.consumer.recv()).await {
            Err(_elapsed) => return Ok(batch),
            Ok(received) => received?,
        };
        batch.push(to_message(&first));
        drop(first);
        while batch.len() < max {
            match self.consumer.recv().now_or_never() {
                Some(Ok(received)) => batch.push(to_message(&received)),
                // librdkafka has moved past what is already in the batch: hand that over first; the
                // error comes back on the next call if it persists.
                Some(Err(err)) => {
                    tracing::warn!(error = %err, "consumer error after a partial batch");
                    break;
                }
                None => break,
            }
        }
        Ok(batch)
    }

    async fn commit(&mut self, positions: &[Position]) -> Result<(), BusError> {
        if self.tail {
            return Ok(());
        }
        let mut list = TopicPartitionList::new();
        for Position { topic, partition, next_offset } in positions {
            let (topic, partition, next) = (topic.as_str(), *partition, *next_offset);
            list.add_partition_offset(topic, partition, Offset::Offset(next))?;
            if self.committed.find_partition(topic, partition).is_some() {
                self.committed.set_partition_offset(topic, partition, Offset::Offset(next))?;
            } else {
                self.committed.add_partition_offset(topic, partition, Offset::Offset(next))?;
            }
        }
        // Asynchronous: the effects are already committed with their inbox entries, so a commit lost in a
        // crash only means redeliveries the inbox skips. Leaving the group commits synchronously.
        self.consumer.commit(&list, CommitMode::Async)?;
        Ok(())
    }

    async fn lag(&mut self) -> Result<Vec<(String, i64)>, BusError> {
        let consumer = self.consumer.clone();
        tokio::task::spawn_blocking(move || {
            let position = consumer.position()?;
            let mut per_topic: HashMap<String, i64> = HashMap::new();
            for element in position.elements() {
                let (low, high) =
                    consumer.fetch_watermarks(element.topic(), element.partition(), Duration::from_secs(2))?;
                let at = match element.offset() {
                    Offset::Offset(n) => n,
                    _ => low,
                };
                *per_topic.entry(element.topic().to_owned()).or_insert(0) += (high - at).max(0);
            }
            Ok::<_, KafkaError>(per_topic.into_iter().collect())
        })
        .await
        .map_err(|e| BusError::Unavailable(e.to_string()))?
        .map_err(BusError::from)
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        let KafkaSubscription { consumer, committed, tail } = *self;
        if tail {
            // Dropping a hand-assigned consumer talks to no coordinator, but may still block briefly.
            std::thread::spawn(move || drop(consumer));
            return Ok(());
        }
        // Committing and leaving the group block while librdkafka talks to the coordinator, and leaving can
        // wait for a rebalance the broker holds open for a long time. That happens on a thread of its own,
        // which shutdown waits for only so long: offsets were already committed after every batch.
        let (done, finished) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let _ = done.send(leave(&consumer, &committed));
            consumer.unsubscribe();
            drop(consumer);
        });
        match tokio::time::timeout(Duration::from_secs(10), finished).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(BusError::Unavailable("the consumer thread ended early".to_owned())),
            Err(_) => Err(BusError::Unavailable("leaving the consumer group timed out".to_owned())),
        }
    }
}

/// Commits, synchronously, the offsets of the partitions this member still owns: after a rebalance another
/// member may already be further on.
fn leave(consumer: &StreamConsumer, committed: &TopicPartitionList) -> Result<(), BusError> {
    let owned = consumer.assignment()?;
    let mut mine = TopicPartitionList::new();
    for element in committed.elements() {
        if owned.find_partition(element.topic(), element.partition()).is_some() {
            mine.add_partition_offset(element.topic(), element.partition(), element.offset())?;
        }
    }
    if mine.count() > 0 {
        consumer.commit(&mine, CommitMode::Sync)?;
    }
    Ok(())
}
