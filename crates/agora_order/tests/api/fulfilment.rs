//! After the sale: sellers ship and deliver, buyers and sellers cancel before shipping, payment refunds and
//! catalog restocks once however many times a cancellation is asked for, and every step the order's state
//! does not allow is refused without changing anything.

use agora_testkit::Backends;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Market, eventually};

fn kinds(order: &Value) -> Vec<String> {
    order["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

fn shipment() -> Value {
    json!({ "carrier": "DHL", "tracking_number": "JD0146000012345" })
}

#[tokio::test]
async fn a_seller_ships_and_delivers_and_buyer_and_seller_follow_the_timeline() {
    let market = Market::start().await;
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 5).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    let order = market.paid_order(&carol, &address, &tea, 2).await;

    let mine = market.call(Method::GET, "/api/order/seller/orders", &alice).send().await;
    let listed = &mine.ok(200)["items"];
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], order.as_str());
    assert_eq!(listed[0]["status"], "paid");
    let seen = market.order(&alice, &order).await;
    assert_eq!(seen["actions"], json!(["ship", "cancel"]));
    assert_eq!(seen["address"]["city"], "London", "the seller sees where to ship");
    assert_eq!(market.order(&carol, &order).await["actions"], json!(["cancel"]));

    let shipped = market.act(&alice, &order, "ship", shipment()).await;
    assert_eq!(shipped.ok(200)["status"], "shipped");
    assert_eq!(shipped.body["shipment"]["tracking_number"], "JD0146000012345");
    assert_eq!(shipped.body["actions"], json!(["deliver"]));
    assert_eq!(market.order(&carol, &order).await["actions"], json!([]), "too late to cancel");

    let delivered = market.act(&alice, &order, "deliver", json!({})).await;
    assert_eq!(delivered.ok(200)["status"], "delivered");
    assert!(delivered.body["delivered_at"].is_string());
    let again = market.act(&alice, &order, "deliver", json!({})).await;
    assert_eq!(again.ok(200)["status"], "delivered", "delivering twice changes nothing");

    let seen = market.order(&carol, &order).await;
    assert_eq!(kinds(&seen), ["placed", "stock_reserved", "paid", "shipped", "delivered"]);
    let shipped_note = seen["timeline"][3]["note"].as_str().unwrap();
    assert!(shipped_note.contains("DHL") && shipped_note.contains("JD0146000012345"), "{shipped_note}");
    assert!(seen["timeline"].as_array().unwrap().iter().all(|e| e["at"].is_string()));

    let delivered = market.call(Method::GET, "/api/order/seller/orders?status=delivered", &alice).send().await;
    assert_eq!(delivered.ok(200)["items"].as_array().unwrap().len(), 1);
    let paid = market.call(Method::GET, "/api/order/seller/orders?status=paid", &alice).send().await;
    assert!(paid.ok(200)["items"].as_array().unwrap().is_empty());
    let bad = market.call(Method::GET, "/api/order/seller/orders?status=lost", &alice).send().await;
    assert_eq!(bad.problem(422, "invalid_input")["errors"][0]["field"], "status");
    let buyer_list = market.call(Method::GET, "/api/order/seller/orders", &carol).send().await;
    buyer_list.problem(403, "forbidden");
}

/// Tries `action` as `who` and checks it is refused with `status`/`code` and that the order is unchanged.
async fn refused(
    market: &Market,
    who: &agora_testkit::api::Session,
    order: &str,
    action: &str,
    body: Value,
    status: u16,
    code: &str,
) -> Value {
    let before = market.order(&market.admin, order).await;
    let reply = market.act(who, order, action, body).await;
    let problem = reply.problem(status, code).clone();
    let after = market.order(&market.admin, order).await;
    assert_eq!(before, after, "a refused {action} changed the order");
    problem
}

