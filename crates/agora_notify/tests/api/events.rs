//! Each source's events make the right notifications for the right users — and none for what nobody needs
//! to hear (a message read on an open page, a seller hiding their own product) — once, however often the
//! event arrives.

use agora_core::Timestamp;
use agora_events::catalog::{ProductEvent, ProductHidden};
use agora_events::chat::{ChatEvent, MessagesRead};
use agora_events::order::{OrderEvent, OrderPlaced};
use agora_testkit::Backends;
use agora_testkit::api::Session;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Notify, Order, back_in_stock, builder, eur, id, message, price_drop, titles};

/// `who`'s notifications whose link is `link`, oldest first.
async fn linked(notify: &Notify, who: &Session, link: &str) -> Vec<Value> {
    let mut items: Vec<Value> = notify.inbox(who).await.into_iter().filter(|n| n["link"] == link).collect();
    items.reverse();
    items
}

#[tokio::test]
async fn an_orders_steps_notify_its_buyer_and_its_seller() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let alice = notify.app.buyer("alice@example.com").await;
    let order = Order::between(&carol, &alice);
    let placed = OrderEvent::Placed(OrderPlaced {
        order_id: order.id,
        checkout_id: Uuid::now_v7(),
        buyer_id: order.buyer,
        seller_id: order.seller,
        lines: Vec::new(),
        total: eur(2500),
    });
    let delivered = OrderEvent::Delivered(order.status(Some("seller"), None, None));
    notify.feed(&[placed, order.paid(), order.shipped(), delivered]).await;

    let buyer = notify.wait_for(&carol, 4).await;
    assert_eq!(
        titles(&buyer),
        vec!["Your order was delivered", "Your order has shipped", "Payment received", "Order placed"],
        "newest first"
    );
    let link = format!("/orders/{}", order.id);
    assert!(buyer.iter().all(|n| n["link"] == link.as_str() && n["category"] == "orders" && n["read"] == false));
    assert_eq!(buyer[1]["body"], "It is on its way with DHL, tracking number JJD000390007.");
    assert_eq!(buyer[2]["body"], "We received 25.00 EUR for your order.");

    let seller = notify.wait_for(&alice, 2).await;
    assert_eq!(titles(&seller), vec!["Order delivered", "New order to ship"]);
    let link = format!("/sell/orders/{}", order.id);
    assert!(seller.iter().all(|n| n["link"] == link.as_str()));
    assert_eq!(seller[1]["body"], "An order of 25.00 EUR is paid and ready to ship.");
    assert_eq!((notify.unread(&carol).await, notify.unread(&alice).await), (4, 2));
}

#[tokio::test]
async fn a_cancellation_tells_the_other_side_and_a_refund_tells_the_buyer() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let alice = notify.app.buyer("alice@example.com").await;
    let (by_buyer, by_seller, by_admin, timed_out) = (
        Order::between(&carol, &alice),
        Order::between(&carol, &alice),
        Order::between(&carol, &alice),
        Order::between(&carol, &alice),
    );
    notify
        .feed(&[
            OrderEvent::Cancelled(by_buyer.status(Some("buyer"), Some("changed my mind"), Some(2500))),
            OrderEvent::Refunded(by_buyer.status(Some("buyer"), None, Some(2500))),
            OrderEvent::Cancelled(by_seller.status(Some("seller"), Some("out of tea"), None)),
            OrderEvent::Cancelled(by_admin.status(Some("admin"), Some("fraud check"), None)),
            OrderEvent::Cancelled(timed_out.status(None, Some("payment_timeout"), None)),
        ])
        .await;
    // Carol: the refund, the seller's, the admin's and the time-out's cancellations; Alice: the buyer's and the admin's.
    notify.wait_for(&carol, 4).await;
    notify.wait_for(&alice, 2).await;

    let seller_side = linked(&notify, &alice, &format!("/sell/orders/{}", by_buyer.id)).await;
    assert_eq!(titles(&seller_side), vec!["An order was cancelled"]);
    assert_eq!(
        seller_side[0]["body"],
        "The buyer cancelled it: \"changed my mind\". A refund of 25.00 EUR is on its way."
    );
    let buyer_side = linked(&notify, &carol, &format!("/orders/{}", by_buyer.id)).await;
    assert_eq!(titles(&buyer_side), vec!["Refund issued"], "the buyer knows they cancelled");
    assert_eq!(buyer_side[0]["body"], "25.00 EUR is on its way back to you.");

    let told = linked(&notify, &carol, &format!("/orders/{}", by_seller.id)).await;
    assert_eq!(told[0]["body"], "The seller cancelled it: \"out of tea\".");
    assert!(linked(&notify, &alice, &format!("/sell/orders/{}", by_seller.id)).await.is_empty());

    assert_eq!(
        titles(&linked(&notify, &carol, &format!("/orders/{}", by_admin.id)).await),
        vec!["Your order was cancelled"]
    );
    assert_eq!(
        titles(&linked(&notify, &alice, &format!("/sell/orders/{}", by_admin.id)).await),
        vec!["An order was cancelled"]
    );

    let told = linked(&notify, &carol, &format!("/orders/{}", timed_out.id)).await;
    assert_eq!(told[0]["body"], "The payment did not arrive in time.");
    assert!(linked(&notify, &alice, &format!("/sell/orders/{}", timed_out.id)).await.is_empty());
    assert_eq!((notify.inbox(&carol).await.len(), notify.inbox(&alice).await.len()), (4, 2));
}

