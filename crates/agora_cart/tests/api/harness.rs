//! The app under test (identity, catalog and cart, with a bootstrap admin), on either cart store, and
//! shortcuts for sellers' products and shoppers' carts.

use std::sync::Arc;

use agora_cart::CartService;
use agora_catalog::CatalogService;
use agora_identity::IdentityService;
use agora_testkit::api::{Reply, Request, Session, with_admin};
use agora_testkit::{TestApp, TestAppBuilder};
use reqwest::Method;
use serde_json::{Value, json};

/// Where the app under test keeps carts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The cart service's own database (SQLite here): embedded mode.
    Sql,
    /// Redis at `AGORA_TEST_REDIS_URL`: production mode.
    Redis,
}

/// Runs a scenario `async fn name(store: Store)` once per store, as tests `name::sql` and `name::redis`.
macro_rules! on_both_stores {
    ($($name:ident),+ $(,)?) => {
        $(mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sql() {
                super::$name($crate::harness::Store::Sql).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis() {
                if $crate::harness::redis_url().is_some() {
                    super::$name($crate::harness::Store::Redis).await;
                }
            }
        })+
    };
}
pub(crate) use on_both_stores;

/// The test Redis; `None` (the test skips) when absent, a panic when backends are required.
pub fn redis_url() -> Option<String> {
    agora_testkit::require("AGORA_TEST_REDIS_URL")
}

/// Whose cart a request is about.
#[derive(Clone, Copy)]
pub enum Who<'a> {
    Buyer(&'a Session),
    Guest(&'a str),
    /// A buyer who also sends a visitor's token (the bearer wins).
    Both(&'a Session, &'a str),
    Nobody,
}

/// A seller's product and the category it was listed in.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub category: String,
}

/// The running app and its signed-in admin.
pub struct Shop {
    pub app: TestApp,
    pub admin: Session,
    pub store: Store,
}

/// The app with identity, catalog and cart on `store`.
pub async fn start(store: Store) -> Shop {
    Shop::start(store, builder(store)).await
}

/// A builder of the app with identity, catalog and cart on `store`, to add settings to.
pub fn builder(store: Store) -> TestAppBuilder {
    services(store).service(Arc::new(CatalogService))
}

/// A builder with identity and cart only (no catalog), on `store`.
pub fn services(store: Store) -> TestAppBuilder {
    let mut builder = with_admin(TestApp::builder())
        .service(Arc::new(IdentityService))
        .service(Arc::new(CartService))
        // Durability across power cuts is not under test; fsync on every commit would only slow the suite.
        .set("database.sqlite_sync_every_commit", "false");
    if store == Store::Redis {
        builder = builder.set("redis.url", redis_url().expect("checked by the caller"));
    }
    builder
}

impl Shop {
    pub async fn start(store: Store, builder: TestAppBuilder) -> Shop {
        let app = builder.start().await.expect("SQLite and the embedded log are always available");
        let admin = app.admin().await;
        Shop { app, admin, store }
    }

    /// Stops the app and, on Redis, deletes the carts this test made.
    pub async fn stop(self) {
        let prefix = self.app.config.bus.topic_prefix.clone();
        self.app.stop().await;
        if self.store == Store::Redis {
            forget_redis_keys(&prefix).await;
        }
    }

    pub fn catalog(&self, method: Method, path: &str) -> Request {
        self.app.request(method, &format!("/api/catalog{path}"))
    }

    /// A request to cart (`/cart`…) on behalf of `who`.
    pub fn cart(&self, method: Method, path: &str, who: Who) -> Request {
        let request = self.app.request(method, &format!("/api/cart{path}"));
        match who {
            Who::Buyer(session) => request.bearer(&session.access),
            Who::Guest(token) => request.header("x-cart-token", token),
            Who::Both(session, token) => request.bearer(&session.access).header("x-cart-token", token),
            Who::Nobody => request,
        }
    }

    pub async fn view(&self, who: Who<'_>) -> Reply {
        self.cart(Method::GET, "/cart", who).send().await
    }

