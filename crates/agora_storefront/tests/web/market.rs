//! A marketplace that can sell: identity, catalog, cart, order, payment and the storefront. Sellers and
//! their products are made through the services' APIs (fast, and not what these tests are about); buyers
//! use the storefront's pages like a browser would — buying, and for sellers shipping and delivering. Also:
//! reading values out of pages, and waiting for a page that follows something happening elsewhere.

use std::time::{Duration, Instant};

use agora_testkit::TestApp;
use agora_testkit::api::{PASSWORD, Session};
pub use agora_testkit::eventually;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Visitor, wait_for_shop_name};

/// Test cards of the simulated provider.
pub const GOOD_CARD: &str = "4242 4242 4242 4242";
pub const DECLINED_CARD: &str = "4000 0000 0000 0002";
/// Succeeds once the provider's webhook arrives (`settings.payment.simulated.webhook_delay_ms`).
pub const LATER_CARD: &str = "4000 0000 0000 3220";

pub struct Market {
    pub app: TestApp,
    pub admin: Session,
    /// A buyer whose cart shows when order has heard of a product.
    probe: Session,
}

impl Market {
    pub async fn start() -> Market {
        Market::start_with(&[]).await
    }

    /// A market with these settings besides the usual ones.
    pub async fn start_with(settings: &[(&'static str, &str)]) -> Market {
        Market::start_services("identity,catalog,cart,order,payment,storefront", settings).await
    }

    /// A market of these services (a comma-separated list), with these settings besides the usual ones.
    pub async fn start_services(services: &str, settings: &[(&'static str, &str)]) -> Market {
        let mut builder = TestApp::builder()
            .services(services)
            .set("settings.identity.bootstrap_admin_email", ADMIN_EMAIL)
            .set("settings.identity.bootstrap_admin_password", ADMIN_PASSWORD)
            .set("settings.identity.registrations_per_address", "100000")
            .set("settings.payment.simulated.webhook_delay_ms", "300")
            .set("database.sqlite_sync_every_commit", "false");
        for (key, value) in settings {
            builder = builder.set(key, *value);
        }
        let app = builder.start().await.expect("the embedded backends are always available");
        let admin = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let probe = app.buyer(&format!("probe-{}@example.com", Uuid::now_v7().simple())).await;
        Market { app, admin, probe }
    }

    fn call(&self, method: Method, path: &str, who: &Session) -> agora_testkit::api::Request {
        self.app.request(method, path).bearer(&who.access)
    }

    /// An approved seller with this shop, signed in through the API.
    pub async fn seller(&self, email: &str, shop: &str) -> Session {
        self.app.seller(email, shop, &self.admin).await
    }

    /// A product of `seller` (`shop`) at `price` minor units with `stock` units, once cart and order both
    /// know it and its shop.
    pub async fn product(&self, seller: &Session, shop: &str, title: &str, price: i64, stock: i64) -> Uuid {
        let shelf = json!({ "name": format!("Shelf {}", Uuid::now_v7().simple()) });
        let shelf = self.call(Method::POST, "/api/catalog/categories", &self.admin).json(&shelf).send().await;
        let body = json!({
            "title": title,
            "description": "Made with care.",
            "price": { "amount_minor": price, "currency": "EUR" },
            "category_id": shelf.ok(201)["id"],
            "stock": stock,
        });
        let created = self.call(Method::POST, "/api/catalog/products", seller).json(&body).send().await;
        let id: Uuid = created.ok(201)["id"].as_str().unwrap().parse().unwrap();
        wait_for_shop_name(&self.app, id, shop).await;
        if stock > 0 {
            self.wait_until_order_prices(id, shop).await;
        }
        id
    }

    /// Waits until order's read model prices the product and names its shop.
    async fn wait_until_order_prices(&self, id: Uuid, shop: &str) {
        let line = json!({ "product_id": id, "quantity": 1 });
        self.call(Method::POST, "/api/cart/cart/items", &self.probe).json(&line).send().await.ok(200);
        eventually("order to price the product", || async {
            let preview = self.call(Method::POST, "/api/order/checkouts/preview", &self.probe).send().await;
            let known = |o: &Value| o["seller"]["shop_name"] == shop;
            preview.status == 200
                && preview.body["unavailable_lines"].as_array().is_some_and(Vec::is_empty)
                && preview.body["orders"].as_array().is_some_and(|orders| orders.iter().all(known))
        })
        .await;
        self.call(Method::DELETE, "/api/cart/cart", &self.probe).send().await.ok(200);
    }

    /// Sets a product's price through catalog's API, as its seller.
    pub async fn reprice(&self, seller: &Session, id: Uuid, price: i64) {
        let path = format!("/api/catalog/products/{id}");
        let product = self.call(Method::GET, &path, seller).send().await.ok(200).clone();
        let body = json!({
            "title": product["title"],
            "description": product["description"],
            "price": { "amount_minor": price, "currency": "EUR" },
            "category_id": product["category"]["id"],
            "stock": product["stock"]["available"],
        });
        self.call(Method::PUT, &path, seller).json(&body).send().await.ok(200);
    }

    /// A product like [`Market::product`] that counts as running low at `threshold` units.
    pub async fn low_stock_product(
        &self,
        seller: &Session,
        shop: &str,
        title: &str,
        stock: i64,
        threshold: i64,
    ) -> Uuid {
        let shelf = json!({ "name": format!("Shelf {}", Uuid::now_v7().simple()) });
        let shelf = self.call(Method::POST, "/api/catalog/categories", &self.admin).json(&shelf).send().await;
        let body = json!({
            "title": title,
            "description": "Nearly gone.",
            "price": { "amount_minor": 500, "currency": "EUR" },
            "category_id": shelf.ok(201)["id"],
            "stock": stock,
            "low_stock_threshold": threshold,
        });
        let created = self.call(Method::POST, "/api/catalog/products", seller).json(&body).send().await;
        let id: Uuid = created.ok(201)["id"].as_str().unwrap().parse().unwrap();
        wait_for_shop_name(&self.app, id, shop).await;
        id
    }

    /// An account made by [`Market::seller`] or [`Market::account`], signed in at the storefront.
    pub async fn signed_in(&self, email: &str) -> Visitor {
        let visitor = Visitor::new(&self.app);
        visitor.sign_in(email, PASSWORD).await;
        visitor
    }

    /// A registered account (password [`PASSWORD`]) and a visitor who has not signed in yet.
    pub async fn account(&self, email: &str) -> Visitor {
        self.app.register(email).await;
        Visitor::new(&self.app)
    }

    /// A buyer signed in through the storefront, with one saved address.
    pub async fn buyer(&self, email: &str) -> Visitor {
        let buyer = self.account(email).await;
        buyer.sign_in(email, PASSWORD).await;
        let saved = buyer.submit("/account", "/checkout/addresses", &address()).await;
        assert_eq!(saved.status(), 303, "saving the address: {}", saved.text().await.unwrap());
        buyer
    }
}

/// A good address, as the checkout's form takes it.
pub fn address() -> Vec<(&'static str, &'static str)> {
    vec![
        ("full_name", "Ada Lovelace"),
        ("line1", "12 St James's Square"),
        ("city", "London"),
        ("postal_code", "SW1Y 4JH"),
        ("country", "gb"),
    ]
}

impl Visitor {
    /// Adds to the cart with the product page's form; answers the redirect.
    pub async fn add_to_cart(&self, product: Uuid, quantity: &str) -> reqwest::Response {
        let page = format!("/p/{product}");
        let id = product.to_string();
        self.submit(&page, "/cart/items", &[("product_id", &id), ("quantity", quantity), ("back", &page)]).await
    }

    /// Places the checkout with the checkout page's form (its chosen address and key); answers the
    /// checkout's id.
    pub async fn place_order(&self) -> String {
        let page = self.page("/checkout").await;
        let response = self.place_with(&page).await;
        checkout_id(&response)
    }

    /// Posts the place-order form of this rendering of the checkout page.
    pub async fn place_with(&self, checkout_page: &str) -> reqwest::Response {
        let form = [
            ("address_id", value_of(checkout_page, "address_id")),
            ("idempotency_key", value_of(checkout_page, "idempotency_key")),
            ("_csrf", crate::support::csrf_of(checkout_page)),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("/checkout", &form).await
    }

    /// Pays the checkout with `card` once the card form shows; answers the redirect.
    pub async fn pay(&self, checkout: &str, card: &str) -> reqwest::Response {
        let path = format!("/checkout/{checkout}");
        self.wait_for_page(&path, "Pay by card").await;
        let fields = [
            ("card_number", card),
            ("exp_month", "12"),
            ("exp_year", "2040"),
            ("cvc", "123"),
            ("cardholder", "Ada Lovelace"),
        ];
        self.submit(&path, &format!("{path}/pay"), &fields).await
    }

    /// Buys `quantity` of one shop's product through the pages (cart, checkout, a good card) and waits for
    /// the payment; answers the order's id.
    pub async fn buy(&self, product: Uuid, quantity: &str) -> String {
        assert_eq!(self.add_to_cart(product, quantity).await.status(), 303);
        let checkout = self.place_order().await;
        self.pay(&checkout, GOOD_CARD).await;
        let thanks = self.wait_for_page(&format!("/checkout/{checkout}/result"), "Thank you for your order!").await;
        let mut links = order_links(&thanks);
        assert_eq!(links.len(), 1, "one shop, one order: {thanks}");
        let order = links.remove(0);
        // Cart empties what was bought once it hears of the payment; the next purchase starts empty.
        self.wait_for_page("/cart", "Your cart is empty").await;
        order
    }

    /// As the order's seller: ships it with a tracking number, then marks it delivered.
    pub async fn ship_and_deliver(&self, order: &str) {
        let path = format!("/sell/orders/{order}");
        let fields = [("carrier", "DHL"), ("tracking_number", "JD014600006281")];
        assert_eq!(self.submit(&path, &format!("{path}/ship"), &fields).await.status(), 303, "shipping");
        assert_eq!(self.submit(&path, &format!("{path}/deliver"), &[]).await.status(), 303, "delivering");
    }

    /// Reloads `path` (as its meta refresh would) until it shows `needle`; answers the page.
    pub async fn wait_for_page(&self, path: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let page = self.page(path).await;
            if page.contains(needle) {
                return page;
            }
            assert!(Instant::now() < deadline, "{path} never showed {needle:?}; it shows: {page}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The checkout a place-order answer leads to.
pub fn checkout_id(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), 303, "placing the order was not accepted");
    let location = response.headers()["location"].to_str().unwrap();
    let id = location.strip_prefix("/checkout/").unwrap_or_else(|| panic!("placed, then sent to {location}"));
    id.to_owned()
}

/// The value of the (first, or checked) input named `name`.
pub fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let checked =
        html.split(&marker).skip(1).find(|rest| rest.split('>').next().is_some_and(|t| t.contains("checked")));
    let rest =
        checked.or_else(|| html.split(&marker).nth(1)).unwrap_or_else(|| panic!("no input named {name} in {html}"));
    rest.split('"').next().unwrap().to_owned()
}

/// The order links (`/orders/<id>`) on a page, in order.
pub fn order_links(html: &str) -> Vec<String> {
    let mut links: Vec<String> =
        html.split("href=\"/orders/").skip(1).map(|rest| rest.split('"').next().unwrap().to_owned()).collect();
    links.dedup();
    links
}
