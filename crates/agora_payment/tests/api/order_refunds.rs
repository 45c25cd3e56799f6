//! An order of a paid checkout cancelled before it ships gets its own total back from the checkout's one
//! charge: once per order however often the cancellation arrives, never more than the charge has left,
//! and the payment is `refunded` only when all of it went back. The simulated provider's books take the
//! parts by key and refuse more than the charge took.

use std::time::Duration;

use agora_core::Timestamp;
use agora_payment::provider::simulated::ledger::{self, RefundRefusal};
use agora_testkit::Backends;
use agora_testkit::api::Session;
use serde_json::json;
use uuid::Uuid;

use crate::feeder::{Order, cancelled};
use crate::harness::{LATER, Pay, REFUNDED, SUCCEEDED, SUCCEEDS, buyer_id, card, sign, succeeded_event};

const ORDER_REFUNDS: &str = "agora_payment_order_refunds_total";

/// A checkout of a tea order (2500) and a pot order (3000), paid by card: its id, its payment's id, and
/// its orders.
async fn paid_two_orders(pay: &Pay, buyer: &Session) -> (Uuid, String, Order, Order) {
    let (checkout, payment) = pay.checkout(buyer, 5500).await;
    let id = payment["id"].as_str().unwrap().to_owned();
    pay.attempt(buyer, checkout, &card(SUCCEEDS)).await.ok(200);
    pay.events.wait_for(SUCCEEDED, &id).await;
    let tea = Order::of(checkout, buyer_id(buyer), 2500);
    let pot = Order::of(checkout, buyer_id(buyer), 3000);
    (checkout, id, tea, pot)
}

/// The simulated provider's refunds of the payment's charge: (idempotency key, amount).
async fn provider_refunds(pay: &Pay, payment_id: &str) -> Vec<(String, i64)> {
    let db = pay.payment_db().await;
    let charge = pay.charges(&db, payment_id).await[0].0.id.clone();
    ledger::refunds_of_charge(&db, &charge).await.unwrap()
}

