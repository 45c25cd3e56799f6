//! The platform's tables migrate onto empty SQLite and PostgreSQL databases, and the storage layer behaves
//! the same on both.

use agora_bus::Outbox;
use agora_testkit::{Backends, Storage, Transport};

use crate::support::{ItemAdded, ItemEvent};

async fn platform_tables_migrate_and_the_outbox_round_trips(backends: Backends) {
    if !backends.available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = backends.fresh_db(dir.path(), "store").await.unwrap();
    agora_bus::MIGRATIONS.apply(&db).await.unwrap();
    // Applying again is a no-op.
    agora_bus::MIGRATIONS.apply(&db).await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let id =
        Outbox::new("test").emit(&mut tx, &ItemEvent::Added(ItemAdded { key: "k".to_owned(), seq: 1 })).await.unwrap();
    tx.commit().await.unwrap();
    let (topic, key, payload): (String, String, Vec<u8>) =
        sqlx::query_as("SELECT topic, msg_key, payload FROM agora_outbox").fetch_one(db.pool()).await.unwrap();
    assert_eq!((topic.as_str(), key.as_str()), ("test.items", "k"));
    let envelope = agora_events::Envelope::from_slice(&payload).unwrap();
    assert_eq!(envelope.id, id);
    assert_eq!(envelope.source, "agora/test");
    assert_eq!(envelope.event_type, "agora.test.item_added.v1");

    // An event too large for the bus is refused when it is written, not discovered by the relay.
    let mut tx = db.begin().await.unwrap();
    let huge = ItemEvent::Added(ItemAdded { key: "k".repeat(agora_bus::outbox::MAX_EVENT_BYTES), seq: 3 });
    let err = Outbox::new("test").emit(&mut tx, &huge).await.unwrap_err();
    assert!(matches!(err, agora_bus::EmitError::TooLarge { .. }), "{err}");
    tx.rollback().await.unwrap();

    // A rolled-back transaction leaves no event behind.
    let mut tx = db.begin().await.unwrap();
    Outbox::new("test").emit(&mut tx, &ItemEvent::Added(ItemAdded { key: "k".to_owned(), seq: 2 })).await.unwrap();
    tx.rollback().await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agora_outbox").fetch_one(db.pool()).await.unwrap();
    assert_eq!(count, 1);

    // The inbox's key makes a second record of the same event a unique violation.
    let insert = "INSERT INTO agora_inbox (consumer, event_id, processed_at) VALUES ('g', 'e', 0)";
    sqlx::query(insert).execute(db.pool()).await.unwrap();
    let err = sqlx::query(insert).execute(db.pool()).await.unwrap_err();
    assert!(agora_db::is_unique_violation(&err));
}

#[tokio::test]
async fn on_sqlite() {
    platform_tables_migrate_and_the_outbox_round_trips(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn on_postgres() {
    platform_tables_migrate_and_the_outbox_round_trips(Backends {
        storage: Storage::Postgres,
        transport: Transport::Embedded,
    })
    .await;
}

/// A task cancelled in the middle of a transaction (a client hanging up, a consumer stopped) must not leave
/// its connection holding the write lock for the next user of the pool.
async fn a_cancelled_transaction_releases_its_locks(backends: Backends) {
    if !backends.available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = backends.fresh_db(dir.path(), "cancel").await.unwrap();
    sqlx::query("CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)")
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO counters (name, value) VALUES ('c', 0)").execute(db.pool()).await.unwrap();
    let slow = match db.dialect() {
        agora_db::Dialect::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT count(*) FROM c"
        }
        agora_db::Dialect::Postgres => "SELECT pg_sleep(0.5)",
    };
    for _ in 0..5 {
        let held = db.clone();
        let task = tokio::spawn(async move {
            let mut tx = held.begin().await.unwrap();
            sqlx::query("UPDATE counters SET value = value + 100 WHERE name = 'c'").execute(&mut *tx).await.unwrap();
            // Cancelled while this slow statement runs.
            sqlx::query(slow).execute(&mut *tx).await.unwrap();
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        task.abort();
        let _ = task.await;

        let started = std::time::Instant::now();
        let mut tx = db.begin().await.unwrap();
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'c'").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        // The abandoned statement runs to its end (SQLite cannot interrupt it), then the lock must go; a
        // lock kept for good would fail the write after the 10 s busy timeout instead.
        assert!(started.elapsed() < std::time::Duration::from_secs(8), "waited for an abandoned transaction's lock");
    }
    let value: i64 = sqlx::query_scalar("SELECT value FROM counters").fetch_one(db.pool()).await.unwrap();
    assert_eq!(value, 5, "an abandoned transaction's write was kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_transaction_on_sqlite() {
    a_cancelled_transaction_releases_its_locks(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_transaction_on_postgres() {
    a_cancelled_transaction_releases_its_locks(Backends { storage: Storage::Postgres, transport: Transport::Embedded })
        .await;
}

/// The same when the task is cancelled while `BEGIN IMMEDIATE` waits for another process's write lock: the
/// transaction it opens afterwards must not stay open on a pooled connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_cancelled_while_beginning_does_not_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("begin.db").display());
    let db = agora_db::Db::connect(&url, &agora_db::PoolSettings::default()).await.unwrap();
    sqlx::query("CREATE TABLE t (n BIGINT NOT NULL)").execute(db.pool()).await.unwrap();

    // Another process holds the write lock.
    let other = agora_db::Db::connect(&url, &agora_db::PoolSettings::default()).await.unwrap();
    let mut lock = other.begin().await.unwrap();
    sqlx::query("INSERT INTO t (n) VALUES (1)").execute(&mut *lock).await.unwrap();

    let waiting = db.clone();
    let task = tokio::spawn(async move {
        let _tx = waiting.begin().await;
        std::future::pending::<()>().await;
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    task.abort();
    let _ = task.await;
    lock.rollback().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let started = std::time::Instant::now();
    for n in 0..5 {
        let mut tx = db.begin().await.unwrap();
        sqlx::query("INSERT INTO t (n) VALUES ($1)").bind(n).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "a cancelled BEGIN kept the write lock");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(other.pool()).await.unwrap();
    assert_eq!(count, 5);
}
