//! Checkout throughput and latency, end to end: confirmed orders per second, and the time from placing a
//! checkout to its order being confirmed (paid), with concurrent buyers.
//!
//! The whole platform runs in this process (identity, catalog, cart, order, payment) on the chosen backends;
//! each buyer repeatedly adds a product to their cart, places a checkout, pays with the simulated provider's
//! good card as soon as the checkout may be paid, and waits for `checkout_paid`. The moments are taken from
//! the `order.checkouts` topic, read by a watcher like any other consumer.
//!
//! `cargo run --release -p agora --example checkout_bench -- <embedded|production> <buyers> <checkouts per buyer>`
//! (production needs the `AGORA_TEST_*` variables `scripts/backends.sh` exports). Prints one result line.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark fails loudly")]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agora_bus::Bus;
use agora_db::Migrations;
use agora_events::Envelope;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use agora_testkit::api::{Session, with_admin};
use agora_testkit::{Backends, TestApp};
use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// When each checkout reached each event type.
#[derive(Default)]
struct Moments {
    seen: Mutex<HashMap<(String, String), Instant>>,
    changed: Notify,
}

impl Moments {
    async fn wait(&self, checkout: &str, event_type: &str) -> Instant {
        let key = (checkout.to_owned(), event_type.to_owned());
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let notified = self.changed.notified();
            if let Some(at) = self.seen.lock().unwrap().get(&key) {
                return *at;
            }
            assert!(Instant::now() < deadline, "no {event_type} for checkout {checkout}");
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }
}

struct Watcher(Arc<Moments>);

#[async_trait]
impl Service for Watcher {
    fn name(&self) -> &'static str {
        "benchwatch"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        None
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let task = watch(ctx.bus.clone(), self.0.clone());
        Ok(ServiceParts { tasks: vec![("bench.watch".to_owned(), Box::pin(task))], ..ServiceParts::default() })
    }
}

async fn watch(bus: Bus, moments: Arc<Moments>) {
    let mut subscription = bus.subscribe("bench.watch", &["order.checkouts".to_owned()]).await.unwrap();
    loop {
        let Ok(batch) = subscription.next_batch(500, Duration::from_millis(50)).await else { continue };
        let now = Instant::now();
        {
            let mut seen = moments.seen.lock().unwrap();
            for message in batch {
                if let Ok(event) = Envelope::from_slice(&message.payload) {
                    seen.insert((event.subject, event.event_type), now);
                }
            }
        }
        moments.changed.notify_waiters();
    }
}

async fn call(app: &TestApp, method: Method, path: &str, who: &Session, body: Option<Value>) -> (u16, Value) {
    let mut request = app.request(method, path).bearer(&who.access);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = request.send().await;
    (reply.status, reply.body)
}

/// One buyer's checkouts; answers the latency of each, from placing to paid.
async fn shop(
    app: Arc<TestApp>,
    moments: Arc<Moments>,
    buyer: Session,
    address: String,
    products: Arc<Vec<String>>,
    rounds: usize,
    offset: usize,
) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(rounds);
    for round in 0..rounds {
        // Another product each round, so the cart dropping what the last checkout bought never races this one.
        let product = &products[(offset + round) % products.len()];
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/cart/cart/items",
            &buyer,
            Some(json!({ "product_id": product, "quantity": 1 })),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let started = Instant::now();
        let key = uuid::Uuid::now_v7().to_string();
        let reply = app
            .request(Method::POST, "/api/order/checkouts")
            .bearer(&buyer.access)
            .header("idempotency-key", &key)
            .json(&json!({ "address_id": address }))
            .send()
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        moments.wait(&id, "agora.order.checkout_awaiting_payment.v1").await;
        let card = json!({ "card_number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123", "cardholder": "Bench" });
        loop {
            let (status, body) = call(
                &app,
                Method::POST,
                &format!("/api/payment/checkouts/{id}/payment/attempts"),
                &buyer,
                Some(card.clone()),
            )
            .await;
            match status {
                404 => tokio::time::sleep(Duration::from_millis(5)).await,
                s if s < 300 => break,
                _ => panic!("paying failed: {body}"),
            }
        }
        let paid = moments.wait(&id, "agora.order.checkout_paid.v1").await;
        latencies.push(paid.saturating_duration_since(started));
    }
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backends = match args.get(1).map(String::as_str) {
        Some("production") => Backends::PRODUCTION,
        _ => Backends::EMBEDDED,
    };
    let buyers: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
    let moments = Arc::new(Moments::default());
    let app = with_admin(TestApp::builder())
        .services("identity,catalog,cart,order,payment")
        .service(Arc::new(Watcher(moments.clone())))
        .backends(backends)
        .set("log.level", "warn")
        .set("settings.identity.registrations_per_address", "100000")
        .set("settings.identity.sign_in_failures_per_address", "100000")
        .start()
        .await
        .expect("the backends are available");
    let app = Arc::new(app);
    let admin = app.admin().await;

    let seller = app.seller("bench-seller@example.com", "Bench Shop", &admin).await;
    let (_, category) =
        call(&app, Method::POST, "/api/catalog/categories", &admin, Some(json!({ "name": "Bench" }))).await;
    let mut products = Vec::new();
    for i in 0..50 {
        let body = json!({
            "title": format!("Bench item {i}"), "description": "Made for measuring.",
            "price": { "amount_minor": 500 + i, "currency": "EUR" }, "category_id": category["id"],
            "attributes": [], "stock": 1_000_000,
        });
        let (status, product) = call(&app, Method::POST, "/api/catalog/products", &seller, Some(body)).await;
        assert_eq!(status, 201, "{product}");
        products.push(product["id"].as_str().unwrap().to_owned());
    }
    let products = Arc::new(products);
    let mut shoppers = Vec::new();
    for i in 0..buyers {
        let buyer = app.buyer(&format!("bench-buyer-{i}@example.com")).await;
        let address = json!({ "full_name": "Bench Buyer", "line1": "1 Load Lane", "city": "Berlin", "postal_code": "10115", "country": "DE" });
        let (_, address) = call(&app, Method::POST, "/api/order/addresses", &buyer, Some(address)).await;
        shoppers.push((buyer, address["id"].as_str().unwrap().to_owned()));
    }
    // Order prices checkouts from its read model: wait until it knows every product.
    let probe = &shoppers[0].0;
    for product in products.iter() {
        call(&app, Method::POST, "/api/cart/cart/items", probe, Some(json!({ "product_id": product, "quantity": 1 })))
            .await;
    }
    loop {
        let (_, preview) = call(&app, Method::POST, "/api/order/checkouts/preview", probe, None).await;
        if preview["unavailable_lines"].as_array().is_some_and(Vec::is_empty)
            && preview["orders"][0]["lines"].as_array().is_some_and(|l| l.len() == products.len())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    call(&app, Method::DELETE, "/api/cart/cart", probe, None).await;

    let started = Instant::now();
    let tasks: Vec<_> = shoppers
        .into_iter()
        .enumerate()
        .map(|(i, (buyer, address))| {
            tokio::spawn(shop(app.clone(), moments.clone(), buyer, address, products.clone(), rounds, i))
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let label = if backends == Backends::PRODUCTION { "postgres+kafka" } else { "sqlite+embedded" };
    println!(
        "backend={label} buyers={buyers} checkouts={} seconds={elapsed:.2} confirmed_orders_per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
}