#[tokio::test]
async fn every_illegal_transition_is_refused_and_changes_nothing() {
    let market = Market::start().await;
    let alice = market.alice().await;
    let bob = market.bob().await;
    let tea = market.product(&alice, "Sencha", 1250, 10).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    let (dave, _) = market.buyer("dave@example.com").await;
    let order = market.paid_order(&carol, &address, &tea, 1).await;

    // Deliver before shipping.
    let problem = refused(&market, &alice, &order, "deliver", json!({}), 409, "illegal_transition").await;
    assert_eq!(problem["current_status"], "paid", "the current state is named");
    // Another seller, another buyer: not theirs to see.
    refused(&market, &bob, &order, "ship", shipment(), 404, "order_not_found").await;
    refused(&market, &bob, &order, "cancel", json!({ "reason": "mine now" }), 404, "order_not_found").await;
    refused(&market, &dave, &order, "cancel", json!({}), 404, "order_not_found").await;
    market.call(Method::GET, &format!("/api/order/orders/{order}"), &bob).send().await.problem(404, "order_not_found");
    // The buyer does not ship; a seller says why they cancel; a shipment names its carrier.
    refused(&market, &carol, &order, "ship", shipment(), 403, "forbidden").await;
    let problem = refused(&market, &alice, &order, "cancel", json!({}), 422, "invalid_input").await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let problem = refused(
        &market,
        &alice,
        &order,
        "ship",
        json!({ "carrier": "", "tracking_number": "1" }),
        422,
        "invalid_input",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "carrier");

    market.act(&alice, &order, "ship", shipment()).await.ok(200);
    let problem = refused(&market, &alice, &order, "ship", shipment(), 409, "illegal_transition").await;
    assert_eq!(problem["current_status"], "shipped");
    let problem = refused(&market, &carol, &order, "cancel", json!({}), 409, "illegal_transition").await;
    assert_eq!(problem["current_status"], "shipped");
    assert!(problem["detail"].as_str().unwrap().contains("cannot be cancelled"), "{problem}");
    market.act(&alice, &order, "deliver", json!({})).await.ok(200);
    let problem = refused(&market, &carol, &order, "cancel", json!({}), 409, "illegal_transition").await;
    assert_eq!(problem["current_status"], "delivered");
    refused(&market, &alice, &order, "cancel", json!({ "reason": "changed my mind" }), 409, "illegal_transition").await;

    // A cancelled order is never shipped or delivered.
    let other = market.paid_order(&carol, &address, &tea, 1).await;
    market.act(&carol, &other, "cancel", json!({ "reason": "ordered twice" })).await.ok(200);
    // The refund arrives by event; wait for it so that only the refused request could change the order.
    eventually("the refund", || async { market.order(&carol, &other).await["status"] == "refunded" }).await;
    let problem = refused(&market, &alice, &other, "ship", shipment(), 409, "illegal_transition").await;
    assert_eq!(problem["current_status"], "refunded");
    refused(&market, &alice, &other, "deliver", json!({}), 409, "illegal_transition").await;
}

#[tokio::test]
async fn concurrent_cancels_refund_once_and_return_the_stock_once() {
    concurrent_cancels(Market::start().await).await;
}

#[tokio::test]
async fn concurrent_cancels_refund_once_and_return_the_stock_once_on_postgres_and_kafka() {
    let Some(market) = Market::start_on(Backends::PRODUCTION, &[]).await else { return };
    concurrent_cancels(market).await;
}

/// Buyer and seller ask to cancel one paid order twelve times at once.
async fn concurrent_cancels(market: Market) {
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 10).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    let order = market.paid_order(&carol, &address, &tea, 3).await;
    eventually("the sale to be recorded", || async { market.stock(&alice, &tea).await == (7, 0, 3) }).await;

    let cancels = (0..12).map(|i| {
        let (who, body) =
            if i % 2 == 0 { (&carol, json!({})) } else { (&alice, json!({ "reason": "Cannot ship this week" })) };
        market.act(who, &order, "cancel", body)
    });
    let replies = futures::future::join_all(cancels).await;
    for reply in &replies {
        assert!(["cancelled", "refunded"].contains(&reply.ok(200)["status"].as_str().unwrap()), "{}", reply.body);
    }

    eventually("the refund to be confirmed", || async { market.order(&carol, &order).await["status"] == "refunded" })
        .await;
    eventually("the units to be back", || async { market.stock(&alice, &tea).await == (10, 0, 0) }).await;
    let seen = market.order(&carol, &order).await;
    assert_eq!(kinds(&seen), ["placed", "stock_reserved", "paid", "cancelled", "refunded"], "one of each");
    assert_eq!(seen["refund"]["amount"]["amount_minor"], 3 * 1250);
    assert_eq!(seen["refund"]["status"], "refunded");
    assert!(["buyer", "seller"].contains(&seen["cancellation"]["by"].as_str().unwrap()));

    // Nothing more arrives later: still one refund, stock not returned twice.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(market.stock(&alice, &tea).await, (10, 0, 0));
    assert_eq!(kinds(&market.order(&carol, &order).await).len(), 5);
    let checkout = seen["checkout_id"].as_str().unwrap();
    let payment = market.call(Method::GET, &format!("/api/payment/checkouts/{checkout}/payment"), &carol).send().await;
    assert_eq!(payment.ok(200)["status"], "refunded", "{}", payment.body);
}

