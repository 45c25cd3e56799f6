//! The Stripe-compatible adapter refunding one order's share of a PaymentIntent: the amount and the
//! refund's idempotency key on every request, each order its own key; a refund the provider fails — down,
//! or done with its answer lost — retried with the same key until confirmed, and made once; and nothing
//! more for an order whose whole checkout is being refunded already.

use std::time::Duration;

use serde_json::{Value, json};

use crate::fake_stripe::{FakeStripe, RefundFailure, VISA};
use crate::feeder::{Order, cancelled};
use crate::harness::{Pay, REFUNDED, SUCCEEDED, buyer_id};
use crate::stripe::start;

/// A checkout of 5500 paid through the fake Stripe (`pi_fake_1`): its id, its payment's id, and its tea
/// (2500) and pot (3000) orders.
async fn paid(pay: &Pay) -> (uuid::Uuid, String, Order, Order, agora_testkit::api::Session) {
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 5500).await;
    let id = payment["id"].as_str().unwrap().to_owned();
    pay.attempt(&buyer, checkout, &json!({ "payment_method": VISA })).await.ok(200);
    pay.events.wait_for(SUCCEEDED, &id).await;
    let tea = Order::of(checkout, buyer_id(&buyer), 2500);
    let pot = Order::of(checkout, buyer_id(&buyer), 3000);
    (checkout, id, tea, pot, buyer)
}

fn refund_ids(view: &Value) -> Vec<String> {
    view["refunds"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stripe_adapter_refunds_each_orders_share_with_its_amount_and_idempotency_key() {
    let stripe = FakeStripe::start().await;
    let pay = start(&stripe).await;
    let (checkout, id, tea, pot, buyer) = paid(&pay).await;

    pay.feeder.emit("agora/order", &[tea.cancelled_with_refund(2500)]).await;
    let refunded = pay.events.wait_for(REFUNDED, &id).await;
    assert_eq!(refunded.data["provider_ref"], "pi_fake_1");
    assert_eq!(refunded.data["order_id"], tea.id.to_string());
    pay.feeder.emit("agora/order", &[pot.cancelled_with_refund(3000)]).await;
    pay.wait_refunds(&id, 2).await;

    let view = pay.wait_status(&buyer, checkout, Some("refunded")).await;
    let requests = stripe.requests("/v1/refunds");
    let sent: Vec<(Option<&str>, Option<&str>, Option<&str>)> =
        requests.iter().map(|r| (r.field("payment_intent"), r.field("amount"), r.idempotency_key.as_deref())).collect();
    let keys = refund_ids(&view);
    assert_eq!(
        sent,
        [
            (Some("pi_fake_1"), Some("2500"), Some(keys[0].as_str())),
            (Some("pi_fake_1"), Some("3000"), Some(keys[1].as_str()))
        ]
    );
    assert_ne!(keys[0], keys[1]);
    assert_eq!(stripe.refunded("pi_fake_1"), 5500);
    assert_eq!(view["refunded"]["amount_minor"], 5500);
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_the_provider_fails_is_retried_with_its_key_and_made_once() {
    let stripe = FakeStripe::start().await;
    let pay = start(&stripe).await;
    let (checkout, id, tea, _pot, buyer) = paid(&pay).await;
    // Stripe is down for the first try, and makes the refund but loses the answer on the second.
    stripe.fail_refunds(&[RefundFailure::Down, RefundFailure::AnswerLost]);

    pay.feeder.emit("agora/order", &[tea.cancelled_with_refund(2500)]).await;
    let refunded = pay.events.wait_for(REFUNDED, &id).await;
    assert_eq!(refunded.data["amount"]["amount_minor"], 2500);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let view = pay.payment(&buyer, checkout).await.ok(200).clone();
    let key = refund_ids(&view)[0].clone();
    let requests = stripe.requests("/v1/refunds");
    assert_eq!(requests.len(), 3, "down, answer lost, confirmed");
    assert!(requests.iter().all(|r| r.idempotency_key.as_deref() == Some(key.as_str())));
    assert!(requests.iter().all(|r| r.field("amount") == Some("2500")));
    assert_eq!(stripe.refunded("pi_fake_1"), 2500, "made once at the provider");
    assert_eq!(pay.count(REFUNDED, &id), 1);
    assert!(pay.counter("agora_payment_refunds_total", "outcome=\"retry\"").await >= 2);
    assert_eq!((view["status"].as_str(), view["refunded"]["amount_minor"].as_i64()), (Some("succeeded"), Some(2500)));
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_cancelled_while_its_whole_checkout_is_being_refunded_adds_no_refund() {
    let stripe = FakeStripe::start().await;
    let pay = start(&stripe).await;
    let (checkout, id, tea, _pot, buyer) = paid(&pay).await;
    // The checkout is cancelled after its capture; Stripe is down for a while, so that refund waits.
    stripe.fail_refunds(&[RefundFailure::Down; 4]);
    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    pay.wait_counter("agora_payment_refunds_total", "outcome=\"retry\"", 1).await;

    pay.feeder.emit("agora/order", &[tea.cancelled_with_refund(2500)]).await;
    pay.wait_counter("agora_payment_order_refunds_total", "outcome=\"nothing_to_refund\"", 1).await;
    let refunded = pay.events.wait_for(REFUNDED, &id).await;
    assert_eq!(
        (refunded.data["reason"].as_str(), refunded.data["amount"]["amount_minor"].as_i64()),
        (Some("checkout_cancelled"), Some(5500))
    );
    pay.wait_status(&buyer, checkout, Some("refunded")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pay.count(REFUNDED, &id), 1);
    assert_eq!(stripe.refunded("pi_fake_1"), 5500);
    pay.stop().await;
}
