//! One buyer's checkouts: split by seller, paid once, and every way one can fail.

use reqwest::Method;
use serde_json::json;

use crate::harness::{DECLINED_CARD, GOOD_CARD, Market, eventually};

#[tokio::test]
async fn a_cart_from_two_sellers_becomes_two_orders_paid_by_one_payment() {
    let market = Market::start().await;
    let (alice, bob, tea, pot) = market.two_shops().await;
    let (carol, address) = market.buyer("carol@example.com").await;
    market.add(&carol, &tea, 2).await;
    market.add(&carol, &pot, 1).await;

    let placed = market.checkout(&carol, &address, "first-try").await;
    let checkout = placed.ok(201).clone();
    assert_eq!(checkout["status"], "pending");
    assert_eq!(checkout["total"]["amount_minor"], 2 * 1250 + 3000);
    let orders = checkout["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2, "one order per seller");
    let id = checkout["id"].as_str().unwrap();

    let waiting = market.checkout_after(&carol, id, "pending").await;
    assert_eq!(waiting["status"], "awaiting_payment");
    assert!(waiting["pay_by"].is_string());
    assert_eq!(market.stock(&alice, &tea).await, (3, 2, 0), "held while the buyer pays");

    let paid = market.pay(&carol, id, GOOD_CARD).await;
    assert!(paid.status < 300, "{}", paid.body);
    let done = market.checkout_after(&carol, id, "awaiting_payment").await;
    assert_eq!(done["status"], "paid");
    assert!(done["orders"].as_array().unwrap().iter().all(|o| o["status"] == "paid"));
    eventually("held stock to become sold", || async { market.stock(&alice, &tea).await == (3, 0, 2) }).await;
    assert_eq!(market.stock(&bob, &pot).await, (1, 0, 1));

    let mine = market.call(Method::GET, "/api/order/orders", &carol).send().await;
    assert_eq!(mine.ok(200)["items"].as_array().unwrap().len(), 2);
    let order_id = orders[0]["id"].as_str().unwrap();
    let order = market.call(Method::GET, &format!("/api/order/orders/{order_id}"), &carol).send().await;
    let kinds: Vec<&str> =
        order.ok(200)["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["placed", "stock_reserved", "paid"]);
    assert_eq!(order.body["address"]["city"], "London");

    eventually("the cart to drop what was bought", || async {
        let cart = market.call(Method::GET, "/api/cart/cart", &carol).send().await;
        cart.body["items"].as_array().is_some_and(Vec::is_empty)
    })
    .await;

    // Someone else sees neither the checkout nor its orders.
    let (dave, _) = market.buyer("dave@example.com").await;
    market
        .call(Method::GET, &format!("/api/order/checkouts/{id}"), &dave)
        .send()
        .await
        .problem(404, "checkout_not_found");
    market
        .call(Method::GET, &format!("/api/order/orders/{order_id}"), &dave)
        .send()
        .await
        .problem(404, "order_not_found");
    market.app.request(Method::GET, &format!("/api/order/checkouts/{id}")).send().await.problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_declined_card_can_be_retried_with_another() {
    let market = Market::start().await;
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 5).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    market.add(&carol, &tea, 1).await;
    let id = market.checkout(&carol, &address, "k1").await.ok(201)["id"].as_str().unwrap().to_owned();
    market.checkout_after(&carol, &id, "pending").await;

    let declined = market.pay(&carol, &id, DECLINED_CARD).await;
    assert_eq!(declined.status, 402, "{}", declined.body);
    eventually("the failure to show on the checkout", || async {
        market.get_checkout(&carol, &id).await["payment_error"].is_string()
    })
    .await;
    assert_eq!(market.get_checkout(&carol, &id).await["status"], "awaiting_payment", "still open");

    assert!(market.pay(&carol, &id, GOOD_CARD).await.status < 300);
    assert_eq!(market.checkout_after(&carol, &id, "awaiting_payment").await["status"], "paid");
}

#[tokio::test]
async fn a_checkout_not_paid_in_time_is_cancelled_and_its_stock_returns() {
    let settings = [("settings.order.checkout_ttl_secs", "1"), ("settings.order.sweep_secs", "1")];
    let market = Market::start_on(agora_testkit::Backends::EMBEDDED, &settings).await.unwrap();
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 5).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    market.add(&carol, &tea, 3).await;
    let id = market.checkout(&carol, &address, "k1").await.ok(201)["id"].as_str().unwrap().to_owned();
    market.checkout_after(&carol, &id, "pending").await;

    let cancelled = market.checkout_after(&carol, &id, "awaiting_payment").await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "payment_timeout");
    assert!(cancelled["orders"].as_array().unwrap().iter().all(|o| o["status"] == "cancelled"));
    eventually("the held units to return", || async { market.stock(&alice, &tea).await == (5, 0, 0) }).await;

    let late = market.pay(&carol, &id, GOOD_CARD).await;
    assert_eq!(late.status, 409, "a cancelled checkout cannot be paid: {}", late.body);
}

