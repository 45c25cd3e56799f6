//! The consumer runner: reads batches from the bus, applies each event in a database transaction that
//! also records the event id in the inbox (so a redelivered event is skipped), retries failures with
//! back-off, sends a message that keeps failing to its topic's dead-letter twin, and commits offsets only
//! after the effects are committed.
//!
//! A batch is first applied in one transaction (fast); if any event in it fails, the batch is rolled back
//! and applied again one event at a time, so one bad event cannot hold back the others.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_core::Timestamp;
use agora_db::{Db, DbError, Tx};
use agora_events::{DecodeError, Envelope};
use async_trait::async_trait;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::dlq::dead_letter;
use crate::{Bus, Message, PrefixedSubscription, metrics};

/// Why a handler failed.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// Worth retrying (a dependency is down, a conflict).
    #[error("{0}")]
    Transient(String),
    /// Will never succeed (the event is malformed); goes to the dead-letter topic at once.
    #[error("{0}")]
    Permanent(String),
}

impl From<DbError> for HandlerError {
    fn from(err: DbError) -> Self {
        HandlerError::Transient(err.to_string())
    }
}

impl From<sqlx::Error> for HandlerError {
    fn from(err: sqlx::Error) -> Self {
        HandlerError::Transient(err.to_string())
    }
}

impl From<DecodeError> for HandlerError {
    fn from(err: DecodeError) -> Self {
        HandlerError::Permanent(err.to_string())
    }
}

/// Applies events to a service's state, inside the transaction the runner provides.
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError>;
}

/// A consumer group of a service: its name, the topics it reads and what it does with their events.
#[derive(Clone)]
pub struct Consumer {
    /// Consumer group, also the inbox's namespace; stable across releases, e.g. `order.catalog-prices`.
    pub group: String,
    pub topics: Vec<String>,
    pub handler: Arc<dyn Handler>,
}

/// Attempts and back-off before a message is dead-lettered.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub batch_size: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            batch_size: 256,
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// Runs one [`Consumer`] against one database until shutdown.
pub struct ConsumerRunner {
    consumer: Consumer,
    db: Db,
    bus: Bus,
    policy: RetryPolicy,
}

/// The runner stopped for shutdown part-way; nothing after the last commit is acknowledged.
struct Stopped;

/// Why applying events failed: the handler refused them, or the database could not be used at all.
enum Failure {
    Handler(HandlerError),
    Storage(DbError),
}

impl From<DbError> for Failure {
    fn from(err: DbError) -> Self {
        Failure::Storage(err)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(err: sqlx::Error) -> Self {
        Failure::Storage(err.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Handler(err) => err.fmt(f),
            Failure::Storage(err) => err.fmt(f),
        }
    }
}

impl ConsumerRunner {
    pub fn new(consumer: Consumer, db: Db, bus: Bus, policy: RetryPolicy) -> ConsumerRunner {
        ConsumerRunner { consumer, db, bus, policy }
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let group = self.consumer.group.clone();
        let Some(mut subscription) = self.subscribe(&shutdown).await else { return };
        tracing::info!(consumer.group = %group, topics = ?self.consumer.topics, "consumer started");
        let mut lag_at = Instant::now();
        while !shutdown.is_cancelled() {
            let batch = tokio::select! {
                () = shutdown.cancelled() => break,
                batch = subscription.next_batch(self.policy.batch_size, Duration::from_millis(500)) => batch,
            };
            let batch = match batch {
                Ok(batch) => batch,
                Err(err) => {
                    tracing::warn!(consumer.group = %group, error = %err, "cannot read from the bus, retrying");
                    pause(&shutdown, Duration::from_secs(1)).await;
                    continue;
                }
            };
            if !batch.is_empty() {
                let started = Instant::now();
                if self.process(&batch, &shutdown).await.is_err() {
                    break;
                }
                if let Err(err) = subscription.commit(&batch).await {
                    // The effects are committed and recorded in the inbox; redelivery will be skipped.
                    tracing::warn!(consumer.group = %group, error = %err, "offset commit failed");
                }
                metrics::batch_duration(&group, started.elapsed().as_secs_f64());
            }
            if lag_at.elapsed() >= Duration::from_secs(5) {
                lag_at = Instant::now();
                if let Ok(lag) = subscription.lag().await {
                    for (topic, n) in lag {
                        metrics::consumer_lag(&group, &topic, n);
                    }
                }
            }
        }
        tracing::debug!(consumer.group = %group, cancelled = shutdown.is_cancelled(), "consumer leaving its group");
        if let Err(err) = subscription.close().await {
            tracing::warn!(consumer.group = %group, error = %err, "leaving the consumer group failed");
        }
        tracing::info!(consumer.group = %group, "consumer stopped");
    }

    async fn subscribe(&self, shutdown: &CancellationToken) -> Option<PrefixedSubscription> {
        loop {
            match self.bus.subscribe(&self.consumer.group, &self.consumer.topics).await {
                Ok(subscription) => return Some(subscription),
                Err(err) => {
                    tracing::warn!(consumer.group = %self.consumer.group, error = %err, "cannot subscribe yet");
                    if !pause(shutdown, Duration::from_secs(1)).await {
                        return None;
                    }
                }
            }
        }
    }

