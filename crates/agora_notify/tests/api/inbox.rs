//! The caller's inbox over REST: pages newest first, unread filter and count, marking one or all read (pushed
//! to the caller's open pages), muted categories, and nothing of another user's.

use agora_testkit::api::Session;
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Notify, Order, back_in_stock, titles};
use crate::socket::Socket;

/// Feeds `count` back-in-stock alerts for `who` ("Tea 1" first) and waits for them.
async fn alerts(notify: &Notify, who: &Session, count: usize) -> Vec<serde_json::Value> {
    let events: Vec<_> = (1..=count).map(|n| back_in_stock(who, &format!("Tea {n}"), 1)).collect();
    notify.feed(&events).await;
    notify.wait_for(who, count).await
}

#[tokio::test]
async fn marking_one_or_all_read_updates_the_unread_count_and_pushes_it() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let items = alerts(&notify, &carol, 3).await;
    let (mut page, unread) = Socket::open(&notify, &carol).await;
    assert_eq!(unread, 3);

    let first = items[2]["id"].as_str().unwrap();
    let read = notify.mark_read(&carol, first).await;
    assert_eq!((read.ok(200)["id"].as_str(), read.body["read"].as_bool()), (Some(first), Some(true)));
    assert_eq!(page.next().await, json!({ "type": "unread", "unread": 2 }));
    assert_eq!(notify.unread(&carol).await, 2);

    // Again: the same answer, nothing changes.
    assert_eq!(notify.mark_read(&carol, first).await.ok(200)["read"], true);
    assert_eq!(notify.unread(&carol).await, 2);
    let unread_only = notify.page(&carol, "?unread=true").await;
    assert_eq!(
        titles(unread_only["items"].as_array().unwrap()),
        vec!["Tea 3 is back in stock", "Tea 2 is back in stock"]
    );
    assert_eq!(unread_only["unread"], 2);

    let all = notify.notify(Method::POST, "/notifications/read-all", &carol).send().await;
    assert_eq!(all.ok(200), &json!({ "unread": 0 }));
    assert_eq!(page.next().await, json!({ "type": "unread", "unread": 0 }), "the idempotent mark pushed nothing");
    assert!(notify.page(&carol, "?unread=true").await["items"].as_array().unwrap().is_empty());
    assert!(notify.inbox(&carol).await.iter().all(|n| n["read"] == true));
    page.close().await;
}

#[tokio::test]
async fn another_users_notification_is_not_found() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let dave = notify.app.buyer("dave@example.com").await;
    let items = alerts(&notify, &carol, 1).await;
    let carols = items[0]["id"].as_str().unwrap();

    notify.mark_read(&dave, carols).await.problem(404, "notification_not_found");
    notify.mark_read(&carol, &Uuid::now_v7().to_string()).await.problem(404, "notification_not_found");
    notify.notify(Method::POST, "/notifications/read-all", &dave).send().await.ok(200);
    assert!(notify.inbox(&dave).await.is_empty());
    assert_eq!(notify.unread(&carol).await, 1, "Dave's marks are his own");
    assert_eq!(notify.inbox(&carol).await[0]["read"], false);
}

#[tokio::test]
async fn the_inbox_pages_newest_first_to_the_oldest() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    alerts(&notify, &carol, 5).await;

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = notify.page(&carol, &query).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        assert_eq!(page["unread"], 5);
        seen.extend(titles(items).into_iter().map(str::to_owned));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=5).rev().map(|n| format!("Tea {n} is back in stock")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn bad_queries_unknown_categories_and_anonymous_callers_are_refused() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let bad = notify.notify(Method::GET, "/notifications?limit=0&unread=maybe", &carol).send().await;
    bad.problem(422, "invalid_input");
    assert_eq!(bad.fields(), vec!["limit", "unread"]);
    notify.notify(Method::GET, "/notifications?cursor=nonsense", &carol).send().await.problem(422, "bad_cursor");

    let unknown = notify.mute(&carol, &["orders", "marketing"]).await;
    unknown.problem(422, "invalid_input");
    assert_eq!(unknown.fields(), vec!["muted"]);
    let prefs = notify.notify(Method::GET, "/preferences", &carol).send().await;
    assert!(prefs.ok(200)["categories"].as_array().unwrap().iter().all(|c| c["muted"] == false), "nothing changed");

    for (method, path) in [
        (Method::GET, "/api/notify/notifications"),
        (Method::GET, "/api/notify/unread"),
        (Method::POST, "/api/notify/notifications/read-all"),
        (Method::GET, "/api/notify/preferences"),
    ] {
        notify.app.request(method, path).send().await.problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn a_muted_category_makes_no_notification_until_unmuted() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let alice = notify.app.buyer("alice@example.com").await;
    let prefs = notify.mute(&carol, &["orders", "wishlist", "orders"]).await;
    let categories = prefs.ok(200)["categories"].as_array().unwrap().clone();
    let names: Vec<&str> = categories.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["orders", "messages", "account", "products", "wishlist"]);
    let muted: Vec<&str> =
        categories.iter().filter(|c| c["muted"] == true).map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(muted, vec!["orders", "wishlist"]);
    assert!(categories.iter().all(|c| !c["label"].as_str().unwrap().is_empty()));
    let shown = notify.notify(Method::GET, "/preferences", &carol).send().await;
    assert_eq!(shown.ok(200)["categories"], json!(categories));

    // One event for both: Alice hears of it, Carol (who muted orders) does not.
    let order = Order::between(&carol, &alice);
    notify.feed(&[order.paid()]).await;
    notify.wait_for(&alice, 1).await;
    assert!(notify.inbox(&carol).await.is_empty());
    assert_eq!(notify.unread(&carol).await, 0);

    notify.mute(&carol, &["wishlist"]).await.ok(200);
    notify.feed(&[order.shipped()]).await;
    let items = notify.wait_for(&carol, 1).await;
    assert_eq!(titles(&items), vec!["Your order has shipped"], "the muted payment stays untold");
}
