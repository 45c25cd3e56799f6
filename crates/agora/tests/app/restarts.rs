//! Checkouts survive their services being killed: identity, catalog and cart in one process, order and
//! payment in one process each, on real PostgreSQL, Redis and a Kafka-protocol broker. While buyers check
//! out and pay (retrying with the same Idempotency-Key when a request fails, as a client does), the order
//! process and then the payment process are killed with SIGKILL and started again. Every checkout ends
//! paid, exactly once: one order per buyer, one successful charge per checkout, stock sold exactly.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD, DESCRIPTION, PASSWORD};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::binary::agora;

const GOOD_CARD: &str = "4242424242424242";
/// How long a killed process stays down.
const DOWN: Duration = Duration::from_secs(8);

/// One `agora serve --services …` process, restartable on the same port and data directory.
struct Process {
    services: &'static str,
    port: u16,
    env: BTreeMap<String, String>,
    /// Kept after the test (logs in `serve.log`), so a failure can be read.
    dir: std::path::PathBuf,
    child: Option<Child>,
}

impl Process {
    fn spawn(&mut self) {
        let mut command = agora();
        command
            .args(["serve", "--services", self.services, "--listen", &format!("127.0.0.1:{}", self.port)])
            .arg("--data-dir")
            .arg(&self.dir)
            .envs(&self.env)
            .stdout(Stdio::null())
            .stderr(std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("serve.log")).unwrap());
        self.child = Some(command.spawn().unwrap());
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(reply) = reqwest::get(format!("{}/readyz", self.url())).await
                && reply.status() == StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "{} did not become ready", self.services);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Sends a request until the service answers (a killed process refuses connections for a while).