    /// Applies a batch: all in one transaction, or, if anything fails, one by one.
    async fn process(&self, batch: &[Message], shutdown: &CancellationToken) -> Result<(), Stopped> {
        let group = &self.consumer.group;
        match self.apply_all(batch).await {
            Ok((processed, duplicates)) => {
                metrics::consumed(group, "processed", processed);
                metrics::consumed(group, "duplicate", duplicates);
                return Ok(());
            }
            Err(err) => {
                tracing::debug!(consumer.group = %group, error = %err, "batch failed, applying one by one");
            }
        }
        for message in batch {
            self.process_one(message, shutdown).await?;
        }
        Ok(())
    }

    /// Applies events in one transaction that also records them in the inbox with one statement. Used for
    /// whole batches (the fast path) and for single events.
    async fn apply_all(&self, batch: &[Message]) -> Result<(usize, usize), Failure> {
        let envelopes = batch
            .iter()
            .map(|m| Envelope::from_slice(&m.payload))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Failure::Handler(e.into()))?;
        let mut tx = self.db.begin().await?;
        let mut fresh = self.record_in_inbox(&mut tx, &envelopes).await?;
        let mut processed = 0;
        for envelope in &envelopes {
            // `remove` also applies an event repeated within one batch only once.
            if fresh.remove(&envelope.id.to_string()) {
                let span = tracing::info_span!(
                    "event",
                    consumer.group = %self.consumer.group,
                    event.r#type = %envelope.event_type,
                    event.id = %envelope.id,
                );
                if let Some(traceparent) = &envelope.traceparent {
                    crate::trace::continue_trace(&span, traceparent);
                }
                self.consumer.handler.handle(&mut tx, envelope).instrument(span).await.map_err(Failure::Handler)?;
                processed += 1;
            }
        }
        tx.commit().await?;
        Ok((processed, envelopes.len() - processed))
    }

    /// Inserts the events' ids into the inbox; returns those that were not there yet.
    async fn record_in_inbox(&self, tx: &mut Tx, envelopes: &[Envelope]) -> Result<HashSet<String>, DbError> {
        let rows: Vec<String> = (0..envelopes.len()).map(|i| format!("($1, ${}, $2)", i + 3)).collect();
        let sql = format!(
            "INSERT INTO agora_inbox (consumer, event_id, processed_at) VALUES {} \
             ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id",
            rows.join(", ")
        );
        let mut insert =
            sqlx::query_scalar::<_, String>(&sql).bind(&self.consumer.group).bind(Timestamp::now().as_micros());
        for envelope in envelopes {
            insert = insert.bind(envelope.id.to_string());
        }
        Ok(insert.fetch_all(&mut **tx).await?.into_iter().collect())
    }

    /// Applies one event. Handler failures count towards the dead letter; storage failures (the database
    /// itself unavailable) are waited out without limit, so an outage never dead-letters healthy events or
    /// reorders them.
    async fn process_one(&self, message: &Message, shutdown: &CancellationToken) -> Result<(), Stopped> {
        let group = &self.consumer.group;
        let (mut attempt, mut outage) = (0, 0);
        loop {
            let err = match self.apply_all(std::slice::from_ref(message)).await {
                Ok((processed, _)) => {
                    metrics::consumed(group, if processed == 1 { "processed" } else { "duplicate" }, 1);
                    return Ok(());
                }
                Err(Failure::Storage(err)) => {
                    outage += 1;
                    tracing::warn!(consumer.group = %group, error = %err, "database unavailable, waiting");
                    if !pause(shutdown, self.policy.backoff(outage)).await {
                        return Err(Stopped);
                    }
                    continue;
                }
                Err(Failure::Handler(err)) => err,
            };
            attempt += 1;
            let permanent = matches!(err, HandlerError::Permanent(_));
            if permanent || attempt >= self.policy.max_attempts {
                tracing::error!(
                    consumer.group = %group, event.topic = %message.topic, event.key = %message.key,
                    attempts = attempt, error = %err, "event failed for good, sending it to the dead-letter topic"
                );
                return self.dead_letter(message, &err, attempt, shutdown).await;
            }
            metrics::consumed(group, "retried", 1);
            tracing::warn!(consumer.group = %group, attempts = attempt, error = %err, "event failed, retrying");
            if !pause(shutdown, self.policy.backoff(attempt)).await {
                return Err(Stopped);
            }
        }
    }

    /// Publishes to the dead-letter topic, retrying until the bus takes it (it must not be lost).
    async fn dead_letter(
        &self,
        message: &Message,
        err: &HandlerError,
        attempts: u32,
        shutdown: &CancellationToken,
    ) -> Result<(), Stopped> {
        let letter = dead_letter(message, &self.consumer.group, &err.to_string(), attempts);
        loop {
            match self.bus.publish(vec![letter.clone()]).await {
                Ok(()) => {
                    metrics::consumed(&self.consumer.group, "dead_lettered", 1);
                    return Ok(());
                }
                Err(bus_err) => {
                    tracing::warn!(error = %bus_err, "cannot publish the dead letter yet, retrying");
                    if !pause(shutdown, Duration::from_secs(1)).await {
                        return Err(Stopped);
                    }
                }
            }
        }
    }
}

/// Sleeps unless shutdown comes first; returns `false` on shutdown.
async fn pause(shutdown: &CancellationToken, duration: Duration) -> bool {
    tokio::select! {
        () = shutdown.cancelled() => false,
        () = tokio::time::sleep(duration) => true,
    }
}

/// Forgets inbox entries older than `cutoff` (redeliveries never come that late).
pub async fn forget_before(db: &Db, cutoff: Timestamp) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM agora_inbox WHERE processed_at < $1").bind(cutoff.as_micros()).execute(&mut *tx).await?;
    tx.commit().await
}
