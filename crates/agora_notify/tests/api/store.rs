//! Delivery against the database itself, on SQLite and on PostgreSQL: the unique key makes one event notify a
//! user once whichever consumer group delivers it (each group has its own inbox, so only the key can), and
//! concurrent deliveries to one user take turns, so each published unread count is the count after it.

use std::sync::Arc;

use agora_bus::Outbox;
use agora_db::Db;
use agora_notify::domain::{Category, Draft};
use agora_notify::{Inbox, NotifySettings};
use agora_testkit::Backends;
use futures::future::join_all;
use uuid::Uuid;

async fn inbox(backends: Backends, dir: &tempfile::TempDir) -> Option<Inbox> {
    if !backends.available() {
        return None;
    }
    let db: Db = backends.fresh_db(dir.path(), "notify").await.unwrap();
    agora_bus::MIGRATIONS.apply(&db).await.unwrap();
    agora_notify::MIGRATIONS.apply(&db).await.unwrap();
    Some(Inbox::new(db, Outbox::new("notify"), NotifySettings::default()))
}

fn draft(user: Uuid, title: &str) -> Draft {
    Draft { user_id: user, category: Category::Orders, title: title.into(), body: "25.00 EUR".into(), link: None }
}

async fn deliver(inbox: &Inbox, event: Uuid, drafts: Vec<Draft>) -> usize {
    let mut tx = inbox.db.begin().await.unwrap();
    let stored = inbox.deliver(&mut tx, event, drafts).await.unwrap();
    tx.commit().await.unwrap();
    stored
}

/// The `unread` of every `notification_created` event written to the outbox.
async fn published_unread_counts(db: &Db) -> Vec<i64> {
    let payloads: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT payload FROM agora_outbox").fetch_all(db.pool()).await.unwrap();
    payloads
        .iter()
        .map(|(payload,)| {
            serde_json::from_slice::<serde_json::Value>(payload).unwrap()["data"]["unread"].as_i64().unwrap()
        })
        .collect()
}

async fn once_per_user_and_event(backends: Backends) {
    let dir = tempfile::tempdir().unwrap();
    let Some(inbox) = inbox(backends, &dir).await else { return };
    let (carol, dave, event) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    assert_eq!(
        deliver(&inbox, event, vec![draft(carol, "Payment received"), draft(dave, "New order to ship")]).await,
        2
    );
    // The same event again, as another group (or a replay) would deliver it.
    assert_eq!(
        deliver(&inbox, event, vec![draft(carol, "Payment received"), draft(dave, "New order to ship")]).await,
        0
    );
    assert_eq!((inbox.unread(carol).await.unwrap(), inbox.unread(dave).await.unwrap()), (1, 1));
    assert_eq!(published_unread_counts(&inbox.db).await, vec![1, 1], "one notification_created per notification");
}

#[tokio::test]
async fn one_event_notifies_a_user_once_whichever_group_delivers_it() {
    once_per_user_and_event(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn one_event_notifies_a_user_once_whichever_group_delivers_it_on_postgres() {
    once_per_user_and_event(Backends::POSTGRES).await;
}

#[tokio::test]
async fn concurrent_deliveries_to_one_user_publish_every_unread_count_once_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let Some(inbox) = inbox(Backends::POSTGRES, &dir).await else { return };
    let inbox = Arc::new(inbox);
    let carol = Uuid::now_v7();
    join_all((0..12).map(|n| {
        let inbox = inbox.clone();
        async move {
            tokio::spawn(
                async move { deliver(&inbox, Uuid::now_v7(), vec![draft(carol, &format!("Order {n}"))]).await },
            )
            .await
            .unwrap()
        }
    }))
    .await;
    let mut counts = published_unread_counts(&inbox.db).await;
    counts.sort_unstable();
    assert_eq!(counts, (1..=12).collect::<Vec<i64>>(), "each delivery saw the ones before it, and only those");
}
