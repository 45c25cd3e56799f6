//! The app under test (identity, catalog and wishlist, with a bootstrap admin, and a probe reading
//! `wishlist.alerts`), and shortcuts for sellers' products and buyers' wishlists.

use agora_testkit::api::{Reply, Request, Session, with_admin};
pub use agora_testkit::eventually;
use agora_testkit::probe::{EventProbe, Events};
use agora_testkit::{Backends, TestApp, TestAppBuilder};
use reqwest::Method;
use serde_json::{Value, json};

pub const PRICE_DROPPED: &str = "agora.wishlist.price_dropped.v1";
pub const BACK_IN_STOCK: &str = "agora.wishlist.back_in_stock.v1";

/// The running app, its signed-in admin and the alerts it published.
pub struct Shop {
    pub app: TestApp,
    pub admin: Session,
    pub alerts: Events,
}

/// A builder of the app with identity, catalog and wishlist on `backends`, to add settings to.
pub fn builder(backends: Backends) -> TestAppBuilder {
    without_services(backends).services("identity,catalog,wishlist")
}

/// A builder of the app on `backends` running no services yet.
pub fn without_services(backends: Backends) -> TestAppBuilder {
    with_admin(TestApp::builder())
        .backends(backends)
        // Durability across power cuts is not under test; fsync on every commit would only slow the suite.
        .set("database.sqlite_sync_every_commit", "false")
        // Tests register many buyers from one address.
        .set("settings.identity.registrations_per_address", "100000")
        .set("settings.identity.sign_in_failures_per_address", "100000")
}

impl Shop {
    /// The app on the embedded backends.
    pub async fn start() -> Shop {
        Shop::start_with(builder(Backends::EMBEDDED)).await.expect("SQLite and the embedded log are always available")
    }

    /// The app from `builder`, with a probe of `wishlist.alerts`; `None` when its backends are not available.
    pub async fn start_with(builder: TestAppBuilder) -> Option<Shop> {
        let (probe, alerts) = EventProbe::watching(&["wishlist.alerts"]);
        let app = builder.service(probe).start().await?;
        let admin = app.admin().await;
        Some(Shop { app, admin, alerts })
    }

    pub fn call(&self, method: Method, path: &str, who: &Session) -> Request {
        self.app.request(method, path).bearer(&who.access)
    }

    /// A request to wishlist (`/items/…`, `/contains`…) as `who`.
    pub fn wishlist(&self, method: Method, path: &str, who: &Session) -> Request {
        self.call(method, &format!("/api/wishlist{path}"), who)
    }

    /// Saves `product` for `who` without a body.
    pub async fn save(&self, who: &Session, product: &str) -> Reply {
        self.wishlist(Method::PUT, &format!("/items/{product}"), who).send().await
    }

    /// Saves `product` for `who` with `body`.
    pub async fn save_with(&self, who: &Session, product: &str, body: Value) -> Reply {
        self.wishlist(Method::PUT, &format!("/items/{product}"), who).json(&body).send().await
    }

    pub async fn remove(&self, who: &Session, product: &str) -> Reply {
        self.wishlist(Method::DELETE, &format!("/items/{product}"), who).send().await
    }

    /// The first page of `who`'s wishlist.
    pub async fn list(&self, who: &Session) -> Value {
        self.wishlist(Method::GET, "", who).send().await.ok(200).clone()
    }

    /// An approved seller.
    pub async fn seller(&self, email: &str, shop_name: &str) -> Session {
        self.app.seller(email, shop_name, &self.admin).await
    }

    /// Lists a product as `seller` in a category of its own, and waits until wishlist has heard of it.
    pub async fn product(&self, seller: &Session, title: &str, price: i64, stock: i64) -> Product {
        let body = json!({ "name": format!("{title} things"), "parent_id": null });
        let category = self.call(Method::POST, "/api/catalog/categories", &self.admin).json(&body).send().await;
        let category = category.ok(201)["id"].as_str().unwrap().to_owned();
        let body = product_body(title, price, &category, stock);
        let reply = self.call(Method::POST, "/api/catalog/products", seller).json(&body).send().await;
        let product = Product { id: reply.ok(201)["id"].as_str().unwrap().to_owned(), category };
        self.wait_until_known(&product.id).await;
        product
    }

    /// Waits until wishlist's read model knows the product (a probe buyer can save it).
    pub async fn wait_until_known(&self, product: &str) {
        let probe = self.app.buyer(&format!("probe-{}@example.com", uuid::Uuid::now_v7().simple())).await;
        eventually("wishlist to hear of the product", || async { self.save(&probe, product).await.status != 404 })
            .await;
        self.remove(&probe, product).await.ok(204);
    }

    /// The seller sets the product's price and stock, as catalog's own tests do.
    pub async fn edit(&self, seller: &Session, product: &Product, price: i64, stock: i64) {
        let path = format!("/api/catalog/products/{}", product.id);
        let current = self.call(Method::GET, &path, seller).send().await;
        let current = current.ok(200);
        let mut body = product_body(current["title"].as_str().unwrap(), price, &product.category, stock);
        body["expected_available"] = current["stock"]["available"].clone();
        self.call(Method::PUT, &path, seller).json(&body).send().await.ok(200);
    }

    /// The alerts of `event_type` about `product` for `buyer`, as published.
    pub fn alerts_for(&self, event_type: &str, buyer: &Session, product: &str) -> Vec<Value> {
        alerts_in(&self.alerts, event_type, buyer, product)
    }

    /// Waits until `buyer` has an alert of `event_type` about `product` matching `matches`.
    pub async fn wait_for_alert(
        &self,
        event_type: &str,
        buyer: &Session,
        product: &str,
        matches: impl Fn(&Value) -> bool,
    ) {
        eventually("an alert", || async { self.alerts_for(event_type, buyer, product).iter().any(&matches) }).await;
    }
}

/// The alerts of `event_type` about `product` for `buyer` among `events`.
pub fn alerts_in(events: &Events, event_type: &str, buyer: &Session, product: &str) -> Vec<Value> {
    events
        .all()
        .into_iter()
        .filter(|e| e.event_type == event_type && e.subject == buyer.user_id && e.data["product_id"] == product)
        .map(|e| e.data)
        .collect()
}

/// A seller's product and the category it was listed in.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub category: String,
}

pub fn product_body(title: &str, price: i64, category: &str, stock: i64) -> Value {
    json!({
        "title": title,
        "description": "A fine thing, made with care.",
        "price": { "amount_minor": price, "currency": "EUR" },
        "category_id": category,
        "stock": stock,
    })
}

/// The ids of a wishlist page's items, in order.
pub fn product_ids(list: &Value) -> Vec<&str> {
    list["items"].as_array().unwrap().iter().map(|i| i["product_id"].as_str().unwrap()).collect()
}

/// The wishlist's item for `product`.
pub fn item<'a>(list: &'a Value, product: &str) -> &'a Value {
    let items = list["items"].as_array().unwrap();
    items.iter().find(|i| i["product_id"] == product).unwrap_or_else(|| panic!("no item {product} in {list}"))
}
