//! The marketplace journey end to end — register, seller approval, listing, search, cart, checkout, payment,
//! fulfilment, chat and notifications — with the same assertions in two deployments:
//!
//! - one `agora serve` process running every service on embedded storage (the newcomer's default);
//! - one process per service on PostgreSQL, Redis and the Kafka-protocol broker, with two catalog instances
//!   behind a round-robin proxy and two chat instances addressed one by one. Mid-journey one catalog
//!   instance is stopped (the other serves, and takes over its partitions) and the broker is frozen for ten
//!   seconds (events are late, none is lost or doubled).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use agora_testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::cluster::{
    Process, Socket, approved_seller, call, listed_product, one_shot, production_env, register, round_robin, route,
    session,
};

const GOOD_CARD: &str = "4242424242424242";
/// Long enough for every chat instance to learn who has sockets open on the others.
const PRESENCE: Duration = Duration::from_millis(2500);
/// How long the broker stays frozen.
const OUTAGE: Duration = Duration::from_secs(10);

/// Where each service answers.
struct Platform {
    identity: String,
    catalog: String,
    cart: String,
    order: String,
    payment: String,
    chat: [String; 2],
    notify: String,
    storefront: String,
}

/// What the deployment does to the journey at its two turning points.
#[async_trait::async_trait]
trait Disruptions: Send {
    /// After the product is listed and found.
    async fn after_listing(&mut self) {}
    /// Right after the checkout is placed; answers once the disruption is over.
    async fn after_placing(&mut self) -> Option<tokio::task::JoinHandle<()>> {
        None
    }
}

struct Calm;

#[async_trait::async_trait]
impl Disruptions for Calm {}

/// Polls `probe` until it answers `Some`, for up to `within`.
async fn until<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    within: Duration,
    mut probe: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn get(client: &Client, url: &str, token: &str) -> Value {
    let (status, body) = call(client, Method::GET, url, token, None, None).await;
    assert_eq!(status, 200, "GET {url}: {body}");
    body
}

/// The notifications of `category` in the inbox of `token`'s user.
async fn notifications(client: &Client, p: &Platform, token: &str, category: &str) -> Vec<Value> {
    let inbox = get(client, &format!("{}/api/notify/notifications?limit=100", p.notify), token).await;
    inbox["items"].as_array().unwrap().iter().filter(|n| n["category"] == category).cloned().collect()
}