async fn call(
    client: &Client,
    method: Method,
    url: &str,
    token: &str,
    body: Option<&Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let mut request = client.request(method.clone(), url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        match request.send().await {
            Ok(reply) if !reply.status().is_server_error() => {
                let status = reply.status().as_u16();
                return (status, reply.json().await.unwrap_or(Value::Null));
            }
            _ => {
                assert!(Instant::now() < deadline, "{method} {url} never answered");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn session(client: &Client, identity: &str, email: &str, password: &str) -> (String, String) {
    let body = json!({ "email": email, "password": password });
    let reply = client.post(format!("{identity}/api/identity/sessions")).json(&body).send().await.unwrap();
    let body: Value = reply.json().await.unwrap();
    (body["access_token"].as_str().unwrap().to_owned(), body["refresh_token"].as_str().unwrap().to_owned())
}

async fn buyer(client: &Client, front: &str, order: &str, email: &str) -> String {
    let body = json!({ "email": email, "password": PASSWORD, "display_name": "Buyer" });
    let reply = client.post(format!("{front}/api/identity/users")).json(&body).send().await.unwrap();
    assert_eq!(reply.status(), 201);
    let (token, _) = session(client, front, email, PASSWORD).await;
    let address =
        json!({ "full_name": "Ada", "line1": "1 Road", "city": "Paris", "postal_code": "75001", "country": "FR" });
    let (status, _) =
        call(client, Method::POST, &format!("{order}/api/order/addresses"), &token, Some(&address), None).await;
    assert_eq!(status, 201);
    token
}

/// One buyer's whole purchase, retrying each step through outages; answers the final checkout.
async fn purchase(client: Client, order: String, payment: String, token: String, address: String) -> Value {
    let body = json!({ "address_id": address });
    let (status, placed) =
        call(&client, Method::POST, &format!("{order}/api/order/checkouts"), &token, Some(&body), Some("buy-once"))
            .await;
    assert!(status == 201 || status == 200, "{placed}");
    let id = placed["id"].as_str().unwrap().to_owned();
    let checkout_url = format!("{order}/api/order/checkouts/{id}");
    let card =
        json!({ "card_number": GOOD_CARD, "exp_month": 12, "exp_year": 2040, "cvc": "123", "cardholder": "Ada" });
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (_, checkout) = call(&client, Method::GET, &checkout_url, &token, None, None).await;
        if Instant::now() > deadline {
            let (_, paid) = call(
                &client,
                Method::GET,
                &format!("{payment}/api/payment/checkouts/{id}/payment"),
                &token,
                None,
                None,
            )
            .await;
            panic!("checkout {id} never got paid: {checkout}\npayment: {paid}");
        }
        match checkout["status"].as_str() {
            Some("paid") => return checkout,
            Some("awaiting_payment") => {
                let url = format!("{payment}/api/payment/checkouts/{id}/payment/attempts");
                call(&client, Method::POST, &url, &token, Some(&card), None).await;
            }
            Some("pending") => {}
            other => panic!("checkout {id} ended {other:?}: {checkout}"),
        }
        assert!(Instant::now() < deadline, "checkout {id} never got paid");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn killing_order_and_payment_mid_checkout_loses_and_duplicates_nothing() {
    let (Some(_), Some(brokers), Some(redis)) = (
        agora_testkit::require("AGORA_TEST_DATABASE_URL"),
        agora_testkit::require("AGORA_TEST_KAFKA_BROKERS"),
        agora_testkit::require("AGORA_TEST_REDIS_URL"),
    ) else {
        return;
    };
    let database = agora_testkit::fresh_postgres_url().await.unwrap();
    let ports: BTreeMap<&str, u16> = [("front", free_port()), ("order", free_port()), ("payment", free_port())].into();
    let url = |p: &str| format!("http://127.0.0.1:{}", ports[p]);
    let mut env: BTreeMap<String, String> = [
        ("AGORA_DATABASE__URL", database.as_str()),
        ("AGORA_DATABASE__MIGRATE_ON_START", "true"),
        ("AGORA_BUS__BACKEND", "kafka"),
        ("AGORA_BUS__KAFKA__BROKERS", brokers.as_str()),
        ("AGORA_BUS__PARTITIONS", "2"),
        ("AGORA_OUTBOX__IDLE_INTERVAL_MS", "10"),
        // A killed process's partitions pass to its successor once the broker gives up on it; and its outbox
        // relay lease, once that runs out.
        ("AGORA_BUS__KAFKA__PROPERTIES__SESSION_TIMEOUT_MS", "6000"),
        ("AGORA_OUTBOX__LEASE_SECS", "3"),
        ("REDIS_URL", redis.as_str()),
        ("AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL),
        ("AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("AGORA_SETTINGS__IDENTITY__REGISTRATIONS_PER_ADDRESS", "1000"),
        ("AGORA_SETTINGS__PAYMENT__SIMULATED__WEBHOOK_SECRET", "whsec_restart_test_secret"),
        // An attempt cut off by the kill is looked up at the provider after this long.
        ("AGORA_SETTINGS__PAYMENT__RECONCILE_AFTER_SECS", "3"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    env.insert("AGORA_BUS__TOPIC_PREFIX".into(), agora_testkit::unique_prefix());
    // What the test backends need of clients (tansu: one record per producer batch).
    for (key, value) in agora_testkit::kafka_properties() {
        env.insert(format!("AGORA_BUS__KAFKA__PROPERTIES__{}", key.replace('.', "_").to_uppercase()), value);
    }
    for (service, process) in
        [("identity", "front"), ("catalog", "front"), ("cart", "front"), ("order", "order"), ("payment", "payment")]
    {
        env.insert(format!("AGORA_URLS__{}", service.to_uppercase()), format!("{}/api/{service}", url(process)));
    }
    let process = |services: &'static str, name: &str| Process {
        services,
        port: ports[name],
        env: env.clone(),
        dir: tempfile::Builder::new().prefix(&format!("agora-restarts-{name}-")).tempdir().unwrap().keep(),
        child: None,
    };
    let mut front = process("identity,catalog,cart", "front");
    let mut order = process("order", "order");
    let mut payment = process("payment", "payment");
    for p in [&mut front, &mut order, &mut payment] {
        p.spawn();
    }
    for p in [&front, &order, &payment] {
        p.wait_until_ready().await;
    }
    let client = Client::new();
    let (front_url, order_url, payment_url) = (url("front"), url("order"), url("payment"));

    // A seller with one product of 100 units.
    let (admin, _) = session(&client, &front_url, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let seller = buyer(&client, &front_url, &order_url, "seller@example.com").await;
    let application = json!({ "shop_name": "Sturdy Shop", "description": DESCRIPTION });
    let (_, application) = call(
        &client,
        Method::POST,
        &format!("{front_url}/api/identity/seller-applications"),
        &seller,
        Some(&application),
        None,
    )
    .await;
    let approve =
        format!("{front_url}/api/identity/admin/seller-applications/{}/approve", application["id"].as_str().unwrap());
    assert_eq!(call(&client, Method::POST, &approve, &admin, None, None).await.0, 200);
    let (seller, _) = session(&client, &front_url, "seller@example.com", PASSWORD).await;
    let (_, category) = call(
        &client,
        Method::POST,
        &format!("{front_url}/api/catalog/categories"),
        &admin,
        Some(&json!({ "name": "Things" })),
        None,
    )
    .await;
    let product = json!({
        "title": "Sturdy Mug", "description": "Survives anything.", "price": { "amount_minor": 900, "currency": "EUR" },
        "category_id": category["id"], "attributes": [], "stock": 100,
    });
    let (status, product) =
        call(&client, Method::POST, &format!("{front_url}/api/catalog/products"), &seller, Some(&product), None).await;
    assert_eq!(status, 201, "{product}");
    let product_id = product["id"].as_str().unwrap().to_owned();

    // Twenty buyers with two mugs each in their carts.
    let mut buyers = Vec::new();
    for i in 0..20 {
        let token = buyer(&client, &front_url, &order_url, &format!("buyer{i}@example.com")).await;
        let (_, addresses) =
            call(&client, Method::GET, &format!("{order_url}/api/order/addresses"), &token, None, None).await;
        let item = json!({ "product_id": product_id, "quantity": 2 });
        assert_eq!(
            call(&client, Method::POST, &format!("{front_url}/api/cart/cart/items"), &token, Some(&item), None).await.0,
            200
        );
        buyers.push((token, addresses[0]["id"].as_str().unwrap().to_owned()));
    }
    // Order has heard of the product once a preview prices it.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, preview) =
            call(&client, Method::POST, &format!("{order_url}/api/order/checkouts/preview"), &buyers[0].0, None, None)
                .await;
        if preview["unavailable_lines"].as_array().is_some_and(Vec::is_empty)
            && preview["total"]["amount_minor"] == 1800
        {
            break;
        }
        assert!(Instant::now() < deadline, "order never heard of the product: {preview}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let purchases: Vec<_> = buyers
        .iter()
        .map(|(token, address)| {
            tokio::spawn(purchase(
                client.clone(),
                order_url.clone(),
                payment_url.clone(),
                token.clone(),
                address.clone(),
            ))
        })
        .collect();
    let order = Arc::new(tokio::sync::Mutex::new(order));
    let payment = Arc::new(tokio::sync::Mutex::new(payment));
    tokio::time::sleep(Duration::from_millis(300)).await;
    order.lock().await.kill();
    // Down for longer than the broker's session timeout (6 s here): the dead member has left the group when
    // its successor joins. (A successor joining while tansu still counted the dead member sometimes got no
    // partitions at all.)
    tokio::time::sleep(DOWN).await;
    order.lock().await.spawn();
    order.lock().await.wait_until_ready().await;
    // Payment dies once buyers have begun paying, with the rest of their attempts in flight.
    let metrics = format!("{payment_url}/metrics");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
        if text.lines().any(|l| l.starts_with("agora_payment_attempts_total")) {
            break;
        }
        assert!(Instant::now() < deadline, "no one started paying in two minutes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    payment.lock().await.kill();
    tokio::time::sleep(DOWN).await;
    payment.lock().await.spawn();
    payment.lock().await.wait_until_ready().await;

    let mut checkouts = Vec::new();
    for purchase in purchases {
        checkouts.push(purchase.await.unwrap());
    }
    assert!(checkouts.iter().all(|c| c["status"] == "paid"));
    for ((token, _), checkout) in buyers.iter().zip(&checkouts) {
        let (_, orders) = call(&client, Method::GET, &format!("{order_url}/api/order/orders"), token, None, None).await;
        assert_eq!(orders["items"].as_array().unwrap().len(), 1, "one order per buyer: {orders}");
        let url = format!("{payment_url}/api/payment/checkouts/{}/payment", checkout["id"].as_str().unwrap());
        let (_, paid) = call(&client, Method::GET, &url, token, None, None).await;
        let charges = paid["attempts"].as_array().unwrap().iter().filter(|a| a["outcome"] == "succeeded").count();
        assert_eq!(charges, 1, "one charge per checkout: {paid}");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, product) =
            call(&client, Method::GET, &format!("{front_url}/api/catalog/products/{product_id}"), &seller, None, None)
                .await;
        let stock = &product["stock"];
        if (stock["available"].clone(), stock["held"].clone(), stock["sold"].clone())
            == (json!(60), json!(0), json!(40))
        {
            break;
        }
        assert!(Instant::now() < deadline, "stock never settled: {stock}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