#[tokio::test]
async fn a_chat_message_notifies_its_recipient_only_while_they_are_offline() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let alice = notify.app.buyer("alice@example.com").await;
    let conversation = Uuid::now_v7();
    let long = "Is the first flush still available? ".repeat(6);
    let read = ChatEvent::MessagesRead(MessagesRead {
        conversation_id: conversation,
        reader_id: id(&alice),
        up_to_seq: 1,
        reader_unread: 0,
        at: Timestamp::now(),
    });
    // One conversation (one key, so in this order): seen live, read, then sent while Alice is away.
    notify
        .feed(&[
            message(conversation, &carol, &alice, "Hello!", true),
            read,
            message(conversation, &carol, &alice, &long, false),
        ])
        .await;

    let items = notify.wait_for(&alice, 1).await;
    assert_eq!(items.len(), 1, "only the message sent while Alice was offline: {items:?}");
    assert_eq!(items[0]["title"], "New message from Carol");
    assert_eq!(items[0]["category"], "messages");
    assert_eq!(items[0]["link"], format!("/messages/{conversation}"));
    let body = items[0]["body"].as_str().unwrap();
    let preview = body.strip_prefix("About Sencha: ").unwrap();
    assert_eq!(preview.chars().count(), 141, "140 characters and an ellipsis: {preview}");
    assert!(long.trim().starts_with(preview.trim_end_matches('…').trim_end()));
    assert!(notify.inbox(&carol).await.is_empty(), "the sender is told nothing");
}

#[tokio::test]
async fn seller_decisions_notify_the_applicant() {
    let notify = Notify::start().await;
    let admin = notify.app.admin().await;
    let alice = notify.app.seller("alice@example.com", "Alice's Teas", &admin).await;
    let items = notify.wait_for(&alice, 1).await;
    assert_eq!(items[0]["title"], "Your shop Alice's Teas is approved");
    assert_eq!((items[0]["category"].as_str(), items[0]["link"].as_str()), (Some("account"), Some("/sell")));

    let revoke = format!("/api/identity/admin/users/{}/revoke-seller", alice.user_id);
    let body = json!({ "reason": "Counterfeit goods reported" });
    let revoked = notify.app.request(Method::POST, &revoke).bearer(&admin.access).json(&body).send().await;
    assert!(revoked.status < 300, "{}", revoked.body);
    let items = notify.wait_for(&alice, 2).await;
    assert_eq!(items[0]["title"], "Your shop was closed by the marketplace");
    assert_eq!(items[0]["body"], "Reason: Counterfeit goods reported");

    let bob = notify.app.buyer("bob@example.com").await;
    let application = notify.app.apply(&bob, "Bob's Pots").await.ok(201)["id"].as_str().unwrap().to_owned();
    let reject = format!("/api/identity/admin/seller-applications/{application}/reject");
    let body = json!({ "reason": "Please describe what you sell" });
    notify.app.request(Method::POST, &reject).bearer(&admin.access).json(&body).send().await.ok(200);
    let items = notify.wait_for(&bob, 1).await;
    assert_eq!(items[0]["title"], "Your seller application was not approved");
    assert_eq!(items[0]["body"], "Reason: Please describe what you sell");
    assert_eq!(notify.inbox(&alice).await.len(), 2, "Bob's rejection is his own");
}