#[tokio::test]
async fn a_price_change_since_adding_is_shown_and_prices_in_bodies_are_ignored() {
    let market = Market::start().await;
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1000, 5).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    let body = json!({ "product_id": tea, "quantity": 1, "unit_price": { "amount_minor": 1, "currency": "EUR" } });
    market.call(Method::POST, "/api/cart/cart/items", &carol).json(&body).send().await.ok(200);

    // The seller raises the price after the buyer added it.
    let product = market.call(Method::GET, &format!("/api/catalog/products/{tea}"), &alice).send().await;
    let mut edit = product.ok(200).clone();
    let update = json!({
        "title": edit["title"].take(), "description": edit["description"].take(),
        "price": { "amount_minor": 1500, "currency": "EUR" }, "category_id": edit["category"]["id"].take(),
        "attributes": [], "stock": 5,
    });
    market.call(Method::PUT, &format!("/api/catalog/products/{tea}"), &alice).json(&update).send().await.ok(200);
    eventually("order to hear of the new price", || async {
        let preview = market.call(Method::POST, "/api/order/checkouts/preview", &carol).send().await;
        preview.body["total"]["amount_minor"] == 1500
    })
    .await;

    let preview = market.call(Method::POST, "/api/order/checkouts/preview", &carol).send().await;
    assert_eq!(preview.body["price_changed"], true);
    let line = &preview.body["orders"][0]["lines"][0];
    assert_eq!(
        (line["price_when_added"]["amount_minor"].clone(), line["unit_price"]["amount_minor"].clone()),
        (json!(1000), json!(1500))
    );

    let body = json!({ "address_id": address, "total": { "amount_minor": 1 }, "amount": 1 });
    let placed = market
        .call(Method::POST, "/api/order/checkouts", &carol)
        .header("idempotency-key", "k")
        .json(&body)
        .send()
        .await;
    let checkout = placed.ok(201).clone();
    assert_eq!(checkout["total"]["amount_minor"], 1500, "the server's price, not the body's");
    assert_eq!(checkout["price_changed"], true, "the buyer sees the change before paying");
}

#[tokio::test]
async fn what_cannot_be_bought_is_named_and_nothing_is_placed() {
    let market = Market::start().await;
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1000, 5).await;
    let (carol, address) = market.buyer("carol@example.com").await;

    market.checkout(&carol, &address, "empty").await.problem(409, "cart_empty");
    market.add(&carol, &tea, 1).await;
    market.call(Method::POST, &format!("/api/catalog/products/{tea}/hide"), &alice).send().await.ok(200);
    eventually("order to hear the product is hidden", || async {
        let preview = market.call(Method::POST, "/api/order/checkouts/preview", &carol).send().await;
        preview.body["unavailable_lines"].as_array().is_some_and(|l| l.len() == 1)
    })
    .await;
    let refused = market.checkout(&carol, &address, "hidden").await;
    let problem = refused.problem(409, "products_unavailable");
    assert!(problem["detail"].as_str().unwrap().contains("Sencha"));
    assert_eq!(problem["unavailable_lines"][0]["product_id"], tea.as_str());

    let body = json!({ "address_id": uuid::Uuid::now_v7() });
    let reply = market
        .call(Method::POST, "/api/order/checkouts", &carol)
        .header("idempotency-key", "x")
        .json(&body)
        .send()
        .await;
    reply.problem(404, "address_not_found");
    let no_key =
        market.call(Method::POST, "/api/order/checkouts", &carol).json(&json!({ "address_id": address })).send().await;
    no_key.problem(422, "idempotency_key_required");
}

#[tokio::test]
async fn a_stock_hold_expiring_before_payment_cancels_the_orders_and_returns_the_stock() {
    // Catalog's hold runs out first. Order's own sweeper, which would cancel at the same moment (its payment
    // window ends with the hold), is kept out of the way so that catalog's expiry is what cancels.
    let settings = [
        ("settings.catalog.hold_ttl_secs", "1"),
        ("settings.catalog.hold_sweep_secs", "1"),
        ("settings.order.sweep_secs", "3600"),
    ];
    let market = Market::start_on(agora_testkit::Backends::EMBEDDED, &settings).await.unwrap();
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 5).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    market.add(&carol, &tea, 2).await;
    let id = market.checkout(&carol, &address, "k1").await.ok(201)["id"].as_str().unwrap().to_owned();
    let decided = market.checkout_after(&carol, &id, "pending").await;
    let checkout = if decided["status"] == "awaiting_payment" {
        market.checkout_after(&carol, &id, "awaiting_payment").await
    } else {
        decided
    };
    assert_eq!(checkout["status"], "cancelled", "{checkout}");
    assert_eq!(checkout["cancel_reason"], "hold_expired");
    assert!(checkout["orders"].as_array().unwrap().iter().all(|o| o["status"] == "cancelled"));
    eventually("the expired hold's units to return", || async { market.stock(&alice, &tea).await == (5, 0, 0) }).await;
    let order_id = checkout["orders"][0]["id"].as_str().unwrap();
    let order = market.call(Method::GET, &format!("/api/order/orders/{order_id}"), &carol).send().await;
    let kinds: Vec<&str> =
        order.ok(200)["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["placed", "stock_reserved", "cancelled"]);
}