    pub async fn add(&self, who: Who<'_>, product: &str, quantity: i64) -> Reply {
        let body = json!({ "product_id": product, "quantity": quantity });
        self.cart(Method::POST, "/cart/items", who).json(&body).send().await
    }

    pub async fn set(&self, who: Who<'_>, product: &str, quantity: i64) -> Reply {
        let body = json!({ "quantity": quantity });
        self.cart(Method::PUT, &format!("/cart/items/{product}"), who).json(&body).send().await
    }

    /// A new visitor's cart token.
    pub async fn guest(&self) -> String {
        let reply = self.cart(Method::POST, "/guest-carts", Who::Nobody).send().await;
        reply.ok(201)["token"].as_str().expect("a token").to_owned()
    }

    /// An approved seller.
    pub async fn seller(&self, email: &str, shop_name: &str) -> Session {
        self.app.seller(email, shop_name, &self.admin).await
    }

    /// Lists a product as `seller` in a category of its own.
    pub async fn product(&self, seller: &Session, title: &str, price: i64, stock: i64) -> Product {
        let category = self.category(&format!("{title} things")).await;
        self.list(seller, title, price, stock, &category).await
    }

    /// A new category, made by the admin.
    pub async fn category(&self, name: &str) -> String {
        let body = json!({ "name": name, "parent_id": null });
        let reply = self.catalog(Method::POST, "/categories").bearer(&self.admin.access).json(&body).send().await;
        reply.ok(201)["id"].as_str().expect("a category").to_owned()
    }

    /// Lists a product as `seller` in `category`.
    pub async fn list(&self, seller: &Session, title: &str, price: i64, stock: i64, category: &str) -> Product {
        let body = product_body(title, price, category, stock);
        let reply = self.catalog(Method::POST, "/products").bearer(&seller.access).json(&body).send().await;
        Product { id: reply.ok(201)["id"].as_str().expect("a product").to_owned(), category: category.to_owned() }
    }

    /// The seller changes the product's price and stock, as catalog's own tests do.
    pub async fn edit(&self, seller: &Session, product: &Product, price: i64, stock: i64) {
        let path = format!("/products/{}", product.id);
        let current = self.catalog(Method::GET, &path).bearer(&seller.access).send().await;
        let current = current.ok(200);
        let mut body = product_body(current["title"].as_str().expect("a title"), price, &product.category, stock);
        body["expected_available"] = current["stock"]["available"].clone();
        self.catalog(Method::PUT, &path).bearer(&seller.access).json(&body).send().await.ok(200);
    }

    /// The seller takes the product off sale.
    pub async fn hide(&self, seller: &Session, product: &Product) {
        let path = format!("/products/{}/hide", product.id);
        self.catalog(Method::POST, &path).bearer(&seller.access).send().await.ok(200);
    }
}

pub fn product_body(title: &str, price: i64, category: &str, stock: i64) -> Value {
    json!({
        "title": title,
        "description": "A fine thing.",
        "price": { "amount_minor": price, "currency": "EUR" },
        "category_id": category,
        "stock": stock,
    })
}

/// The cart's line for `product`.
pub fn line<'a>(cart: &'a Value, product: &str) -> &'a Value {
    let items = cart["items"].as_array().expect("items");
    items.iter().find(|l| l["product_id"] == product).unwrap_or_else(|| panic!("no line for {product} in {cart}"))
}

/// The products in the cart, in order.
pub fn products(cart: &Value) -> Vec<&str> {
    cart["items"].as_array().expect("items").iter().map(|l| l["product_id"].as_str().expect("an id")).collect()
}

/// Deletes every Redis key starting with `prefix` (one test's carts).
pub async fn forget_redis_keys(prefix: &str) {
    let Some(url) = redis_url() else { return };
    let client = redis::Client::open(url).expect("a Redis URL");
    let mut conn = client.get_multiplexed_async_connection().await.expect("Redis answers");
    let keys: Vec<String> =
        redis::cmd("KEYS").arg(format!("{prefix}*")).query_async(&mut conn).await.expect("Redis lists keys");
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL").arg(keys).query_async(&mut conn).await.expect("Redis deletes keys");
    }
}