#[tokio::test]
async fn cancelling_one_sellers_order_refunds_only_its_share() {
    let market = Market::start().await;
    let (alice, bob, tea, pot) = market.two_shops().await;
    let (carol, address) = market.buyer("carol@example.com").await;
    let checkout = market.paid_checkout(&carol, &address, &[(&tea, 2), (&pot, 1)]).await;
    let orders = checkout["orders"].as_array().unwrap();
    let id_of = |total: i64| {
        let order = orders.iter().find(|o| o["total"]["amount_minor"] == total).unwrap();
        order["id"].as_str().unwrap().to_owned()
    };
    let (tea_order, pot_order) = (id_of(2 * 1250), id_of(3000));
    eventually("the sale to be recorded", || async { market.stock(&bob, &pot).await == (1, 0, 1) }).await;

    let cancelled = market.act(&bob, &pot_order, "cancel", json!({ "reason": "Broken in the warehouse" })).await;
    assert_eq!(cancelled.ok(200)["cancellation"]["reason"], "Broken in the warehouse");
    assert_eq!(cancelled.body["refund"]["status"], "pending");
    eventually("the refund", || async { market.order(&carol, &pot_order).await["status"] == "refunded" }).await;
    assert_eq!(market.order(&carol, &pot_order).await["refund"]["amount"]["amount_minor"], 3000);
    eventually("the pot to be back", || async { market.stock(&bob, &pot).await == (2, 0, 0) }).await;
    assert_eq!(market.stock(&alice, &tea).await, (3, 0, 2), "the other seller's sale stands");
    assert_eq!(market.order(&carol, &tea_order).await["status"], "paid");
    let note = &market.order(&carol, &pot_order).await["timeline"][3]["note"];
    assert!(note.as_str().unwrap().contains("Broken in the warehouse"), "{note}");
}

#[tokio::test]
async fn the_seller_overview_counts_what_was_sold() {
    let market = Market::start().await;
    let alice = market.alice().await;
    let bob = market.bob().await;
    let tea = market.product(&alice, "Sencha", 1250, 20).await;
    let cups = market.product(&alice, "Tea cups", 800, 4).await;
    let pot = market.product(&bob, "Teapot", 3000, 9).await;
    let (carol, address) = market.buyer("carol@example.com").await;

    let first = market.paid_order(&carol, &address, &tea, 3).await;
    let second = market.paid_order(&carol, &address, &cups, 2).await;
    let third = market.paid_order(&carol, &address, &tea, 1).await;
    market.paid_order(&carol, &address, &pot, 1).await;
    market.act(&alice, &second, "ship", shipment()).await.ok(200);
    market.act(&alice, &second, "deliver", json!({})).await.ok(200);
    market.act(&carol, &third, "cancel", json!({})).await.ok(200);
    eventually("the cups' stock to reach order", || async {
        let overview = market.call(Method::GET, "/api/order/seller/overview", &alice).send().await;
        overview.ok(200)["low_stock"].as_array().unwrap().iter().any(|p| p["product_id"] == cups.as_str())
    })
    .await;

    let overview = market.call(Method::GET, "/api/order/seller/overview", &alice).send().await.ok(200).clone();
    let days = overview["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let today = &days[29];
    assert_eq!(today["orders"], 2, "the cancelled order does not count: {overview}");
    assert_eq!(today["revenue"]["amount_minor"], 3 * 1250 + 2 * 800);
    assert!(days[..29].iter().all(|d| d["orders"] == 0));
    assert_eq!(overview["totals"]["orders"], 2);
    assert_eq!(overview["totals"]["revenue"]["amount_minor"], 3 * 1250 + 2 * 800);
    let status = &overview["by_status"];
    assert_eq!((status["paid"].as_i64(), status["delivered"].as_i64()), (Some(1), Some(1)));
    assert_eq!(status["cancelled"].as_i64().unwrap() + status["refunded"].as_i64().unwrap(), 1);
    let top = overview["top_products"].as_array().unwrap();
    assert_eq!(top.len(), 2);
    assert_eq!((top[0]["title"].as_str(), top[0]["units"].as_i64()), (Some("Sencha"), Some(3)));
    assert_eq!(top[0]["revenue"]["amount_minor"], 3 * 1250);
    assert_eq!((top[1]["title"].as_str(), top[1]["units"].as_i64()), (Some("Tea cups"), Some(2)));
    let low = overview["low_stock"].as_array().unwrap();
    assert_eq!(low.len(), 1, "{overview}");
    assert_eq!((low[0]["available"].as_i64(), low[0]["threshold"].as_i64()), (Some(2), Some(3)));
    let _ = first;

    let bobs = market.call(Method::GET, "/api/order/seller/overview", &bob).send().await.ok(200).clone();
    assert_eq!(bobs["totals"]["orders"], 1, "each seller sees only their own sales");
    market.call(Method::GET, "/api/order/seller/overview", &carol).send().await.problem(403, "forbidden");
}
