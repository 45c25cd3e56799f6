//! The transactional outbox: [`Outbox::emit`] writes an event in the same transaction as the state change
//! it describes, and [`OutboxRelay`] publishes committed events afterwards, deleting each row only once
//! the bus has durably accepted it. A broker outage therefore never fails a user's request and never loses
//! an event; the relay retries until the bus is back.
//!
//! One relay per database publishes at a time, elected by a lease row, so per-key order survives several
//! instances of a service. Emit the event after the state change in the transaction: the change's row
//! lock then orders events of one aggregate by their outbox sequence.

use std::time::Duration;

use agora_core::Timestamp;
use agora_db::{Db, DbError, Tx};
use agora_events::{Envelope, TopicEvents};
use sqlx::Row;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::embedded::{decode_headers, encode_headers};
use crate::{Bus, OutgoingMessage, metrics};

/// Emits events of one service.
#[derive(Debug, Clone)]
pub struct Outbox {
    source: String,
}

impl Outbox {
    /// The outbox of `service`; its events carry the CloudEvents source `agora/<service>`.
    pub fn new(service: &str) -> Outbox {
        Outbox { source: format!("agora/{service}") }
    }

    /// Records `event` in the transaction; returns its event id.
    pub async fn emit<E: TopicEvents>(&self, tx: &mut Tx, event: &E) -> Result<Uuid, EmitError> {
        let ids = self.emit_all(tx, std::slice::from_ref(event)).await?;
        Ok(ids[0])
    }

    /// Records `events`, in order, in the transaction (a hundred rows a statement); returns their event ids.
    pub async fn emit_all<E: TopicEvents>(&self, tx: &mut Tx, events: &[E]) -> Result<Vec<Uuid>, EmitError> {
        // The events continue the trace of whatever caused them (a request, another event).
        let traceparent = crate::trace::current_traceparent();
        let envelopes: Vec<Envelope> = events
            .iter()
            .map(|event| {
                let mut envelope = Envelope::new(&self.source, event);
                envelope.traceparent.clone_from(&traceparent);
                envelope
            })
            .collect();
        for chunk in envelopes.chunks(agora_db::ROWS_PER_STATEMENT) {
            insert(tx, E::TOPIC, chunk).await?;
        }
        Ok(envelopes.iter().map(|envelope| envelope.id).collect())
    }

    /// Records an already-built envelope on `topic`.
    pub async fn emit_envelope(&self, tx: &mut Tx, topic: &str, envelope: &Envelope) -> Result<(), EmitError> {
        insert(tx, topic, std::slice::from_ref(envelope)).await
    }
}

/// Writes `envelopes` to the outbox by one statement. An event too large for the bus is refused here,
/// where the use case can still fail cleanly, rather than blocking the relay later.
async fn insert(tx: &mut Tx, topic: &str, envelopes: &[Envelope]) -> Result<(), EmitError> {
    let mut rows = Vec::with_capacity(envelopes.len());
    for envelope in envelopes {
        let payload = envelope.to_vec();
        if payload.len() > MAX_EVENT_BYTES {
            return Err(EmitError::TooLarge { event_type: envelope.event_type.clone(), bytes: payload.len() });
        }
        let headers =
            envelope.traceparent.as_ref().map(|tp| vec![("traceparent".to_owned(), tp.clone())]).unwrap_or_default();
        rows.push((envelope, payload, encode_headers(&headers)));
    }
    let values = agora_db::rows(1, rows.len(), 6);
    let sql =
        format!("INSERT INTO agora_outbox (event_id, topic, msg_key, payload, headers, created_at) VALUES {values}");
    let now = Timestamp::now().as_micros();
    let mut query = sqlx::query(&sql);
    for (envelope, payload, headers) in rows {
        query = query
            .bind(envelope.id.to_string())
            .bind(topic)
            .bind(&envelope.subject)
            .bind(payload)
            .bind(headers)
            .bind(now);
    }
    query.execute(&mut **tx).await.map_err(DbError::from)?;
    Ok(())
}

/// The largest event the outbox accepts, well under Kafka's default 1 MB message limit.
pub const MAX_EVENT_BYTES: usize = 512 * 1024;

