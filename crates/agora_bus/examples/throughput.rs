//! End-to-end event throughput: producers change state and write the outbox in one transaction each; the
//! relay publishes; a consumer applies every event with its inbox in its own database. Reports events per
//! second from the first write to the last event applied.
//!
//! `cargo run --release -p agora_bus --example throughput -- embedded 50000 4`
//! `cargo run --release -p agora_bus --example throughput -- kafka 50000 8` (needs the AGORA_TEST_* variables
//! that `scripts/bench` sets). Arguments: backend, events, concurrent producers, state changes (each with its
//! event) per transaction (default 1).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark fails loudly")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_bus::consumer::ConsumerRunner;
use agora_bus::{Consumer, Handler, HandlerError, Outbox, OutboxRelay, RelaySettings, RetryPolicy, TopicSpec};
use agora_db::{Db, Tx};
use agora_events::{Envelope, EventData};
use agora_testkit::Backends;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct CounterBumped {
    counter: String,
    value: i64,
}

impl EventData for CounterBumped {
    fn subject(&self) -> String {
        self.counter.clone()
    }
}

agora_events::topic! {
    /// Benchmark counters.
    pub enum CounterEvent = "bench.counters" {
        Bumped(CounterBumped) = "agora.bench.counter_bumped.v1",
    }
}

struct Apply;

#[async_trait]
impl Handler for Apply {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let Some(CounterEvent::Bumped(bump)) = event.decode::<CounterEvent>()? else { return Ok(()) };
        sqlx::query(
            "INSERT INTO seen (counter, value) VALUES ($1, $2) \
             ON CONFLICT (counter) DO UPDATE SET value = excluded.value",
        )
        .bind(&bump.counter)
        .bind(bump.value)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backends = match args.get(1).map(String::as_str) {
        Some("kafka") => Backends::PRODUCTION,
        _ => Backends::EMBEDDED,
    };
    let events: i64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(50_000);
    let producers: i64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(4);
    let per_tx: i64 = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    assert!(backends.available(), "backends missing: run through scripts/bench");

    let dir = tempfile::tempdir().unwrap();
    let producer_db = backends.fresh_db(dir.path(), "producer").await.unwrap();
    let consumer_db = backends.fresh_db(dir.path(), "consumer").await.unwrap();
    for db in [&producer_db, &consumer_db] {
        agora_bus::MIGRATIONS.apply(db).await.unwrap();
    }
    sqlx::query("CREATE TABLE counters (counter TEXT PRIMARY KEY, value BIGINT NOT NULL)")
        .execute(producer_db.pool())
        .await
        .unwrap();
    sqlx::query("CREATE TABLE seen (counter TEXT PRIMARY KEY, value BIGINT NOT NULL)")
        .execute(consumer_db.pool())
        .await
        .unwrap();
    let bus = backends.fresh_bus(dir.path()).await.unwrap();
    bus.create_topics(&[TopicSpec { partitions: 4, ..TopicSpec::new("bench.counters") }]).await.unwrap();

    let shutdown = CancellationToken::new();
    let relay = OutboxRelay::new("bench", producer_db.clone(), bus.clone(), RelaySettings::default());
    tokio::spawn(relay.run(shutdown.clone()));
    let consumer =
        Consumer { group: "bench".to_owned(), topics: vec!["bench.counters".to_owned()], handler: Arc::new(Apply) };
    let policy = RetryPolicy { batch_size: 500, ..RetryPolicy::default() };
    tokio::spawn(ConsumerRunner::new(consumer, consumer_db.clone(), bus.clone(), policy).run(shutdown.clone()));
    // Let the consumer join its group before the clock starts.
    tokio::time::sleep(Duration::from_secs(if backends == Backends::PRODUCTION { 4 } else { 1 })).await;

    let started = Instant::now();
    if std::env::var_os("BENCH_TRACE").is_some() {
        let (p, c) = (producer_db.clone(), consumer_db.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(1000)).await;
                let written: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM counters").fetch_one(p.pool()).await.unwrap_or(-1);
                let backlog: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM agora_outbox").fetch_one(p.pool()).await.unwrap_or(-1);
                let applied: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM agora_inbox").fetch_one(c.pool()).await.unwrap_or(-1);
                eprintln!(
                    "t={:.1}s counters={written} outbox={backlog} applied={applied}",
                    started.elapsed().as_secs_f64()
                );
            }
        });
    }
    let per_producer = events / producers;
    let mut tasks = Vec::new();
    for p in 0..producers {
        let db = producer_db.clone();
        tasks.push(tokio::spawn(async move { produce(db, p, per_producer, per_tx).await }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let written = started.elapsed();
    let total = per_producer * producers;
    let applied = wait_applied(&consumer_db, producers, per_producer).await;
    let elapsed = started.elapsed();
    shutdown.cancel();

    let rate = total as f64 / elapsed.as_secs_f64();
    println!(
        "backend={} events={total} producers={producers} events_per_tx={per_tx} writes_done_s={:.2} applied_s={:.2} events_per_s={rate:.0} consumer_rows={applied}",
        if backends == Backends::PRODUCTION { "postgres+kafka" } else { "sqlite+embedded" },
        written.as_secs_f64(),
        elapsed.as_secs_f64(),
    );
}

/// One producer: `count` state changes, each with its event, on counters of its own, `per_tx` to a
/// transaction.
async fn produce(db: Db, producer: i64, count: i64, per_tx: i64) {
    let outbox = Outbox::new("bench");
    let mut value = 0;
    while value < count {
        let mut tx = db.begin().await.unwrap();
        for _ in 0..per_tx.min(count - value) {
            value += 1;
            let counter = format!("p{producer}-c{}", value % 16);
            sqlx::query(
                "INSERT INTO counters (counter, value) VALUES ($1, $2) \
                 ON CONFLICT (counter) DO UPDATE SET value = excluded.value",
            )
            .bind(&counter)
            .bind(value)
            .execute(&mut *tx)
            .await
            .unwrap();
            outbox.emit(&mut tx, &CounterEvent::Bumped(CounterBumped { counter, value })).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
}

/// Waits until every counter shows its last value on the consumer side, i.e. every event was applied.
async fn wait_applied(db: &Db, producers: i64, per_producer: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agora_inbox").fetch_one(db.pool()).await.unwrap();
        if applied >= producers * per_producer {
            return applied;
        }
        assert!(Instant::now() < deadline, "only {applied} events applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
