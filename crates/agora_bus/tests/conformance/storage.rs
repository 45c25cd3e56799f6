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
