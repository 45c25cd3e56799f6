//! A cancelled checkout closes its payment; one cancelled after it was paid is refunded, once, however
//! often the cancellation arrives; a charge that succeeds after the cancellation is refunded at once.

use std::time::Duration;

use crate::feeder::cancelled;
use crate::harness::{LATER, Pay, REFUNDED, SUCCEEDED, SUCCEEDS, buyer_id, card};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_cancelled_before_payment_takes_no_more_attempts() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, _) = pay.checkout(&buyer, 800).await;
    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    pay.wait_status(&buyer, checkout, Some("cancelled")).await;
    let refused = pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await;
    assert_eq!(refused.problem(409, "payment_closed")["payment_status"], "cancelled");
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_cancelled_after_capture_is_refunded_once_even_if_the_cancel_comes_twice() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 2500).await;
    let id = payment["id"].as_str().unwrap();
    pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await.ok(200);
    pay.events.wait_for(SUCCEEDED, id).await;

    let first = pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    pay.feeder.redeliver("order.checkouts", &first[0]).await;
    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    let refunded = pay.events.wait_for(REFUNDED, id).await;
    assert_eq!(refunded.data["amount"]["amount_minor"], 2500);
    assert_eq!(refunded.data["reason"], "checkout_cancelled");
    assert_eq!(pay.wait_status(&buyer, checkout, Some("refunded")).await["status"], "refunded");

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(pay.count(REFUNDED, id), 1);
    let db = pay.payment_db().await;
    let charges = pay.charges(&db, id).await;
    assert_eq!((charges.len(), charges[0].1), (1, 1), "one charge, refunded once");
    assert_eq!(refunded.data["provider_ref"], charges[0].0.id.as_str());
    pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await.problem(409, "payment_closed");
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charge_that_succeeds_after_the_checkout_was_cancelled_is_refunded_at_once() {
    let pay = Pay::start(&[("settings.payment.simulated.webhook_delay_ms", "1000")]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 4000).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(pay.attempt(&buyer, checkout, &card(LATER)).await.ok(200)["status"], "processing");
    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    pay.wait_status(&buyer, checkout, Some("cancelled")).await;

    // The provider's webhook comes after the cancellation: the money goes back, nothing is confirmed.
    let refunded = pay.events.wait_for(REFUNDED, id).await;
    assert_eq!(refunded.data["reason"], "checkout_cancelled");
    assert_eq!(pay.wait_status(&buyer, checkout, Some("refunded")).await["status"], "refunded");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pay.count(SUCCEEDED, id), 0);
    let db = pay.payment_db().await;
    assert_eq!(pay.charges(&db, id).await[0].1, 1);
    pay.stop().await;
}
