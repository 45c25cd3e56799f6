//! A small producer and consumer used by every scenario: producers write an item and its event in one
//! transaction; consumers record what they applied, in order, in their own database.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_bus::consumer::ConsumerRunner;
use agora_bus::{Bus, Consumer, Handler, HandlerError, Outbox, OutboxRelay, RelaySettings, RetryPolicy};
use agora_db::{Db, Dialect, Tx};
use agora_events::{Envelope, EventData};
use agora_testkit::Backends;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemAdded {
    pub key: String,
    pub seq: i64,
}

impl EventData for ItemAdded {
    fn subject(&self) -> String {
        self.key.clone()
    }
}

agora_events::topic! {
    /// Items of the conformance suite.
    pub enum ItemEvent = "test.items" {
        Added(ItemAdded) = "agora.test.item_added.v1",
    }
}

pub const TOPIC: &str = "test.items";

/// A producer database and a consumer database on the chosen backends, and a bus.
pub struct World {
    pub producer: Db,
    pub consumer: Db,
    pub bus: Bus,
    pub outbox: Outbox,
    pub shutdown: CancellationToken,
    _dir: tempfile::TempDir,
}

impl World {
    pub async fn new(backends: Backends) -> Option<World> {
        init_logs();
        if !backends.available() {
            return None;
        }
        let dir = tempfile::tempdir().ok()?;
        let bus = backends.fresh_bus(dir.path()).await.expect("bus");
        Some(World::with_bus(backends, bus, dir).await)
    }

    /// A world on a bus the test built itself.
    pub async fn with_bus(backends: Backends, bus: Bus, dir: tempfile::TempDir) -> World {
        init_logs();
        let producer = backends.fresh_db(dir.path(), "producer").await.expect("producer db");
        let consumer = backends.fresh_db(dir.path(), "consumer").await.expect("consumer db");
        for db in [&producer, &consumer] {
            agora_bus::MIGRATIONS.apply(db).await.expect("platform migrations");
        }
        let autoincrement = match consumer.dialect() {
            Dialect::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Dialect::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        };
        sqlx::query("CREATE TABLE items (item_key TEXT NOT NULL, seq BIGINT NOT NULL)")
            .execute(producer.pool())
            .await
            .expect("items table");
        sqlx::query(&format!(
            "CREATE TABLE applied (pos {autoincrement}, grp TEXT NOT NULL, item_key TEXT NOT NULL, seq BIGINT NOT NULL)"
        ))
        .execute(consumer.pool())
        .await
        .expect("applied table");
        bus.create_topics(&[agora_bus::TopicSpec { partitions: 2, ..agora_bus::TopicSpec::new(TOPIC) }])
            .await
            .expect("topics");
        World { producer, consumer, bus, outbox: Outbox::new("test"), shutdown: CancellationToken::new(), _dir: dir }
    }

    /// Writes an item and its event in one transaction, as a service's use case would.
    pub async fn write(&self, key: &str, seq: i64) {
        let mut tx = self.producer.begin().await.expect("begin");
        sqlx::query("INSERT INTO items (item_key, seq) VALUES ($1, $2)")
            .bind(key)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .expect("insert item");
        self.outbox.emit(&mut tx, &ItemEvent::Added(ItemAdded { key: key.to_owned(), seq })).await.expect("emit");
        tx.commit().await.expect("commit");
    }

    /// Writes `per_key` events for each key, keys concurrently, each key in order.
    pub async fn write_many(self: &Arc<Self>, keys: &[&str], per_key: i64) {
        let mut tasks = Vec::new();
        for key in keys {
            let world = self.clone();
            let key = (*key).to_owned();
            tasks.push(tokio::spawn(async move {
                for seq in 0..per_key {
                    world.write(&key, seq).await;
                }
            }));
        }
        for task in tasks {
            task.await.expect("writer");
        }
    }

    /// Starts the relay and a `ledger` consumer, and waits until `alpha` events 0..count went through.
    pub async fn flowing_ledger(self, count: i64) -> Arc<World> {
        let world = Arc::new(self);
        world.start_relay();
        world.start_consumer("ledger", Recorder::new("ledger"));
        for seq in 0..count {
            world.write("alpha", seq).await;
        }
        world.wait_for("ledger", count as usize).await;
        world
    }