async fn journey(p: &Platform, disruptions: &mut dyn Disruptions) {
    let client = Client::new();
    let patient = Duration::from_secs(90);

    // Register, apply to sell, get approved.
    let (admin, _) = session(&client, &p.identity, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let seller = register(&client, &p.identity, "seller@example.com", "Sam Seller").await;
    let seller = approved_seller(&client, &p.identity, &admin, &seller, "seller@example.com").await;

    // List a product; a buyer finds it by search and on the storefront.
    let product = listed_product(&client, &p.catalog, &admin, &seller, "Sturdy Mug", 5).await;
    let product_id = product["id"].as_str().unwrap().to_owned();
    let buyer = register(&client, &p.identity, "buyer@example.com", "Bea Buyer").await;
    let found = |client: Client, url: String, id: String| async move {
        let reply = client.get(&url).send().await.ok()?;
        let body: Value = reply.json().await.ok()?;
        body["items"].as_array()?.iter().any(|i| i["id"] == id.as_str()).then_some(())
    };
    let search = format!("{}/api/catalog/products?q=sturdy", p.catalog);
    until("the product in search", patient, || found(client.clone(), search.clone(), product_id.clone())).await;
    let page = client.get(format!("{}/p/{product_id}", p.storefront)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Sturdy Mug"));

    disruptions.after_listing().await;
    // Whatever happened, search and the product page still answer.
    until("search after the disruption", patient, || found(client.clone(), search.clone(), product_id.clone())).await;
    let page = client.get(format!("{}/p/{product_id}", p.storefront)).send().await.unwrap();
    assert_eq!(page.status(), 200);

    // Cart, checkout, payment.
    let item = json!({ "product_id": product_id, "quantity": 2 });
    let url = format!("{}/api/cart/cart/items", p.cart);
    assert_eq!(call(&client, Method::POST, &url, &buyer, Some(&item), None).await.0, 200);
    let address = json!({ "full_name": "Bea Buyer", "line1": "1 Road", "city": "Paris", "postal_code": "75001", "country": "FR" });
    let (status, address) =
        call(&client, Method::POST, &format!("{}/api/order/addresses", p.order), &buyer, Some(&address), None).await;
    assert_eq!(status, 201, "{address}");
    // Order prices from its read model of catalog's products: wait until it has heard of this one.
    let preview = format!("{}/api/order/checkouts/preview", p.order);
    until("order to price the cart", patient, || {
        let (client, preview, buyer) = (client.clone(), preview.clone(), buyer.clone());
        async move {
            let (_, body) = call(&client, Method::POST, &preview, &buyer, None, None).await;
            (body["total"]["amount_minor"] == 2 * 900).then_some(())
        }
    })
    .await;
    let body = json!({ "address_id": address["id"] });
    let url = format!("{}/api/order/checkouts", p.order);
    let (status, checkout) = call(&client, Method::POST, &url, &buyer, Some(&body), Some("journey-checkout")).await;
    assert_eq!(status, 201, "{checkout}");
    let checkout_id = checkout["id"].as_str().unwrap().to_owned();
    let outage = disruptions.after_placing().await;
    let status_url = format!("{}/api/order/checkouts/{checkout_id}", p.order);
    let awaiting = until("the checkout to await payment", patient, || {
        let (client, url, buyer) = (client.clone(), status_url.clone(), buyer.clone());
        async move {
            let (_, body) = call(&client, Method::GET, &url, &buyer, None, None).await;
            (body["status"] != "pending").then_some(body)
        }
    })
    .await;
    assert_eq!(awaiting["status"], "awaiting_payment", "{awaiting}");
    let card =
        json!({ "card_number": GOOD_CARD, "exp_month": 12, "exp_year": 2040, "cvc": "123", "cardholder": "Bea Buyer" });
    // Payment creates the checkout's payment when it hears the checkout awaits one: until then an attempt is
    // a 404 `payment_not_found` ("being prepared"), which a client retries.
    let url = format!("{}/api/payment/checkouts/{checkout_id}/payment/attempts", p.payment);
    until("the card to be taken", patient, || {
        let (client, url, buyer, card) = (client.clone(), url.clone(), buyer.clone(), card.clone());
        async move {
            let (status, attempt) = call(&client, Method::POST, &url, &buyer, Some(&card), None).await;
            if status == 404 {
                assert_eq!(attempt["code"], "payment_not_found", "{attempt}");
                return None;
            }
            assert!(status < 300, "{attempt}");
            Some(())
        }
    })
    .await;
    until("the checkout to be paid", patient, || {
        let (client, url, buyer) = (client.clone(), status_url.clone(), buyer.clone());
        async move {
            let (_, body) = call(&client, Method::GET, &url, &buyer, None, None).await;
            (body["status"] == "paid").then_some(())
        }
    })
    .await;
    if let Some(outage) = outage {
        outage.await.unwrap();
    }
    // The same key places nothing twice, even across the outage.
    let url = format!("{}/api/order/checkouts", p.order);
    let (_, again) = call(&client, Method::POST, &url, &buyer, Some(&body), Some("journey-checkout")).await;
    assert_eq!(again["id"], checkout_id.as_str());

    // Fulfilment: the seller ships and delivers; the buyer follows the timeline.
    let orders = get(&client, &format!("{}/api/order/orders", p.order), &buyer).await;
    let orders = orders["items"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "one order: {orders:?}");
    let order_id = orders[0]["id"].as_str().unwrap().to_owned();
    let shipment = json!({ "carrier": "La Poste", "tracking_number": "LP123456789FR" });
    let url = format!("{}/api/order/orders/{order_id}/ship", p.order);
    assert_eq!(call(&client, Method::POST, &url, &seller, Some(&shipment), None).await.0, 200);
    let url = format!("{}/api/order/orders/{order_id}/deliver", p.order);
    assert_eq!(call(&client, Method::POST, &url, &seller, Some(&json!({})), None).await.0, 200);
    let order = get(&client, &format!("{}/api/order/orders/{order_id}", p.order), &buyer).await;
    assert_eq!(order["status"], "delivered");
    let kinds: Vec<&str> = order["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["placed", "stock_reserved", "paid", "shipped", "delivered"]);
    let stock = until("the sale to reach catalog", patient, || {
        let (client, url, seller) =
            (client.clone(), format!("{}/api/catalog/products/{product_id}", p.catalog), seller.clone());
        async move {
            let (_, body) = call(&client, Method::GET, &url, &seller, None, None).await;
            (body["stock"]["sold"] == 2).then_some(body["stock"].clone())
        }
    })
    .await;
    assert_eq!((stock["available"].clone(), stock["held"].clone()), (json!(3), json!(0)));

    // Chat: the buyer writes on one instance, the seller reads live on the other; while the seller is away,
    // a message becomes a notification.
    let url = format!("{}/api/chat/conversations", p.chat[0]);
    let (status, conversation) =
        call(&client, Method::POST, &url, &buyer, Some(&json!({ "product_id": product_id })), None).await;
    assert_eq!(status, 201, "{conversation}");
    let conversation_id = conversation["id"].as_str().unwrap().to_owned();
    let mut seller_socket = Socket::open(&p.chat[1], &seller).await;
    let mut buyer_socket = Socket::open(&p.chat[0], &buyer).await;
    // Each instance shares who has a socket open with the others once a second (settings.chat.
    // presence_interval_ms); give them two rounds, so each side counts as online on the other instance.
    tokio::time::sleep(PRESENCE).await;
    buyer_socket
        .send(json!({ "type": "send", "conversation_id": conversation_id, "body": "Thank you, it arrived!" }))
        .await;
    assert_eq!(seller_socket.message().await, "Thank you, it arrived!");
    let url = format!("{}/api/chat/conversations/{conversation_id}/messages", p.chat[1]);
    let (status, _) =
        call(&client, Method::POST, &url, &seller, Some(&json!({ "body": "Enjoy your tea!" })), None).await;
    assert_eq!(status, 201);
    assert_eq!(buyer_socket.message().await, "Enjoy your tea!");
    drop(seller_socket);
    tokio::time::sleep(PRESENCE).await;
    let url = format!("{}/api/chat/conversations/{conversation_id}/messages", p.chat[0]);
    let (status, _) =
        call(&client, Method::POST, &url, &buyer, Some(&json!({ "body": "One more question" })), None).await;
    assert_eq!(status, 201);

    // Notifications: every step reached the right inbox, once.
    let buyer_orders = until("the buyer's order notifications", patient, || {
        let (client, buyer) = (client.clone(), buyer.clone());
        async move {
            let found = notifications(&client, p, &buyer, "orders").await;
            (found.len() >= 4).then_some(found)
        }
    })
    .await;
    let seller_messages = until("the seller's message notification", patient, || {
        let (client, seller) = (client.clone(), seller.clone());
        async move {
            let found = notifications(&client, p, &seller, "messages").await;
            (!found.is_empty()).then_some(found)
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let buyer_orders_settled = notifications(&client, p, &buyer, "orders").await;
    assert_eq!(buyer_orders_settled.len(), buyer_orders.len(), "notifications kept coming: {buyer_orders_settled:?}");
    assert_eq!(buyer_orders.len(), 4, "placed, paid, shipped, delivered — each once: {buyer_orders:?}");
    assert!(buyer_orders.iter().all(|n| n["link"] == format!("/orders/{order_id}")), "{buyer_orders:?}");
    let seller_orders = notifications(&client, p, &seller, "orders").await;
    assert_eq!(seller_orders.len(), 2, "a new order to ship, and its delivery: {seller_orders:?}");
    assert_eq!(notifications(&client, p, &seller, "account").await.len(), 1, "the approval");
    assert_eq!(seller_messages.len(), 1, "only the message sent while the seller was away: {seller_messages:?}");
    assert_eq!(seller_messages[0]["link"], format!("/messages/{conversation_id}"));
    assert!(notifications(&client, p, &buyer, "messages").await.is_empty(), "the buyer was online for the reply");
}

#[tokio::test]
async fn the_journey_in_one_process_on_embedded_storage() {
    let env: BTreeMap<String, String> = [
        ("AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL),
        ("AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("AGORA_DATABASE__SQLITE_SYNC_EVERY_COMMIT", "false"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let mut all = Process::new("all", "journey-one", &env);
    all.spawn();
    all.wait_until_ready().await;
    let url = all.url();
    let platform = Platform {
        identity: url.clone(),
        catalog: url.clone(),
        cart: url.clone(),
        order: url.clone(),
        payment: url.clone(),
        chat: [url.clone(), url.clone()],
        notify: url.clone(),
        storefront: url,
    };
    journey(&platform, &mut Calm).await;
}

/// Stops one catalog instance after the listing; freezes the broker after the checkout is placed.
struct Outages {
    catalog: Process,
    broker_pid: String,
}

fn signal(pid: &str, sig: &str) {
    let status = std::process::Command::new("kill").args([sig, pid]).status().unwrap();
    assert!(status.success(), "kill {sig} {pid} failed");
}

#[async_trait::async_trait]
impl Disruptions for Outages {
    async fn after_listing(&mut self) {
        // Stopped as Kubernetes stops a pod, not killed: tansu 0.6 never gives a crashed member's partitions to
        // the members that remain (told to rebalance, they rejoin into the old assignment), so the checkouts
        // on the dead instance's partition would wait for ever. Crashes are `restarts.rs`'s, where the killed
        // process comes back.
        self.catalog.stop().await;
    }

    async fn after_placing(&mut self) -> Option<tokio::task::JoinHandle<()>> {
        signal(&self.broker_pid, "-STOP");
        let pid = self.broker_pid.clone();
        Some(tokio::spawn(async move {
            tokio::time::sleep(OUTAGE).await;
            signal(&pid, "-CONT");
        }))
    }
}

/// Thaws the broker however the test ends.
struct Thaw(String);

impl Drop for Thaw {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill").args(["-CONT", &self.0]).status();
    }
}

#[tokio::test]
async fn the_journey_with_one_process_per_service_survives_a_catalog_instance_and_the_broker_going_away() {
    let (Some(mut env), Some(brokers), Some(broker_pid)) = (
        production_env().await,
        agora_testkit::require("AGORA_TEST_KAFKA_OUTAGE_BROKERS"),
        agora_testkit::require("AGORA_TEST_KAFKA_OUTAGE_PID"),
    ) else {
        return;
    };
    // The broker this test may freeze (other tests use another one).
    env.insert("AGORA_BUS__KAFKA__BROKERS".into(), brokers);
    // As a deployment does it: the migration and topic jobs first, then servers that do neither.
    env.insert("AGORA_DATABASE__MIGRATE_ON_START".into(), "false".into());
    env.insert("AGORA_BUS__CREATE_TOPICS_ON_START".into(), "false".into());
    one_shot(&["migrate"], &env);
    one_shot(&["topics", "create"], &env);
    let _thaw = Thaw(broker_pid.clone());
    let mut processes: BTreeMap<&str, Process> = BTreeMap::new();
    for (name, services) in [
        ("identity", "identity"),
        ("catalog-a", "catalog"),
        ("catalog-b", "catalog"),
        ("cart", "cart"),
        ("order", "order"),
        ("payment", "payment"),
        ("wishlist", "wishlist"),
        ("chat-a", "chat"),
        ("chat-b", "chat"),
        ("notify", "notify"),
        ("storefront", "storefront"),
    ] {
        processes.insert(name, Process::new(services, &format!("journey-{name}"), &env));
    }
    let catalog = format!(
        "http://127.0.0.1:{}",
        round_robin(vec![processes["catalog-a"].port, processes["catalog-b"].port]).await
    );
    let mut routed = env.clone();
    let by_name: Vec<(&str, &Process)> = ["identity", "cart", "order", "payment", "wishlist", "notify", "storefront"]
        .into_iter()
        .map(|name| (name, &processes[name]))
        .chain([("chat", &processes["chat-a"])])
        .collect();
    route(&mut routed, &by_name);
    routed.insert("AGORA_URLS__CATALOG".into(), format!("{catalog}/api/catalog"));
    for process in processes.values_mut() {
        process.env = routed.clone();
        process.spawn();
    }
    for process in processes.values() {
        process.wait_until_ready().await;
    }
    let url = |name: &str| processes[name].url();
    let platform = Platform {
        identity: url("identity"),
        catalog,
        cart: url("cart"),
        order: url("order"),
        payment: url("payment"),
        chat: [url("chat-a"), url("chat-b")],
        notify: url("notify"),
        storefront: url("storefront"),
    };
    let mut outages = Outages { catalog: processes.remove("catalog-a").unwrap(), broker_pid };
    journey(&platform, &mut outages).await;
}
