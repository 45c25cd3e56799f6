//! Live push: a notification reaches every socket of its recipient and no one else's; a socket opens with
//! the unread count and, after reconnecting, catches up on what it missed — never on another user's.

use std::time::Duration;

use agora_testkit::Backends;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Notify, Order, back_in_stock, builder, price_drop};
use crate::socket::Socket;

/// How long a socket that should get nothing is watched.
const QUIET: Duration = Duration::from_millis(1500);

#[tokio::test]
async fn a_notification_reaches_only_its_recipients_sockets() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let dave = notify.app.buyer("dave@example.com").await;
    let (mut tab, _) = Socket::open(&notify, &carol).await;
    let (mut phone, _) = Socket::open_with_auth_frame(&notify, &carol).await;
    let (mut daves, unread) = Socket::open(&notify, &dave).await;
    assert_eq!(unread, 0);

    notify.feed(&[price_drop(&carol, "Sencha", 1250, 900)]).await;
    let (pushed, unread) = tab.notification().await;
    assert_eq!((pushed["title"].as_str(), unread), (Some("Sencha is now 9.00 EUR"), 1));
    assert_eq!(pushed["read"], false);
    let (on_phone, _) = phone.notification().await;
    assert_eq!(on_phone, pushed, "every socket of Carol's gets it");
    assert_eq!(notify.inbox(&carol).await[0]["id"], pushed["id"]);
    assert_eq!(daves.within(QUIET).await, None, "Dave's socket gets nothing of Carol's");

    // And the other way round: Dave's socket works, and Carol's sockets get nothing of his.
    notify.feed(&[back_in_stock(&dave, "Teapot", 2)]).await;
    let (his, unread) = daves.notification().await;
    assert_eq!((his["title"].as_str(), unread), (Some("Teapot is back in stock"), 1));
    assert_eq!(tab.within(QUIET).await, None);
    assert_eq!(phone.within(Duration::ZERO).await, None);
}

#[tokio::test]
async fn a_reconnecting_socket_catches_up_after_the_last_notification_it_saw() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let dave = notify.app.buyer("dave@example.com").await;
    let (mut page, _) = Socket::open(&notify, &carol).await;
    notify.feed(&[back_in_stock(&carol, "Tea 1", 1)]).await;
    let (seen, _) = page.notification().await;
    page.close().await;

    // While the page is away.
    notify.feed(&[back_in_stock(&carol, "Tea 2", 1), back_in_stock(&carol, "Tea 3", 1)]).await;
    notify.feed(&[back_in_stock(&dave, "Dave's tea", 1)]).await;
    notify.wait_for(&carol, 3).await;
    let daves = notify.wait_for(&dave, 1).await;

    let (mut page, unread) = Socket::open(&notify, &carol).await;
    assert_eq!(unread, 3);
    page.send(json!({ "type": "resume", "after": seen["id"] })).await;
    let (second, unread) = page.notification().await;
    let (third, _) = page.notification().await;
    assert_eq!(
        (second["title"].as_str(), third["title"].as_str()),
        (Some("Tea 2 is back in stock"), Some("Tea 3 is back in stock"))
    );
    assert_eq!(unread, 3);

    // Nothing after the newest; another user's notification is not found; a bad frame is said to be.
    page.send(json!({ "type": "resume", "after": third["id"] })).await;
    page.send(json!({ "type": "resume", "after": daves[0]["id"] })).await;
    let refused = page.next().await;
    assert_eq!((refused["type"].as_str(), refused["code"].as_str()), (Some("error"), Some("not_found")), "{refused}");
    page.send(json!({ "type": "resume", "after": Uuid::now_v7() })).await;
    assert_eq!(page.next().await["code"], "not_found");
    page.send(json!({ "type": "resume" })).await;
    assert_eq!(page.next().await["code"], "invalid_frame");
    page.send(json!({ "type": "subscribe" })).await;
    assert_eq!(page.next().await["code"], "unknown_type");
}

/// Consume → inbox → socket on the production backends.
async fn end_to_end(notify: Notify) {
    let carol = notify.app.buyer("carol@example.com").await;
    let alice = notify.app.buyer("alice@example.com").await;
    let dave = notify.app.buyer("dave@example.com").await;
    let (mut carols, _) = Socket::open(&notify, &carol).await;
    let (mut alices, _) = Socket::open(&notify, &alice).await;
    let (mut daves, _) = Socket::open(&notify, &dave).await;

    let order = Order::between(&carol, &alice);
    notify.feed(&[order.paid()]).await;
    let (to_buyer, unread) = carols.notification().await;
    assert_eq!((to_buyer["title"].as_str(), unread), (Some("Payment received"), 1));
    assert_eq!(to_buyer["link"], format!("/orders/{}", order.id));
    let (to_seller, _) = alices.notification().await;
    assert_eq!(to_seller["title"], "New order to ship");
    assert_eq!(notify.inbox(&carol).await[0]["id"], to_buyer["id"]);

    notify.mark_read(&carol, to_buyer["id"].as_str().unwrap()).await.ok(200);
    assert_eq!(carols.next().await, json!({ "type": "unread", "unread": 0 }));
    assert_eq!(daves.within(QUIET).await, None, "Dave's socket gets nothing of theirs");
    assert_eq!(alices.within(Duration::ZERO).await, None, "Carol's read mark is hers");
}

#[tokio::test]
async fn events_reach_the_inbox_and_the_recipients_socket() {
    end_to_end(Notify::start().await).await;
}

#[tokio::test]
async fn events_reach_the_inbox_and_the_recipients_socket_on_postgres_and_kafka() {
    let Some(notify) = Notify::start_with(builder(Backends::PRODUCTION)).await else { return };
    end_to_end(notify).await;
}