async fn a_cancelled_order_gets_back_its_own_total_once(backends: Backends) {
    let Some(pay) = Pay::start_on(backends, &[]).await else { return };
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, id, _tea, pot) = paid_two_orders(&pay, &buyer).await;

    // The cancellation, delivered twice by the bus, then announced again under a new event id.
    let first = pay.feeder.emit("agora/order", &[pot.cancelled_with_refund(3000)]).await;
    pay.feeder.redeliver("order.orders", &first[0]).await;
    pay.feeder.emit("agora/order", &[pot.cancelled_with_refund(3000)]).await;

    let refunded = pay.events.wait_for(REFUNDED, &id).await;
    assert_eq!(refunded.data["order_id"], pot.id.to_string());
    assert_eq!(refunded.data["amount"], json!({ "amount_minor": 3000, "currency": "EUR" }));
    assert_eq!(refunded.data["reason"], "order_cancelled");
    assert_eq!(refunded.data["checkout_id"], checkout.to_string());
    // The re-announcement (after the redelivery, on the order's key) found the refund queued already.
    pay.wait_counter(ORDER_REFUNDS, "outcome=\"duplicate\"", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pay.count(REFUNDED, &id), 1);

    let view = pay.payment(&buyer, checkout).await.ok(200).clone();
    assert_eq!(view["status"], "succeeded", "the tea order's sale stands");
    assert_eq!(view["refunded"]["amount_minor"], 3000);
    let refunds = view["refunds"].as_array().unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        (refunds[0]["order_id"].as_str(), refunds[0]["status"].as_str()),
        (Some(&*pot.id.to_string()), Some("succeeded"))
    );
    let key = refunds[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(provider_refunds(&pay, &id).await, [(key, 3000)], "one refund of the order's total, keyed by its id");
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_order_of_a_two_order_checkout_gets_back_its_own_total_once() {
    a_cancelled_order_gets_back_its_own_total_once(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_order_of_a_two_order_checkout_gets_back_its_own_total_once_on_postgres() {
    a_cancelled_order_gets_back_its_own_total_once(Backends::POSTGRES).await;
}

async fn both_orders_cancelled_refund_the_charge_in_two_parts(backends: Backends) {
    let Some(pay) = Pay::start_on(backends, &[]).await else { return };
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, id, tea, pot) = paid_two_orders(&pay, &buyer).await;

    pay.feeder.emit("agora/order", &[tea.cancelled_with_refund(2500), pot.cancelled_with_refund(3000)]).await;
    let mut parts: Vec<(String, i64)> = pay
        .wait_refunds(&id, 2)
        .await
        .iter()
        .map(|e| (e.data["order_id"].as_str().unwrap().to_owned(), e.data["amount"]["amount_minor"].as_i64().unwrap()))
        .collect();
    parts.sort();
    let mut expected = vec![(tea.id.to_string(), 2500), (pot.id.to_string(), 3000)];
    expected.sort();
    assert_eq!(parts, expected);
    let view = pay.wait_status(&buyer, checkout, Some("refunded")).await;
    assert_eq!(view["refunded"]["amount_minor"], 5500);

    // The checkout's cancellation coming afterwards finds nothing left to give back.
    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(pay.count(REFUNDED, &id), 2);
    let at_provider = provider_refunds(&pay, &id).await;
    assert_eq!((at_provider.len(), at_provider.iter().map(|(_, a)| a).sum::<i64>()), (2, 5500));
    pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await.problem(409, "payment_closed");
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_orders_of_a_checkout_cancelled_refund_the_charge_in_two_parts_and_end_refunded() {
    both_orders_cancelled_refund_the_charge_in_two_parts(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_orders_of_a_checkout_cancelled_refund_the_charge_in_two_parts_and_end_refunded_on_postgres() {
    both_orders_cancelled_refund_the_charge_in_two_parts(Backends::POSTGRES).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_cancelled_after_one_of_its_orders_was_refunded_gives_back_only_the_rest() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, id, tea, _pot) = paid_two_orders(&pay, &buyer).await;
    pay.feeder.emit("agora/order", &[tea.cancelled_with_refund(2500)]).await;
    pay.events.wait_for(REFUNDED, &id).await;

    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    let refunds = pay.wait_refunds(&id, 2).await;
    assert_eq!(refunds[1].data["reason"], "checkout_cancelled");
    assert_eq!(refunds[1].data["amount"]["amount_minor"], 3000);
    assert!(refunds[1].data["order_id"].is_null());
    let view = pay.wait_status(&buyer, checkout, Some("refunded")).await;
    assert_eq!(view["refunded"]["amount_minor"], 5500);
    let amounts: Vec<i64> = provider_refunds(&pay, &id).await.into_iter().map(|(_, a)| a).collect();
    assert_eq!(amounts, [2500, 3000]);
    pay.stop().await;
}

async fn an_order_refund_beyond_what_is_left_is_refused(backends: Backends) {
    let Some(pay) = Pay::start_on(backends, &[]).await else { return };
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, id, tea, pot) = paid_two_orders(&pay, &buyer).await;
    pay.feeder.emit("agora/order", &[tea.cancelled_with_refund(2500)]).await;
    pay.events.wait_for(REFUNDED, &id).await;

    // The pot order claims more than the 3000 left of the charge; an empty refund is no refund either.
    let empty = Order::of(checkout, buyer_id(&buyer), 0);
    pay.feeder.emit("agora/order", &[pot.cancelled_with_refund(3001), empty.cancelled_with_refund(0)]).await;
    pay.wait_counter(ORDER_REFUNDS, "outcome=\"refused\"", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pay.count(REFUNDED, &id), 1);
    let view = pay.payment(&buyer, checkout).await.ok(200).clone();
    assert_eq!((view["status"].as_str(), view["refunded"]["amount_minor"].as_i64()), (Some("succeeded"), Some(2500)));
    assert_eq!(view["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(provider_refunds(&pay, &id).await.len(), 1);
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_refund_beyond_what_is_left_of_the_charge_is_refused() {
    an_order_refund_beyond_what_is_left_is_refused(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_refund_beyond_what_is_left_of_the_charge_is_refused_on_postgres() {
    an_order_refund_beyond_what_is_left_is_refused(Backends::POSTGRES).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_cancelled_before_its_payment_is_captured_is_refunded_once_it_is() {
    // The charge stays processing until the test lets it succeed.
    let pay = Pay::start(&[("settings.payment.simulated.webhook_delay_ms", "600000")]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 5500).await;
    let id = payment["id"].as_str().unwrap().to_owned();
    assert_eq!(pay.attempt(&buyer, checkout, &card(LATER)).await.ok(200)["status"], "processing");
    // An order cancelled before payment is none of payment's business; one with a refund due must wait.
    let unpaid = Order::of(Uuid::now_v7(), buyer_id(&buyer), 900);
    let tea = Order::of(checkout, buyer_id(&buyer), 2500);
    pay.feeder.emit("agora/order", &[unpaid.cancelled_unpaid(), tea.cancelled_with_refund(2500)]).await;
    pay.wait_counter(ORDER_REFUNDS, "outcome=\"not_captured_yet\"", 1).await;

    // The charge succeeds at the provider and its webhook arrives; the bus's next try refunds the order.
    let db = pay.payment_db().await;
    let charge = pay.charges(&db, &id).await[0].0.id.clone();
    let now = Timestamp::now();
    sqlx::query("UPDATE sim_charges SET settle_at = $1 WHERE id = $2")
        .bind(now.as_micros())
        .bind(&charge)
        .execute(db.pool())
        .await
        .unwrap();
    ledger::settle_if_due(&db, &charge, now).await.unwrap();
    let body = succeeded_event("evt_late_capture", &charge);
    assert_eq!(pay.webhook(&body, Some(sign(&body))).await.ok(200)["outcome"], "applied");
    let refunded = pay.events.wait_for(REFUNDED, &id).await;
    assert_eq!(
        (refunded.data["order_id"].as_str(), refunded.data["amount"]["amount_minor"].as_i64()),
        (Some(&*tea.id.to_string()), Some(2500))
    );
    let view = pay.payment(&buyer, checkout).await.ok(200).clone();
    assert_eq!((view["status"].as_str(), view["refunded"]["amount_minor"].as_i64()), (Some("succeeded"), Some(2500)));
    pay.stop().await;
}

async fn the_simulated_provider_refunds_in_parts(backends: Backends) {
    let Some(pay) = Pay::start_on(backends, &[("settings.payment.simulated.webhook_delay_ms", "600000")]).await else {
        return;
    };
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 5500).await;
    let id = payment["id"].as_str().unwrap();
    pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await.ok(200);
    let (processing, later) = pay.checkout(&buyer, 700).await;
    pay.attempt(&buyer, processing, &card(LATER)).await.ok(200);
    let db = pay.payment_db().await;
    let charge = pay.charges(&db, id).await[0].0.id.clone();
    let unsettled = pay.charges(&db, later["id"].as_str().unwrap()).await[0].0.id.clone();
    let now = Timestamp::now();
    let refund = |id: &str, key: &str, charge: String, amount: i64| {
        let (db, id, key) = (db.clone(), id.to_owned(), key.to_owned());
        async move { ledger::refund(&db, &id, &key, &charge, amount, now).await.unwrap() }
    };

    assert_eq!(refund("sim_re_a", "key-a", charge.clone(), 2500).await, Ok("sim_re_a".to_owned()));
    // The same key answers the same refund, whatever id a retry would give it; another amount is refused.
    assert_eq!(refund("sim_re_b", "key-a", charge.clone(), 2500).await, Ok("sim_re_a".to_owned()));
    assert_eq!(refund("sim_re_c", "key-a", charge.clone(), 100).await, Err(RefundRefusal::KeyReused));
    assert_eq!(refund("sim_re_d", "key-d", charge.clone(), 3001).await, Err(RefundRefusal::AmountTooLarge));
    assert_eq!(refund("sim_re_e", "key-e", charge.clone(), 0).await, Err(RefundRefusal::InvalidAmount));
    assert_eq!(refund("sim_re_f", "key-f", unsettled, 100).await, Err(RefundRefusal::NotCaptured));
    assert_eq!(refund("sim_re_g", "key-g", "sim_pi_nobody".to_owned(), 100).await, Err(RefundRefusal::NoSuchCharge));

    // Thirty parts of 100 at once for the 3000 left: exactly thirty fit, and no more after them.
    let keys: Vec<String> = (0..40).map(|i| format!("key-part-{i}")).collect();
    let parts = keys.iter().map(|key| refund(key, key, charge.clone(), 100));
    let answers = futures::future::join_all(parts).await;
    assert_eq!(answers.iter().filter(|a| a.is_ok()).count(), 30);
    assert!(
        answers
            .iter()
            .all(|a| matches!(a, Ok(_) | Err(RefundRefusal::AlreadyRefunded | RefundRefusal::AmountTooLarge)))
    );
    assert_eq!(refund("sim_re_h", "key-h", charge.clone(), 1).await, Err(RefundRefusal::AlreadyRefunded));
    let made = ledger::refunds_of_charge(&db, &charge).await.unwrap();
    assert_eq!((made.len(), made.iter().map(|(_, a)| a).sum::<i64>()), (31, 5500));
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_provider_refunds_a_charge_in_parts_by_key_and_never_beyond_it() {
    the_simulated_provider_refunds_in_parts(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_provider_refunds_a_charge_in_parts_by_key_and_never_beyond_it_on_postgres() {
    the_simulated_provider_refunds_in_parts(Backends::POSTGRES).await;
}
