//! The app under test (identity, the probe service and a bootstrap admin) and a small client of identity's
//! API: requests, their replies, and the sessions sign-in hands out.

use std::sync::Arc;

use agora_db::{DatabaseLocation, Db, PoolSettings};
use agora_identity::IdentityService;
use agora_testkit::{Backends, TestApp};
use serde_json::Value;

use crate::probe::{Events, probe};

pub use agora_testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD, DESCRIPTION, PASSWORD, Reply, Request, Session};

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
    let (probe, events) = probe();
    let mut builder = agora_testkit::api::with_admin(TestApp::builder())
        .service(Arc::new(IdentityService))
        .service(probe)
        .backends(backends)
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
        if path.starts_with("/api/") {
            self.app.request(method, path)
        } else {
            self.app.request(method, &format!("/api/identity{path}"))
        }
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

    pub async fn register(&self, email: &str) -> Value {
        self.app.register(email).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Session {
        self.app.sign_in(email, password).await
    }

    pub async fn buyer(&self, email: &str) -> Session {
        self.app.buyer(email).await
    }

    pub async fn admin(&self) -> Session {
        self.app.admin().await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        self.app.refresh(refresh_token).await
    }

    pub async fn apply(&self, session: &Session, shop_name: &str) -> Reply {
        self.app.apply(session, shop_name).await
    }

    pub async fn seller(&self, email: &str, shop_name: &str, admin: &Session) -> Session {
        self.app.seller(email, shop_name, admin).await
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