    pub fn start_relay(&self) -> tokio::task::JoinHandle<()> {
        self.start_relay_until(self.shutdown.clone())
    }

    pub fn start_relay_until(&self, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
        let settings = RelaySettings {
            idle_interval: Duration::from_millis(10),
            lease: Duration::from_secs(4),
            ..RelaySettings::default()
        };
        let relay = OutboxRelay::new("test", self.producer.clone(), self.bus.clone(), settings);
        tokio::spawn(relay.run(stop))
    }

    pub fn start_consumer(&self, group: &str, handler: Arc<Recorder>) -> tokio::task::JoinHandle<()> {
        self.start_consumer_until(group, handler, self.shutdown.clone())
    }

    pub fn start_consumer_until(
        &self,
        group: &str,
        handler: Arc<Recorder>,
        stop: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        let consumer = Consumer { group: group.to_owned(), topics: vec![TOPIC.to_owned()], handler };
        let policy = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
            batch_size: 50,
        };
        let runner = ConsumerRunner::new(consumer, self.consumer.clone(), self.bus.clone(), policy);
        tokio::spawn(runner.run(stop))
    }

    /// (key, seq) applied by `group`, in the order they were applied.
    pub async fn applied(&self, group: &str) -> Vec<(String, i64)> {
        sqlx::query_as::<_, (String, i64)>("SELECT item_key, seq FROM applied WHERE grp = $1 ORDER BY pos")
            .bind(group)
            .fetch_all(self.consumer.pool())
            .await
            .expect("applied rows")
    }

    /// Waits until `group` applied `count` events, or fails after a minute.
    pub async fn wait_for(&self, group: &str, count: usize) -> Vec<(String, i64)> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let applied = self.applied(group).await;
            if applied.len() >= count {
                return applied;
            }
            if tokio::time::Instant::now() >= deadline {
                let backlog: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agora_outbox")
                    .fetch_one(self.producer.pool())
                    .await
                    .unwrap_or(-1);
                panic!("group {group} applied {} of {count}; {backlog} events still in the outbox", applied.len());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Records each applied event; can be told to fail for one key, or to go slowly.
pub struct Recorder {
    pub group: String,
    pub fail_key: Mutex<Option<String>>,
    pub calls: AtomicUsize,
    pub delay: Duration,
}

impl Recorder {
    pub fn new(group: &str) -> Arc<Recorder> {
        Recorder::slow(group, Duration::ZERO)
    }

    pub fn slow(group: &str, delay: Duration) -> Arc<Recorder> {
        Arc::new(Recorder { group: group.to_owned(), fail_key: Mutex::new(None), calls: AtomicUsize::new(0), delay })
    }

    pub fn fail_for(&self, key: Option<&str>) {
        *self.fail_key.lock().unwrap() = key.map(str::to_owned);
    }
}

#[async_trait]
impl Handler for Recorder {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let Some(ItemEvent::Added(item)) = event.decode::<ItemEvent>()? else { return Ok(()) };
        if self.fail_key.lock().unwrap().as_deref() == Some(item.key.as_str()) {
            return Err(HandlerError::Transient(format!("refusing {}", item.key)));
        }
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        sqlx::query("INSERT INTO applied (grp, item_key, seq) VALUES ($1, $2, $3)")
            .bind(&self.group)
            .bind(&item.key)
            .bind(item.seq)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// Asserts every key's events were applied exactly once each, in order.
pub fn assert_once_in_order(applied: &[(String, i64)], keys: &[&str], per_key: i64) {
    for key in keys {
        let seqs: Vec<i64> = applied.iter().filter(|(k, _)| k == key).map(|(_, s)| *s).collect();
        let expected: Vec<i64> = (0..per_key).collect();
        assert_eq!(seqs, expected, "events of key {key} were not applied exactly once in order");
    }
    assert_eq!(applied.len(), keys.len() * per_key as usize, "unexpected extra events");
}

/// Generates one test per backend pair for a scenario `async fn name(backends: Backends)`.
#[macro_export]
macro_rules! on_every_backend {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn embedded_log_and_sqlite() {
                    super::$scenario(agora_testkit::Backends::EMBEDDED).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn kafka_and_postgres() {
                    super::$scenario(agora_testkit::Backends::PRODUCTION).await;
                }
            }
        )+
    };
}

/// Logs of the code under test, shown for failing tests (RUST_LOG filters).
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rdkafka=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
}
