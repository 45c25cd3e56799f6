//! The app under test (identity and notify, with a bootstrap admin and a feeder publishing the other
//! services' events), shortcuts for a user's inbox, and the events tests feed.

use std::sync::Arc;

use agora_core::{Currency, Money, Timestamp};
use agora_events::chat::{ChatEvent, MessagePosted};
use agora_events::order::{OrderEvent, OrderShipped, OrderStatusChanged};
use agora_events::wishlist::{BackInStockAlert, PriceDropAlert, WishlistAlert};
use agora_events::{Envelope, TopicEvents};
use agora_testkit::api::{Reply, Request, Session, with_admin};
pub use agora_testkit::eventually;
use agora_testkit::feeder::Feeder;
use agora_testkit::{Backends, TestApp, TestAppBuilder};
use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

/// The topics of the services notify listens to, which the feeder stands in for (identity runs for real).
const FED: &[&str] = &["order.orders", "chat.messages", "catalog.products", "wishlist.alerts"];

/// The running app and the feeder of other services' events.
pub struct Notify {
    pub app: TestApp,
    pub feeder: Feeder,
}

/// A builder of the app with identity and notify on `backends`, to add settings to; the feeder comes with
/// [`Notify::start_with`].
pub fn builder(backends: Backends) -> TestAppBuilder {
    with_admin(TestApp::builder())
        .backends(backends)
        .services("identity,notify")
        // Durability across power cuts is not under test; fsync on every commit would only slow the suite.
        .set("database.sqlite_sync_every_commit", "false")
        // Tests register many users from one address.
        .set("settings.identity.registrations_per_address", "100000")
        .set("settings.identity.sign_in_failures_per_address", "100000")
}

impl Notify {
    /// The app on the embedded backends.
    pub async fn start() -> Notify {
        Notify::start_with(builder(Backends::EMBEDDED)).await.expect("SQLite and the embedded log are always available")
    }

    /// The app from `builder` with a feeder, once ready (so live pushes reach sockets opened from now on);
    /// `None` when its backends are not available.
    pub async fn start_with(builder: TestAppBuilder) -> Option<Notify> {
        let feeder = Feeder::new(FED);
        let app = builder.service(Arc::new(feeder.clone())).start().await?;
        eventually("the app to be ready", || async { app.request(Method::GET, "/readyz").send().await.status == 200 })
            .await;
        Some(Notify { app, feeder })
    }

    /// A request to notify (`/notifications`, `/unread`…) as `who`.
    pub fn notify(&self, method: Method, path: &str, who: &Session) -> Request {
        self.app.request(method, &format!("/api/notify{path}")).bearer(&who.access)
    }

    /// `who`'s inbox page at `query` (such as `?limit=2`).
    pub async fn page(&self, who: &Session, query: &str) -> Value {
        self.notify(Method::GET, &format!("/notifications{query}"), who).send().await.ok(200).clone()
    }

    /// The first page of `who`'s inbox (up to 100, newest first).
    pub async fn inbox(&self, who: &Session) -> Vec<Value> {
        self.page(who, "?limit=100").await["items"].as_array().unwrap().clone()
    }

    /// Waits until `who` has `count` notifications, and returns them newest first.
    pub async fn wait_for(&self, who: &Session, count: usize) -> Vec<Value> {
        eventually(&format!("{count} notifications"), || async { self.inbox(who).await.len() >= count }).await;
        self.inbox(who).await
    }

    pub async fn unread(&self, who: &Session) -> i64 {
        self.notify(Method::GET, "/unread", who).send().await.ok(200)["unread"].as_i64().unwrap()
    }

    pub async fn mark_read(&self, who: &Session, id: &str) -> Reply {
        self.notify(Method::POST, &format!("/notifications/{id}/read"), who).send().await
    }

    pub async fn mute(&self, who: &Session, categories: &[&str]) -> Reply {
        let body = serde_json::json!({ "muted": categories });
        self.notify(Method::PUT, "/preferences", who).json(&body).send().await
    }

    /// Publishes `events` as their service would.
    pub async fn feed<E: TopicEvents>(&self, events: &[E]) -> Vec<Envelope> {
        self.feeder.emit("agora/test", events).await
    }
}

/// The titles of notifications, in order.
pub fn titles(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["title"].as_str().unwrap()).collect()
}

/// The user id of a session.
pub fn id(who: &Session) -> Uuid {
    who.user_id.parse().unwrap()
}

pub fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
}

/// One order between a buyer and a seller, to make its events.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    pub id: Uuid,
    pub buyer: Uuid,
    pub seller: Uuid,
}

impl Order {
    pub fn between(buyer: &Session, seller: &Session) -> Order {
        Order { id: Uuid::now_v7(), buyer: id(buyer), seller: id(seller) }
    }

    /// A status change of this order (total 25.00 EUR) by `by`, with `reason` and `refund`.
    pub fn status(&self, by: Option<&str>, reason: Option<&str>, refund: Option<i64>) -> OrderStatusChanged {
        OrderStatusChanged {
            order_id: self.id,
            checkout_id: Uuid::now_v7(),
            buyer_id: self.buyer,
            seller_id: self.seller,
            total: eur(2500),
            reason: reason.map(str::to_owned),
            at: Timestamp::now(),
            lines: Vec::new(),
            by: by.map(str::to_owned),
            refund: refund.map(eur),
        }
    }

    pub fn paid(&self) -> OrderEvent {
        OrderEvent::Paid(self.status(None, None, None))
    }

    pub fn shipped(&self) -> OrderEvent {
        OrderEvent::Shipped(OrderShipped {
            order_id: self.id,
            checkout_id: Uuid::now_v7(),
            buyer_id: self.buyer,
            seller_id: self.seller,
            carrier: "DHL".into(),
            tracking_number: "JJD000390007".into(),
            at: Timestamp::now(),
        })
    }
}

/// A price drop of `title` for `buyer`.
pub fn price_drop(buyer: &Session, title: &str, old: i64, new: i64) -> WishlistAlert {
    WishlistAlert::PriceDropped(PriceDropAlert {
        user_id: id(buyer),
        product_id: Uuid::now_v7(),
        title: title.to_owned(),
        old_price: eur(old),
        new_price: eur(new),
        at: Timestamp::now(),
    })
}

/// `title` is back in stock for `buyer`.
pub fn back_in_stock(buyer: &Session, title: &str, available: i64) -> WishlistAlert {
    WishlistAlert::BackInStock(BackInStockAlert {
        user_id: id(buyer),
        product_id: Uuid::now_v7(),
        title: title.to_owned(),
        available,
        at: Timestamp::now(),
    })
}

/// A chat message from `sender` to `recipient` in `conversation`.
pub fn message(conversation: Uuid, sender: &Session, recipient: &Session, body: &str, online: bool) -> ChatEvent {
    ChatEvent::MessagePosted(MessagePosted {
        conversation_id: conversation,
        message_id: Uuid::now_v7(),
        seq: 1,
        sender_id: id(sender),
        recipient_id: id(recipient),
        buyer_id: id(sender),
        seller_id: id(recipient),
        product_id: Uuid::now_v7(),
        product_title: "Sencha".into(),
        sender_name: "Carol".into(),
        body: body.to_owned(),
        sent_at: Timestamp::now(),
        recipient_online: online,
        recipient_unread: 1,
    })
}
