//! The marketplace under test and shortcuts for the journey: sellers with products, buyers with addresses
//! and carts, checking out, following a checkout and paying.

use std::time::Duration;

use agora_testkit::api::{Reply, Request, Session, with_admin};
pub use agora_testkit::eventually;
use agora_testkit::{Backends, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

/// Test cards of the simulated provider.
pub const GOOD_CARD: &str = "4242424242424242";
pub const DECLINED_CARD: &str = "4000000000000002";

pub struct Market {
    pub app: TestApp,
    pub admin: Session,
}

impl Market {
    pub async fn start() -> Market {
        Market::start_on(Backends::EMBEDDED, &[]).await.expect("the embedded backends are always available")
    }

    /// Starts every buying service on `backends` with these settings; `None` when not available here.
    pub async fn start_on(backends: Backends, settings: &[(&'static str, &str)]) -> Option<Market> {
        let mut builder = with_admin(TestApp::builder())
            .services("identity,catalog,cart,order,payment")
            .backends(backends)
            .set("database.sqlite_sync_every_commit", "false")
            // Tests register many buyers from one address.
            .set("settings.identity.registrations_per_address", "100000")
            // Concurrent sign-ins count against the limit until each succeeds.
            .set("settings.identity.sign_in_failures_per_address", "100000")
            .set("settings.payment.simulated.webhook_delay_ms", "200");
        for (key, value) in settings {
            builder = builder.set(key, *value);
        }
        let app = builder.start().await?;
        let admin = app.admin().await;
        Some(Market { app, admin })
    }

    /// Alice, a seller of tea.
    pub async fn alice(&self) -> Session {
        self.app.seller("alice@example.com", "Alice's Teas", &self.admin).await
    }

    /// Bob, a seller of pots.
    pub async fn bob(&self) -> Session {
        self.app.seller("bob@example.com", "Bob's Pots", &self.admin).await
    }

    /// Alice with 5 Sencha at 12.50 and Bob with 2 teapots at 30.00: `(alice, bob, tea, pot)`.
    pub async fn two_shops(&self) -> (Session, Session, String, String) {
        let (alice, bob) = (self.alice().await, self.bob().await);
        let tea = self.product(&alice, "Sencha", 1250, 5).await;
        let pot = self.product(&bob, "Teapot", 3000, 2).await;
        (alice, bob, tea, pot)
    }

    pub fn call(&self, method: Method, path: &str, who: &Session) -> Request {
        self.app.request(method, path).bearer(&who.access)
    }

    /// A product by a new seller (`shop`), with `stock` units at `price` minor units; answers its id.
    pub async fn product(&self, seller: &Session, title: &str, price: i64, stock: i64) -> String {
        let category = json!({ "name": format!("{title} shelf") });
        let category = self.call(Method::POST, "/api/catalog/categories", &self.admin).json(&category).send().await;
        let category = category.ok(201)["id"].as_str().unwrap().to_owned();
        let body = json!({
            "title": title,
            "description": "A fine thing, made with care.",
            "price": { "amount_minor": price, "currency": "EUR" },
            "category_id": category,
            "attributes": [],
            "stock": stock,
        });
        let reply = self.call(Method::POST, "/api/catalog/products", seller).json(&body).send().await;
        let id = reply.ok(201)["id"].as_str().unwrap().to_owned();
        self.wait_until_priced(&id).await;
        id
    }

    /// Waits until order's read model knows the product (a preview prices it).
    async fn wait_until_priced(&self, product_id: &str) {
        let probe = self.app.buyer(&format!("probe-{}@example.com", uuid::Uuid::now_v7().simple())).await;
        self.add(&probe, product_id, 1).await;
        eventually("order to hear of the product", || async {
            let preview = self.call(Method::POST, "/api/order/checkouts/preview", &probe).send().await;
            preview.status == 200 && preview.body["unavailable_lines"].as_array().is_some_and(Vec::is_empty)
        })
        .await;
    }

    /// A buyer with one saved address; answers the session and the address id.
    pub async fn buyer(&self, email: &str) -> (Session, String) {
        let buyer = self.app.buyer(email).await;
        let address = self.call(Method::POST, "/api/order/addresses", &buyer).json(&address()).send().await;
        let id = address.ok(201)["id"].as_str().unwrap().to_owned();
        (buyer, id)
    }

    pub async fn add(&self, buyer: &Session, product_id: &str, quantity: i64) -> Value {
        let body = json!({ "product_id": product_id, "quantity": quantity });
        self.call(Method::POST, "/api/cart/cart/items", buyer).json(&body).send().await.ok(200).clone()
    }

    /// Places a checkout of the buyer's cart with `key`.
    pub async fn checkout(&self, buyer: &Session, address_id: &str, key: &str) -> Reply {
        let body = json!({ "address_id": address_id });
        self.call(Method::POST, "/api/order/checkouts", buyer).header("idempotency-key", key).json(&body).send().await
    }

    pub async fn get_checkout(&self, buyer: &Session, id: &str) -> Value {
        self.call(Method::GET, &format!("/api/order/checkouts/{id}"), buyer).send().await.ok(200).clone()
    }

    /// Waits until the checkout leaves `from`; answers it.
    pub async fn checkout_after(&self, buyer: &Session, id: &str, from: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..600 {
            last = self.get_checkout(buyer, id).await;
            if last["status"] != from {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("checkout {id} stayed {from}: {last}");
    }

    /// Pays the checkout with `card` once payment knows of it; answers the attempt's reply.
    pub async fn pay(&self, buyer: &Session, checkout_id: &str, card: &str) -> Reply {
        let path = format!("/api/payment/checkouts/{checkout_id}/payment/attempts");
        let body = json!({ "card_number": card, "exp_month": 12, "exp_year": 2040, "cvc": "123", "cardholder": "Ada Lovelace" });
        for _ in 0..600 {
            let reply = self.call(Method::POST, &path, buyer).json(&body).send().await;
            if reply.status != 404 {
                return reply;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("payment never knew checkout {checkout_id}");
    }

    /// Buys these lines for `buyer` and pays; answers the paid checkout once the cart is empty again.
    pub async fn paid_checkout(&self, buyer: &Session, address_id: &str, lines: &[(&str, i64)]) -> Value {
        for (product, quantity) in lines {
            self.add(buyer, product, *quantity).await;
        }
        let key = uuid::Uuid::now_v7().to_string();
        let checkout = self.checkout(buyer, address_id, &key).await.ok(201).clone();
        let id = checkout["id"].as_str().unwrap();
        assert_eq!(self.checkout_after(buyer, id, "pending").await["status"], "awaiting_payment");
        let paid = self.pay(buyer, id, GOOD_CARD).await;
        assert!(paid.status < 300, "{}", paid.body);
        let done = self.checkout_after(buyer, id, "awaiting_payment").await;
        assert_eq!(done["status"], "paid", "{done}");
        // The cart drops what was bought by event; the buyer's next purchase starts from an empty cart.
        eventually("the cart to drop what was bought", || async {
            let cart = self.call(Method::GET, "/api/cart/cart", buyer).send().await;
            cart.body["items"].as_array().is_some_and(Vec::is_empty)
        })
        .await;
        done
    }

    /// Buys `quantity` of one product and pays; answers the order's id.
    pub async fn paid_order(&self, buyer: &Session, address_id: &str, product_id: &str, quantity: i64) -> String {
        let checkout = self.paid_checkout(buyer, address_id, &[(product_id, quantity)]).await;
        checkout["orders"][0]["id"].as_str().unwrap().to_owned()
    }

    /// An order as `who` sees it.
    pub async fn order(&self, who: &Session, id: &str) -> Value {
        self.call(Method::GET, &format!("/api/order/orders/{id}"), who).send().await.ok(200).clone()
    }

    /// Asks for `action` (`ship`, `deliver`, `cancel`) on an order as `who`.
    pub async fn act(&self, who: &Session, id: &str, action: &str, body: Value) -> Reply {
        self.call(Method::POST, &format!("/api/order/orders/{id}/{action}"), who).json(&body).send().await
    }

    /// A product's stock as its seller sees it: (available, held, sold).
    pub async fn stock(&self, seller: &Session, product_id: &str) -> (i64, i64, i64) {
        let reply = self.call(Method::GET, &format!("/api/catalog/products/{product_id}"), seller).send().await;
        let stock = &reply.ok(200)["stock"];
        (stock["available"].as_i64().unwrap(), stock["held"].as_i64().unwrap(), stock["sold"].as_i64().unwrap())
    }
}

pub fn address() -> Value {
    json!({
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
    })
}