/// An event could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("event {event_type} is {bytes} bytes, more than the bus accepts")]
    TooLarge { event_type: String, bytes: usize },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// How the relay batches and waits.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    pub batch_size: usize,
    /// How long to wait before looking again when the outbox was empty.
    pub idle_interval: Duration,
    /// How long a relay's leadership lasts without renewal.
    pub lease: Duration,
    /// Longest pause between attempts while the bus is unreachable.
    pub max_backoff: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        RelaySettings {
            batch_size: 500,
            idle_interval: Duration::from_millis(20),
            lease: Duration::from_secs(10),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// Publishes one database's outbox.
pub struct OutboxRelay {
    service: String,
    db: Db,
    bus: Bus,
    settings: RelaySettings,
    holder: String,
    lease_until: Option<tokio::time::Instant>,
}

impl OutboxRelay {
    pub fn new(service: &str, db: Db, bus: Bus, settings: RelaySettings) -> OutboxRelay {
        OutboxRelay {
            service: service.to_owned(),
            db,
            bus,
            settings,
            holder: agora_core::new_id().to_string(),
            lease_until: None,
        }
    }

    /// Relays until `shutdown`; whatever is left stays in the outbox for the next start.
    pub async fn run(mut self, shutdown: CancellationToken) {
        let mut backoff = Duration::from_millis(100);
        let mut backlog_at = tokio::time::Instant::now();
        loop {
            let step = self.step().await;
            if step.is_ok() {
                backoff = Duration::from_millis(100);
            }
            let pause = match step {
                Ok(Step::Standby) => self.settings.lease / 2,
                Ok(Step::Published(n)) if n >= self.settings.batch_size => Duration::ZERO,
                Ok(Step::Published(_)) => self.settings.idle_interval,
                Err(err) => {
                    tracing::warn!(service = %self.service, error = %err, "outbox relay cannot publish yet, retrying");
                    backoff = (backoff * 2).min(self.settings.max_backoff);
                    backoff
                }
            };
            if backlog_at.elapsed() >= Duration::from_secs(5) {
                backlog_at = tokio::time::Instant::now();
                if let Ok(rows) = self.backlog().await {
                    metrics::outbox_backlog(&self.service, rows);
                }
            }
            if pause.is_zero() && !shutdown.is_cancelled() {
                continue;
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        self.release_lease().await;
    }

    /// Hands the lease back on shutdown, so another instance takes over at once rather than after expiry.
    async fn release_lease(&mut self) {
        if self.lease_until.take().is_none() {
            return;
        }
        let released = async {
            let mut tx = self.db.begin().await?;
            sqlx::query("DELETE FROM agora_relay_lease WHERE name = 'outbox' AND holder = $1")
                .bind(&self.holder)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        };
        if let Err(err) = released.await {
            tracing::warn!(service = %self.service, error = %err, "could not release the outbox lease");
        }
    }

    /// One round: publish up to a batch if this instance holds the lease.
    pub async fn step(&mut self) -> Result<Step, RelayError> {
        if !self.hold_lease().await? {
            return Ok(Step::Standby);
        }
        let rows = sqlx::query("SELECT seq, topic, msg_key, payload, headers FROM agora_outbox ORDER BY seq LIMIT $1")
            .bind(i64::try_from(self.settings.batch_size).unwrap_or(500))
            .fetch_all(self.db.pool())
            .await
            .map_err(DbError::from)?;
        if rows.is_empty() {
            return Ok(Step::Published(0));
        }
        let mut seqs = Vec::with_capacity(rows.len());
        let mut messages = Vec::with_capacity(rows.len());
        for row in rows {
            seqs.push(row.get::<i64, _>(0));
            messages.push(OutgoingMessage {
                topic: row.get(1),
                key: row.get(2),
                payload: row.get(3),
                headers: decode_headers(row.get(4)),
            });
        }
        self.bus.publish(messages).await?;
        let sql = format!("DELETE FROM agora_outbox WHERE seq IN ({})", agora_db::placeholders(1, seqs.len()));
        let mut delete = sqlx::query(&sql);
        for seq in &seqs {
            delete = delete.bind(seq);
        }
        let mut tx = self.db.begin().await?;
        delete.execute(&mut *tx).await.map_err(DbError::from)?;
        tx.commit().await?;
        metrics::outbox_published(&self.service, seqs.len());
        Ok(Step::Published(seqs.len()))
    }

    /// Events waiting in the outbox.
    pub async fn backlog(&self) -> Result<i64, DbError> {
        let row = sqlx::query("SELECT COUNT(*) FROM agora_outbox").fetch_one(self.db.pool()).await?;
        Ok(row.get(0))
    }

    /// Takes or renews the lease when less than half of it is left.
    async fn hold_lease(&mut self) -> Result<bool, DbError> {
        let now = tokio::time::Instant::now();
        if let Some(until) = self.lease_until
            && until.saturating_duration_since(now) > self.settings.lease / 2
        {
            return Ok(true);
        }
        let wall = Timestamp::now();
        let done = sqlx::query(
            "INSERT INTO agora_relay_lease (name, holder, expires_at) VALUES ('outbox', $1, $2) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE agora_relay_lease.holder = excluded.holder OR agora_relay_lease.expires_at < $3",
        )
        .bind(&self.holder)
        .bind(wall.plus(self.settings.lease).as_micros())
        .bind(wall.as_micros());
        let mut tx = self.db.begin().await?;
        let done = done.execute(&mut *tx).await?;
        tx.commit().await?;
        if done.rows_affected() == 1 {
            if self.lease_until.is_none() {
                tracing::info!(service = %self.service, "this instance now relays the outbox");
            }
            self.lease_until = Some(now + self.settings.lease);
            Ok(true)
        } else {
            self.lease_until = None;
            Ok(false)
        }
    }
}

/// What a relay round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Another instance holds the lease.
    Standby,
    /// This many events were published.
    Published(usize),
}

/// Why a relay round failed; the relay retries either way.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Bus(#[from] crate::BusError),
}
