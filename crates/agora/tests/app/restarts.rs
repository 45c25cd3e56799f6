//! Checkouts survive their services being killed: identity, catalog and cart in one process, order and
//! payment in one process each, on real PostgreSQL, Redis and a Kafka-protocol broker. While buyers check
//! out and pay (retrying with the same Idempotency-Key when a request fails, as a client does), the order
//! process and then the payment process are killed with SIGKILL and started again. Every checkout ends
//! paid, exactly once: one order per buyer, one successful charge per checkout, stock sold exactly.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};
use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::cluster::{Process, approved_seller, call, listed_product, production_env, route, session};

const GOOD_CARD: &str = "4242424242424242";
/// How long a killed process stays down.
const DOWN: Duration = Duration::from_secs(8);

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
    let Some(mut env) = production_env().await else { return };
    // A killed process's partitions pass to its successor once the broker gives up on it; and its outbox
    // relay lease, once that runs out.
    env.insert("AGORA_BUS__KAFKA__PROPERTIES__SESSION_TIMEOUT_MS".into(), "6000".into());
    env.insert("AGORA_OUTBOX__LEASE_SECS".into(), "3".into());
    env.insert("AGORA_SETTINGS__PAYMENT__SIMULATED__WEBHOOK_SECRET".into(), "whsec_restart_test_secret".into());
    // An attempt cut off by the kill is looked up at the provider after this long.
    env.insert("AGORA_SETTINGS__PAYMENT__RECONCILE_AFTER_SECS".into(), "3".into());
    let mut front = Process::new("identity,catalog,cart", "restarts-front", &env);
    let mut order = Process::new("order", "restarts-order", &env);
    let mut payment = Process::new("payment", "restarts-payment", &env);
    let mut routed = env.clone();
    route(
        &mut routed,
        &[("identity", &front), ("catalog", &front), ("cart", &front), ("order", &order), ("payment", &payment)],
    );
    for p in [&mut front, &mut order, &mut payment] {
        p.env = routed.clone();
    }
    for p in [&mut front, &mut order, &mut payment] {
        p.spawn();
    }
    for p in [&front, &order, &payment] {
        p.wait_until_ready().await;
    }
    let client = Client::new();
    let (front_url, order_url, payment_url) = (front.url(), order.url(), payment.url());

    // A seller with one product of 100 units.
    let (admin, _) = session(&client, &front_url, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let seller = buyer(&client, &front_url, &order_url, "seller@example.com").await;
    let seller = approved_seller(&client, &front_url, &admin, &seller, "seller@example.com").await;
    let product = listed_product(&client, &front_url, &admin, &seller, "Sturdy Mug", 100).await;
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
