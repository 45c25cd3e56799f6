//! With the broker unreachable, writes that emit events still succeed at once; the outbox holds the events
//! and drains, in order and without loss, when the broker is back.
//!
//! On Kafka the test freezes a broker of its own (`AGORA_TEST_KAFKA_OUTAGE_BROKERS`, process
//! `AGORA_TEST_KAFKA_OUTAGE_PID`) with SIGSTOP, so other tests are not disturbed. The embedded log cannot
//! go away on its own, so there the bus is cut in front of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use agora_bus::{
    Broker, Bus, BusError, EmbeddedLog, KafkaBroker, KafkaSettings, OutgoingMessage, Subscription, TopicSpec,
};
use agora_testkit::{Backends, Transport, require};
use async_trait::async_trait;

use crate::support::{World, assert_once_in_order};

/// The embedded log behind a switch.
struct Cuttable {
    inner: EmbeddedLog,
    down: AtomicBool,
}

#[async_trait]
impl Broker for Cuttable {
    async fn publish(&self, messages: Vec<OutgoingMessage>) -> Result<(), BusError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(BusError::Unavailable("cut off by the test".to_owned()));
        }
        self.inner.publish(messages).await
    }
    async fn subscribe(&self, group: &str, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        self.inner.subscribe(group, topics).await
    }
    async fn tail(&self, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        self.inner.tail(topics).await
    }
    async fn create_topics(&self, topics: &[TopicSpec]) -> Result<(), BusError> {
        self.inner.create_topics(topics).await
    }
    async fn ping(&self) -> Result<(), BusError> {
        self.inner.ping().await
    }
}

/// Cuts the bus off and restores it.
trait Outage: Send + Sync {
    fn cut(&self);
    fn restore(&self);
}

impl Outage for Arc<Cuttable> {
    fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
    }
    fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

struct FrozenBroker(String);

impl Outage for FrozenBroker {
    fn cut(&self) {
        signal(&self.0, "-STOP");
    }
    fn restore(&self) {
        signal(&self.0, "-CONT");
    }
}

impl Drop for FrozenBroker {
    fn drop(&mut self) {
        self.restore();
    }
}

fn signal(pid: &str, sig: &str) {
    let status = std::process::Command::new("kill").args([sig, pid]).status().expect("kill");
    assert!(status.success(), "kill {sig} {pid} failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_log_and_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let log = EmbeddedLog::open(&dir.path().join("events.db")).await.unwrap();
    let cuttable = Arc::new(Cuttable { inner: log, down: AtomicBool::new(false) });
    let bus = Bus::new(cuttable.clone(), "outage.");
    let world = World::with_bus(Backends::EMBEDDED, bus, dir).await;
    writes_succeed_while_the_broker_is_away(world, Box::new(cuttable), Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_and_postgres() {
    let backends = Backends { transport: Transport::Kafka, ..Backends::PRODUCTION };
    let (Some(brokers), Some(pid)) =
        (require("AGORA_TEST_KAFKA_OUTAGE_BROKERS"), require("AGORA_TEST_KAFKA_OUTAGE_PID"))
    else {
        return;
    };
    if !backends.available() {
        return;
    }
    let broker = KafkaBroker::connect(KafkaSettings {
        brokers,
        client_id: "agora-outage-test".to_owned(),
        publish_timeout: Duration::from_secs(60),
        properties: agora_testkit::kafka_properties(),
    })
    .unwrap();
    let bus = Bus::new(Arc::new(broker), agora_testkit::unique_prefix());
    let world = World::with_bus(backends, bus, tempfile::tempdir().unwrap()).await;
    writes_succeed_while_the_broker_is_away(world, Box::new(FrozenBroker(pid)), Duration::from_secs(10)).await;
}

async fn writes_succeed_while_the_broker_is_away(world: World, outage: Box<dyn Outage>, away: Duration) {
    let world = world.flowing_ledger(10).await;

    outage.cut();
    let cut_at = Instant::now();
    // The broker comes back only after these writes, so one that waited for it would never finish; the
    // bound only makes that failure quick and clear (a per-write second once failed on a loaded machine).
    for seq in 10..40 {
        let write = tokio::time::timeout(Duration::from_secs(30), world.write("alpha", seq));
        assert!(write.await.is_ok(), "a write waited for the broker");
    }
    tokio::time::sleep(away.saturating_sub(cut_at.elapsed())).await;
    let backlog = outbox_backlog(&world).await;
    assert!(backlog > 0, "events left the outbox while the broker was away");
    assert_eq!(world.applied("ledger").await.len(), 10);
    outage.restore();

    let applied = world.wait_for("ledger", 40).await;
    assert_once_in_order(&applied, &["alpha"], 40);
    let deadline = Instant::now() + Duration::from_secs(30);
    while outbox_backlog(&world).await > 0 {
        assert!(Instant::now() < deadline, "the outbox did not drain");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn outbox_backlog(world: &World) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM agora_outbox").fetch_one(world.producer.pool()).await.unwrap()
}

/// A consumer whose own database goes away waits for it: the events are applied, in order, once it is back,
/// and none is dead-lettered although the outage lasts far longer than all retry attempts together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_database_outage_delays_events_without_dead_letters() {
    let backends = Backends { storage: agora_testkit::Storage::Postgres, transport: Transport::Embedded };
    let Some(world) = World::new(backends).await else { return };
    let world = world.flowing_ledger(5).await;

    let database: String =
        sqlx::query_scalar("SELECT current_database()::text").fetch_one(world.consumer.pool()).await.unwrap();
    let admin = agora_db::Db::connect(&require("AGORA_TEST_DATABASE_URL").unwrap(), &agora_db::PoolSettings::default())
        .await
        .unwrap();
    let set_connections = |allowed: bool| format!("ALTER DATABASE {database} ALLOW_CONNECTIONS {allowed}");
    sqlx::query(&set_connections(false)).execute(admin.pool()).await.unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&database)
        .execute(admin.pool())
        .await
        .unwrap();

    for seq in 5..15 {
        world.write("alpha", seq).await;
    }
    // Three attempts with 10–40 ms back-off would have given up many times over by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    sqlx::query(&set_connections(true)).execute(admin.pool()).await.unwrap();

    let applied = world.wait_for("ledger", 15).await;
    assert_once_in_order(&applied, &["alpha"], 15);
    let mut inspector =
        world.bus.subscribe("inspector", &[agora_bus::dlq::dlq_topic(crate::support::TOPIC)]).await.unwrap();
    let letters = inspector.next_batch(10, Duration::from_secs(1)).await.unwrap();
    assert!(letters.is_empty(), "{} event(s) dead-lettered during the outage", letters.len());
}