#[tokio::test]
async fn only_an_admin_hiding_a_product_notifies_its_seller() {
    let notify = Notify::start().await;
    let alice = notify.app.buyer("alice@example.com").await;
    let product = Uuid::now_v7();
    let hidden = |by_admin: bool, version: i64| {
        ProductEvent::Hidden(ProductHidden {
            product_id: product,
            seller_id: id(&alice),
            title: "Sencha".into(),
            by_admin,
            reason: by_admin.then(|| "Misleading photos".to_owned()),
            version,
        })
    };
    notify.feed(&[hidden(false, 2), hidden(true, 3)]).await;
    let items = notify.wait_for(&alice, 1).await;
    assert_eq!(titles(&items), vec!["An admin hid Sencha"], "her own hiding told her nothing");
    assert_eq!(items[0]["body"], "Reason: Misleading photos. It is not for sale until it is shown again.");
    assert_eq!(items[0]["link"], format!("/sell/products/{product}/edit"));
    assert_eq!(items[0]["category"], "products");
}

#[tokio::test]
async fn wishlist_alerts_notify_the_buyer_they_are_for() {
    let notify = Notify::start().await;
    let carol = notify.app.buyer("carol@example.com").await;
    let dave = notify.app.buyer("dave@example.com").await;
    let drop = price_drop(&carol, "Sencha", 1250, 900);
    let product = match &drop {
        agora_events::wishlist::WishlistAlert::PriceDropped(a) => a.product_id,
        _ => unreachable!(),
    };
    notify.feed(&[drop, back_in_stock(&carol, "Teapot", 4)]).await;
    let items = notify.wait_for(&carol, 2).await;
    assert_eq!(titles(&items), vec!["Teapot is back in stock", "Sencha is now 9.00 EUR"]);
    assert_eq!(items[1]["body"], "It was 12.50 EUR.");
    assert_eq!(items[1]["link"], format!("/p/{product}"));
    assert_eq!(items[0]["body"], "4 available now.");
    assert!(items.iter().all(|n| n["category"] == "wishlist"));
    assert!(notify.inbox(&dave).await.is_empty());
}

/// An order event arrives again (as after a crash): nobody is told twice.
async fn redelivery(notify: Notify) {
    let carol = notify.app.buyer("carol@example.com").await;
    let alice = notify.app.buyer("alice@example.com").await;
    let order = Order::between(&carol, &alice);
    let paid = notify.feed(&[order.paid()]).await;
    notify.wait_for(&carol, 1).await;
    notify.wait_for(&alice, 1).await;

    notify.feeder.redeliver("order.orders", &paid[0]).await;
    // A later event of the same order (same key, so after the redelivery): once it is in, so is the redelivery.
    notify.feed(&[order.shipped()]).await;
    let buyer = notify.wait_for(&carol, 2).await;
    assert_eq!(titles(&buyer), vec!["Your order has shipped", "Payment received"]);
    assert_eq!(titles(&notify.inbox(&alice).await), vec!["New order to ship"]);
    assert_eq!(notify.unread(&carol).await, 2);
}

#[tokio::test]
async fn a_redelivered_event_notifies_nobody_twice() {
    redelivery(Notify::start().await).await;
}

#[tokio::test]
async fn a_redelivered_event_notifies_nobody_twice_on_postgres_and_kafka() {
    let Some(notify) = Notify::start_with(builder(Backends::PRODUCTION)).await else { return };
    redelivery(notify).await;
}
