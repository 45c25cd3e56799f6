//! The embedded durable log: Kafka's semantics in one SQLite file, for the one-process mode.
//!
//! Each topic is one partition (so order per key holds trivially), messages get consecutive offsets,
//! consumer groups store committed offsets next to the messages, and a group's topic is consumed by one
//! member at a time (a second member of the same group waits, as a Kafka member without a partition does).
//! Appends are fsynced (`synchronous = FULL`) before the publisher hears `Ok`, so the outbox row is only
//! deleted once its event is on disk. Old messages are trimmed by age, as Kafka's retention does.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Checkpointer;
use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::watch;

use crate::broker::{Broker, BusError, Subscription, TopicSpec};
use crate::{Headers, Message, OutgoingMessage, Position};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS topics (
    name        TEXT    PRIMARY KEY,
    next_pos    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
    topic       TEXT    NOT NULL,
    pos         INTEGER NOT NULL,
    msg_key     TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    headers     TEXT    NOT NULL,
    appended_at INTEGER NOT NULL,
    PRIMARY KEY (topic, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets (
    group_id    TEXT    NOT NULL,
    topic       TEXT    NOT NULL,
    next_pos    INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic)
) WITHOUT ROWID;
";

/// The embedded log; cheap to clone.
#[derive(Clone)]
pub struct EmbeddedLog {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    /// Copies the log back into the file off the appenders' path (see [`agora_db::Checkpointer`]).
    _checkpointer: Checkpointer,
    /// One writer at a time, in order.
    writer: tokio::sync::Mutex<()>,
    /// Bumped after every append, so waiting subscribers wake at once.
    appended: watch::Sender<u64>,
    /// (group, topic) pairs currently held by a member.
    claims: Mutex<HashSet<(String, String)>>,
}

impl EmbeddedLog {
    /// Opens (creating if needed) the log stored in `path`.
    pub async fn open(path: &Path) -> Result<EmbeddedLog, BusError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| BusError::Config(format!("{}: {e}", dir.display())))?;
        }
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        let (appended, _) = watch::channel(0);
        Ok(EmbeddedLog {
            inner: Arc::new(Inner {
                _checkpointer: Checkpointer::start(pool.clone()),
                pool,
                writer: tokio::sync::Mutex::new(()),
                appended,
                claims: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// Deletes messages appended before `cutoff`; returns how many.
    pub async fn trim(&self, cutoff: Timestamp) -> Result<u64, BusError> {
        let _writer = self.inner.writer.lock().await;
        let done = sqlx::query("DELETE FROM messages WHERE appended_at < ?1")
            .bind(cutoff.as_micros())
            .execute(&self.inner.pool)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn close(&self) {
        self.inner.pool.close().await;
    }
}

#[async_trait]
impl Broker for EmbeddedLog {
    async fn publish(&self, messages: Vec<OutgoingMessage>) -> Result<(), BusError> {
        if messages.is_empty() {
            return Ok(());
        }
        let inner = &self.inner;
        let _writer = inner.writer.lock().await;
        let mut tx = inner.pool.begin().await?;
        let mut next: HashMap<String, i64> = HashMap::new();
        let now = Timestamp::now().as_micros();
        let mut placed = Vec::with_capacity(messages.len());
        for message in messages {
            let pos = match next.get(&message.topic) {
                Some(pos) => *pos,
                None => {
                    let row = sqlx::query("SELECT next_pos FROM topics WHERE name = ?1")
                        .bind(&message.topic)
                        .fetch_optional(&mut *tx)
                        .await?;
                    row.map(|r| r.get::<i64, _>(0)).unwrap_or(0)
                }
            };
            next.insert(message.topic.clone(), pos + 1);
            placed.push((pos, message));
        }
        // Many rows a statement: each statement is a round trip to SQLite's thread, which cost more than
        // the insert itself.
        for chunk in placed.chunks(agora_db::ROWS_PER_STATEMENT) {
            let rows = agora_db::rows(1, chunk.len(), 6);
            let sql =
                format!("INSERT INTO messages (topic, pos, msg_key, payload, headers, appended_at) VALUES {rows}");
            let mut insert = sqlx::query(&sql);
            for (pos, message) in chunk {
                insert = insert
                    .bind(&message.topic)
                    .bind(*pos)
                    .bind(&message.key)
                    .bind(&message.payload)
                    .bind(encode_headers(&message.headers))
                    .bind(now);
            }
            insert.execute(&mut *tx).await?;
        }
        for (topic, pos) in &next {
            sqlx::query(
                "INSERT INTO topics (name, next_pos) VALUES (?1, ?2) \
                 ON CONFLICT (name) DO UPDATE SET next_pos = excluded.next_pos",
            )
            .bind(topic)
            .bind(pos)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        inner.appended.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    async fn subscribe(&self, group: &str, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        Ok(Box::new(EmbeddedSubscription {
            log: self.clone(),
            group: group.to_owned(),
            topics: topics.to_vec(),
            positions: HashMap::new(),
            appended: self.inner.appended.subscribe(),
            tail: false,
        }))
    }

    async fn tail(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        let mut positions = HashMap::new();
        for topic in topics {
            let row = sqlx::query("SELECT next_pos FROM topics WHERE name = ?1")
                .bind(topic)
                .fetch_optional(&self.inner.pool)
                .await?;
            positions.insert(topic.clone(), row.map(|r| r.get::<i64, _>(0)).unwrap_or(0));
        }
        Ok(Box::new(EmbeddedSubscription {
            log: self.clone(),
            group: String::new(),
            topics: topics.to_vec(),
            positions,
            appended: self.inner.appended.subscribe(),
            tail: true,
        }))
    }

    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        let _writer = self.inner.writer.lock().await;
        for topic in topics {
            sqlx::query("INSERT INTO topics (name, next_pos) VALUES (?1, 0) ON CONFLICT (name) DO NOTHING")
                .bind(&topic.name)
                .execute(&self.inner.pool)
                .await?;
        }
        Ok(())
    }

    async fn ping(&self) -> Result<(), BusError> {
        sqlx::query("SELECT 1").execute(&self.inner.pool).await?;
        Ok(())
    }
}

/// One member of a consumer group. It holds the topics it claimed until it is dropped.
struct EmbeddedSubscription {
    log: EmbeddedLog,
    group: String,
    topics: Vec<String>,
    /// Next position to deliver, per claimed topic.
    positions: HashMap<String, i64>,
    appended: watch::Receiver<u64>,
    /// A follower outside any group: it starts at the end, claims nothing and commits nothing.
    tail: bool,
}

impl EmbeddedSubscription {
    /// Claims unclaimed topics of this group and loads their committed positions.
    async fn claim(&mut self) -> Result<(), BusError> {
        let unclaimed: Vec<String> = self.topics.iter().filter(|t| !self.positions.contains_key(*t)).cloned().collect();
        for topic in unclaimed {
            // Read the committed position before claiming, so a failed read leaves no claim behind.
            let row = sqlx::query("SELECT next_pos FROM group_offsets WHERE group_id = ?1 AND topic = ?2")
                .bind(&self.group)
                .bind(&topic)
                .fetch_optional(&self.log.inner.pool)
                .await?;
            let mut claims = self.log.inner.claims.lock().unwrap_or_else(|p| p.into_inner());
            if claims.insert((self.group.clone(), topic.clone())) {
                self.positions.insert(topic, row.map(|r| r.get::<i64, _>(0)).unwrap_or(0));
            }
        }
        Ok(())
    }

    async fn fetch(&mut self, max: usize) -> Result<Vec<Message>, BusError> {
        let mut batch = Vec::new();
        // Positions move only once every read succeeded, so a failed read loses nothing.
        let mut advanced = Vec::new();
        for topic in &self.topics {
            let Some(from) = self.positions.get(topic).copied() else { continue };
            let room = max - batch.len();
            if room == 0 {
                break;
            }
            let rows = sqlx::query(
                "SELECT pos, msg_key, payload, headers FROM messages \
                 WHERE topic = ?1 AND pos >= ?2 ORDER BY pos LIMIT ?3",
            )
            .bind(topic)
            .bind(from)
            .bind(i64::try_from(room).unwrap_or(i64::MAX))
            .fetch_all(&self.log.inner.pool)
            .await?;
            if let Some(last) = rows.last() {
                advanced.push((topic.clone(), last.get::<i64, _>(0) + 1));
            }
            batch.extend(rows.into_iter().map(|row| Message {
                topic: topic.clone(),
                partition: 0,
                offset: row.get(0),
                key: row.get(1),
                payload: row.get(2),
                headers: decode_headers(row.get(3)),
            }));
        }
        self.positions.extend(advanced);
        Ok(batch)
    }
}

#[async_trait]
impl Subscription for EmbeddedSubscription {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> Result<Vec<Message>, BusError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            self.appended.borrow_and_update();
            if self.positions.len() < self.topics.len() {
                self.claim().await?;
            }
            let batch = self.fetch(max.max(1)).await?;
            if !batch.is_empty() {
                return Ok(batch);
            }
            // Wake on the next append; re-check claims now and then, as another member may have left.
            let nap = deadline.saturating_duration_since(tokio::time::Instant::now()).min(Duration::from_millis(250));
            if nap.is_zero() {
                return Ok(batch);
            }
            let _ = tokio::time::timeout(nap, self.appended.changed()).await;
        }
    }

    async fn commit(&mut self, positions: &[Position]) -> Result<(), BusError> {
        if self.tail {
            return Ok(());
        }
        let inner = &self.log.inner;
        let _writer = inner.writer.lock().await;
        let mut tx = inner.pool.begin().await?;
        for position in positions {
            sqlx::query(
                "INSERT INTO group_offsets (group_id, topic, next_pos) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (group_id, topic) DO UPDATE SET next_pos = max(next_pos, excluded.next_pos)",
            )
            .bind(&self.group)
            .bind(&position.topic)
            .bind(position.next_offset)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn lag(&mut self) -> Result<Vec<(String, i64)>, BusError> {
        let mut lag = Vec::new();
        for topic in &self.topics {
            let row = sqlx::query(
                "SELECT t.next_pos - COALESCE(g.next_pos, 0) FROM topics t \
                 LEFT JOIN group_offsets g ON g.topic = t.name AND g.group_id = ?1 WHERE t.name = ?2",
            )
            .bind(&self.group)
            .bind(topic)
            .fetch_optional(&self.log.inner.pool)
            .await?;
            lag.push((topic.clone(), row.map(|r| r.get::<i64, _>(0)).unwrap_or(0)));
        }
        Ok(lag)
    }

    async fn close(self: Box<Self>) -> Result<(), BusError> {
        Ok(())
    }
}

impl Drop for EmbeddedSubscription {
    fn drop(&mut self) {
        if self.tail {
            return;
        }
        let mut claims = self.log.inner.claims.lock().unwrap_or_else(|p| p.into_inner());
        for topic in self.positions.keys() {
            claims.remove(&(self.group.clone(), topic.clone()));
        }
    }
}

pub(crate) fn encode_headers(headers: &Headers) -> String {
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn decode_headers(text: String) -> Headers {
    serde_json::from_str(&text).unwrap_or_default()
}
