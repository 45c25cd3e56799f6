//! The app under test (identity, the probe service and a bootstrap admin) and a small client of identity's
//! API: requests, their replies, and the sessions sign-in hands out.

use std::sync::Arc;

use agora_db::{DatabaseLocation, Db, PoolSettings};
use agora_identity::IdentityService;
use agora_testkit::{Backends, TestApp};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::probe::{Events, ProbeService};

pub const ADMIN_EMAIL: &str = "admin@example.com";
// Not "admin password 1": the policy refuses a password containing the email's local part.
pub const ADMIN_PASSWORD: &str = "keeper of the keys 1";
/// The password of every account the tests register.
pub const PASSWORD: &str = "correct horse battery";
/// A description long enough for a seller application.
pub const DESCRIPTION: &str = "Loose-leaf teas from small gardens, packed by hand.";

/// The running app and a client of it.
pub struct Api {
    pub app: TestApp,
    /// What the probe service read from identity's topics.
    pub events: Events,
}

/// Starts the app on SQLite and the embedded log, with these configuration keys changed from the defaults
/// (`settings.identity.access_token_ttl_secs`, `http.body_limit_bytes`…).
pub async fn start(settings: &[(&'static str, &str)]) -> Api {
    start_on(Backends::EMBEDDED, settings).await.expect("the embedded backends are always available")
}

/// Starts the app on `backends`; `None` when they are not available here (the test is then skipped).
pub async fn start_on(backends: Backends, settings: &[(&'static str, &str)]) -> Option<Api> {
    let events = Events::default();
    let mut builder = TestApp::builder()
        .service(Arc::new(IdentityService))
        .service(Arc::new(ProbeService { events: events.clone() }))
        .backends(backends)
        .set("settings.identity.bootstrap_admin_email", ADMIN_EMAIL)
        .set("settings.identity.bootstrap_admin_password", ADMIN_PASSWORD)
        // Durability across power cuts is not under test; fsync on every commit would only slow the suite.
        .set("database.sqlite_sync_every_commit", "false");
    for (key, value) in settings {
        builder = builder.set(key, *value);
    }
    let app = builder.start().await?;
    Some(Api { app, events })
}

impl Api {
    /// A request to identity (`/users`) or, for paths starting with `/api/`, anywhere in the app.
    pub fn request(&self, method: reqwest::Method, path: &str) -> Request {
        let url =
            if path.starts_with("/api/") { self.app.url(path) } else { self.app.url(&format!("/api/identity{path}")) };
        Request(self.app.client.request(method, url))
    }

    pub fn get(&self, path: &str) -> Request {
        self.request(reqwest::Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Request {
        self.request(reqwest::Method::POST, path)
    }

    pub fn put(&self, path: &str) -> Request {
        self.request(reqwest::Method::PUT, path)
    }

    /// `GET /api/probe/whoami`: what another service makes of a token.
    pub async fn whoami(&self, token: &str) -> Reply {
        self.get("/api/probe/whoami").bearer(token).send().await
    }

    /// `GET /api/probe/sellers-only`.
    pub async fn sellers_only(&self, token: &str) -> Reply {
        self.get("/api/probe/sellers-only").bearer(token).send().await
    }

    /// Registers `email` with [`PASSWORD`]; returns the new user.
    pub async fn register(&self, email: &str) -> Value {
        let body = json!({ "email": email, "password": PASSWORD, "display_name": "Ada Lovelace" });
        self.post("/users").json(&body).send().await.ok(201).clone()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Session {
        let reply = self.post("/sessions").json(&json!({ "email": email, "password": password })).send().await;
        Session::from(reply.ok(200))
    }

    /// A freshly registered and signed-in buyer.
    pub async fn buyer(&self, email: &str) -> Session {
        self.register(email).await;
        self.sign_in(email, PASSWORD).await
    }

    /// The bootstrap admin, signed in.
    pub async fn admin(&self) -> Session {
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        self.post("/sessions/refresh").json(&json!({ "refresh_token": refresh_token })).send().await
    }

    /// Applies to sell as `session`'s user; returns the reply.
    pub async fn apply(&self, session: &Session, shop_name: &str) -> Reply {
        let body = json!({ "shop_name": shop_name, "description": DESCRIPTION });
        self.post("/seller-applications").bearer(&session.access).json(&body).send().await
    }

    /// A buyer who applied and was approved by `admin`, signed in again to carry the seller role.
    pub async fn seller(&self, email: &str, shop_name: &str, admin: &Session) -> Session {
        let buyer = self.buyer(email).await;
        let application = self.apply(&buyer, shop_name).await.ok(201).clone();
        let id = application["id"].as_str().unwrap();
        self.post(&format!("/admin/seller-applications/{id}/approve")).bearer(&admin.access).send().await.ok(200);
        Session::from(self.refresh(&buyer.refresh).await.ok(200))
    }

    pub async fn stop(self) {
        self.app.stop().await;
    }
}

/// A connection of the test's own to identity's database, wherever the app keeps it.
pub async fn identity_db(app: &TestApp) -> Db {
    let database = &app.config.database;
    let shared = Some(database.url.as_str()).filter(|url| !url.is_empty());
    let own = database.services.get("identity").map(String::as_str);
    let location = DatabaseLocation::resolve("identity", shared, own, &app.config.data_dir).unwrap();
    Db::connect(&location.url, &PoolSettings { max_connections: 1, ..PoolSettings::default() }).await.unwrap()
}

/// A request being built.
pub struct Request(reqwest::RequestBuilder);

impl Request {
    pub fn bearer(self, token: &str) -> Request {
        Request(self.0.bearer_auth(token))
    }

    pub fn json(self, body: &Value) -> Request {
        Request(self.0.json(body))
    }

    /// A raw body with the given content type.
    pub fn body(self, content_type: &str, body: impl Into<reqwest::Body>) -> Request {
        Request(self.0.header("content-type", content_type).body(body))
    }

    /// Adds an `X-Forwarded-For` line. Sent from 127.0.0.1, a trusted proxy, it names the client.
    pub fn forwarded_for(self, address: &str) -> Request {
        Request(self.0.header("x-forwarded-for", address))
    }

    pub async fn send(self) -> Reply {
        let response = self.0.send().await.expect("the app answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("the body is readable");
        let body =
            serde_json::from_str(&text).unwrap_or(if text.is_empty() { Value::Null } else { Value::String(text) });
        Reply { status, headers, body }
    }
}

/// A response, read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    /// The JSON body; `Null` when empty, a string when not JSON.
    pub body: Value,
}

impl Reply {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        &self.body
    }

    /// Asserts a problem+json answer with this status and code; returns the problem.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!((self.status, self.body["code"].as_str()), (status, Some(code)), "unexpected answer: {}", self.body);
        assert_eq!(self.header("content-type"), "application/problem+json");
        assert_eq!(self.body["status"], status);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()), "a problem says what is wrong");
        &self.body
    }

    /// The fields a validation problem names.
    pub fn fields(&self) -> Vec<&str> {
        let errors = self.body["errors"].as_array().map(Vec::as_slice).unwrap_or_default();
        errors.iter().filter_map(|e| e["field"].as_str()).collect()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Tokens from a sign-in or refresh.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
}

impl From<&Value> for Session {
    fn from(body: &Value) -> Session {
        assert_eq!(body["token_type"], "Bearer", "{body}");
        Session {
            access: body["access_token"].as_str().expect("an access token").to_owned(),
            refresh: body["refresh_token"].as_str().expect("a refresh token").to_owned(),
            user_id: body["user"]["id"].as_str().expect("the user").to_owned(),
        }
    }
}
