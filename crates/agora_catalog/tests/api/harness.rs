//! The app under test (identity and catalog, with a bootstrap admin) and shortcuts for the catalog API.

use std::sync::Arc;

use agora_catalog::CatalogService;
use agora_identity::IdentityService;
use agora_testkit::api::{Request, Session, with_admin};
use agora_testkit::{Backends, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

/// The running app and its signed-in admin.
pub struct Shop {
    pub app: TestApp,
    pub admin: Session,
}

pub async fn start() -> Shop {
    start_on(Backends::EMBEDDED, &[]).await.expect("the embedded backends are always available")
}

/// Starts on `backends` with these settings; `None` when the backends are not available here.
pub async fn start_on(backends: Backends, settings: &[(&'static str, &str)]) -> Option<Shop> {
    Shop::start_with(backends, settings, Vec::new()).await
}

impl Shop {
    /// Starts with other services too (a probe of events).
    pub async fn start_with(
        backends: Backends,
        settings: &[(&'static str, &str)],
        others: Vec<Arc<dyn agora_http::Service>>,
    ) -> Option<Shop> {
        let mut builder = with_admin(TestApp::builder())
            .service(Arc::new(IdentityService))
            .service(Arc::new(CatalogService))
            .backends(backends)
            // Durability across power cuts is not under test; fsync on every commit would only slow the suite.
            .set("database.sqlite_sync_every_commit", "false");
        for service in others {
            builder = builder.service(service);
        }
        for (key, value) in settings {
            builder = builder.set(key, *value);
        }
        let app = builder.start().await?;
        let admin = app.admin().await;
        Some(Shop { app, admin })
    }
}

/// A product body the API accepts.
pub fn product_body(title: &str, description: &str, price: i64, category_id: &str, stock: i64) -> Value {
    json!({
        "title": title,
        "description": description,
        "price": { "amount_minor": price, "currency": "EUR" },
        "category_id": category_id,
        "attributes": [{ "name": "Colour", "value": "Green" }],
        "stock": stock,
    })
}

impl Shop {
    /// A request to catalog (`/products`…).
    pub fn call(&self, method: Method, path: &str) -> Request {
        self.app.request(method, &format!("/api/catalog{path}"))
    }

    pub fn get(&self, path: &str) -> Request {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Request {
        self.call(Method::POST, path)
    }

    pub fn put(&self, path: &str) -> Request {
        self.call(Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> Request {
        self.call(Method::DELETE, path)
    }

    /// Creates a category as the admin; returns its id.
    pub async fn category(&self, name: &str, parent: Option<&str>) -> String {
        let body = json!({ "name": name, "parent_id": parent });
        let reply = self.post("/categories").bearer(&self.admin.access).json(&body).send().await;
        reply.ok(201)["id"].as_str().unwrap().to_owned()
    }

    /// Lists a product as `seller`; returns it.
    pub async fn list(&self, seller: &Session, body: &Value) -> Value {
        self.post("/products").bearer(&seller.access).json(body).send().await.ok(201).clone()
    }

    /// A product with `stock` units in a new category; returns its id.
    pub async fn product_with_stock(&self, seller: &Session, title: &str, stock: i64) -> String {
        let category = self.category(&format!("{title} things"), None).await;
        let product = self.list(seller, &product_body(title, "A fine thing.", 1000, &category, stock)).await;
        product["id"].as_str().unwrap().to_owned()
    }

    /// `GET /products/{id}` as `viewer` (or anonymously).
    pub async fn product(&self, id: &str, viewer: Option<&Session>) -> agora_testkit::api::Reply {
        let request = self.get(&format!("/products/{id}"));
        match viewer {
            Some(v) => request.bearer(&v.access).send().await,
            None => request.send().await,
        }
    }

    pub async fn stop(self) {
        self.app.stop().await;
    }
}
