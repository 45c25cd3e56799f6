//! The app under test (identity, catalog and chat, with a bootstrap admin, and a probe reading
//! `chat.messages`), and shortcuts for sellers' products, conversations and messages.

use agora_testkit::api::{Reply, Request, Session, with_admin};
pub use agora_testkit::eventually;
use agora_testkit::probe::{EventProbe, Events};
use agora_testkit::{Backends, TestApp, TestAppBuilder};
use reqwest::Method;
use serde_json::{Value, json};

use crate::socket::Socket;

pub const MESSAGE_POSTED: &str = "agora.chat.message_posted.v1";

/// The running app, its signed-in admin and the chat events it published.
pub struct Shop {
    pub app: TestApp,
    pub admin: Session,
    pub events: Events,
}

/// A builder of the app with identity, catalog and chat on `backends`, to add settings to.
pub fn builder(backends: Backends) -> TestAppBuilder {
    without_services(backends).services("identity,catalog,chat")
}

/// A builder of the app on `backends` running no services yet.
pub fn without_services(backends: Backends) -> TestAppBuilder {
    with_admin(TestApp::builder())
        .backends(backends)
        // Durability across power cuts is not under test; fsync on every commit would only slow the suite.
        .set("database.sqlite_sync_every_commit", "false")
        // Tests register many users from one address.
        .set("settings.identity.registrations_per_address", "100000")
        .set("settings.identity.sign_in_failures_per_address", "100000")
}

impl Shop {
    /// The app on the embedded backends.
    pub async fn start() -> Shop {
        Shop::start_with(builder(Backends::EMBEDDED)).await.expect("SQLite and the embedded log are always available")
    }

    /// The app from `builder`, with a probe of `chat.messages`; `None` when its backends are not available.
    pub async fn start_with(builder: TestAppBuilder) -> Option<Shop> {
        let (probe, events) = EventProbe::watching(&["chat.messages"]);
        let app = builder.service(probe).start().await?;
        let admin = app.admin().await;
        Some(Shop { app, admin, events })
    }

    pub fn call(&self, method: Method, path: &str, who: &Session) -> Request {
        self.app.request(method, path).bearer(&who.access)
    }

    /// A request to chat (`/conversations…`, `/unread`) as `who`.
    pub fn chat(&self, method: Method, path: &str, who: &Session) -> Request {
        self.call(method, &format!("/api/chat{path}"), who)
    }

    /// An approved seller.
    pub async fn seller(&self, email: &str, shop_name: &str) -> Session {
        self.app.seller(email, shop_name, &self.admin).await
    }

    /// A buyer registered with `display_name`.
    pub async fn named_buyer(&self, email: &str, display_name: &str) -> Session {
        let body = json!({ "email": email, "password": agora_testkit::api::PASSWORD, "display_name": display_name });
        self.app.request(Method::POST, "/api/identity/users").json(&body).send().await.ok(201);
        self.app.sign_in(email, agora_testkit::api::PASSWORD).await
    }

    /// Lists a product as `seller` in a category of its own; its id.
    pub async fn product(&self, seller: &Session, title: &str) -> String {
        let body = json!({ "name": format!("{title} things"), "parent_id": null });
        let category = self.call(Method::POST, "/api/catalog/categories", &self.admin).json(&body).send().await;
        let category = category.ok(201)["id"].as_str().unwrap().to_owned();
        let body = json!({
            "title": title,
            "description": "A fine thing, made with care.",
            "price": { "amount_minor": 1250, "currency": "EUR" },
            "category_id": category,
            "stock": 5,
        });
        let reply = self.call(Method::POST, "/api/catalog/products", seller).json(&body).send().await;
        reply.ok(201)["id"].as_str().unwrap().to_owned()
    }

    /// `who` opens (or finds) their conversation about `product`.
    pub async fn open(&self, who: &Session, product: &str) -> Reply {
        self.chat(Method::POST, "/conversations", who).json(&json!({ "product_id": product })).send().await
    }

    /// A conversation between `buyer` and the seller of `product`; its id.
    pub async fn conversation(&self, buyer: &Session, product: &str) -> String {
        let reply = self.open(buyer, product).await;
        assert!(reply.status == 201 || reply.status == 200, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn post(&self, who: &Session, conversation: &str, body: &str) -> Reply {
        let path = format!("/conversations/{conversation}/messages");
        self.chat(Method::POST, &path, who).json(&json!({ "body": body })).send().await
    }

    /// Posts and returns the message's seq.
    pub async fn say(&self, who: &Session, conversation: &str, body: &str) -> i64 {
        self.post(who, conversation, body).await.ok(201)["seq"].as_i64().unwrap()
    }

    /// `GET …/messages?{query}` as `who`.
    pub async fn history(&self, who: &Session, conversation: &str, query: &str) -> Reply {
        self.chat(Method::GET, &format!("/conversations/{conversation}/messages?{query}"), who).send().await
    }

    pub async fn read(&self, who: &Session, conversation: &str, up_to_seq: i64) -> Reply {
        let path = format!("/conversations/{conversation}/read");
        self.chat(Method::POST, &path, who).json(&json!({ "up_to_seq": up_to_seq })).send().await
    }

    pub async fn show(&self, who: &Session, conversation: &str) -> Reply {
        self.chat(Method::GET, &format!("/conversations/{conversation}"), who).send().await
    }

    /// `who`'s unread totals.
    pub async fn unread(&self, who: &Session) -> (i64, i64) {
        let reply = self.chat(Method::GET, "/unread", who).send().await;
        let body = reply.ok(200);
        (body["unread"].as_i64().unwrap(), body["conversations"].as_i64().unwrap())
    }

    /// A socket of `who`, authenticated by header, past its `ready` frame.
    pub async fn socket(&self, who: &Session) -> Socket {
        Socket::open(&self.app, who).await
    }

    /// The `message_posted` events about `conversation`, as published.
    pub fn posted(&self, conversation: &str) -> Vec<Value> {
        let all = self.events.all().into_iter();
        all.filter(|e| e.event_type == MESSAGE_POSTED && e.subject == conversation).map(|e| e.data).collect()
    }
}

/// The seqs of a history page's items, in order.
pub fn seqs(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect()
}
