//! A payment comes from order's `checkout_awaiting_payment` event, once per checkout, for the event's total.

use std::time::Duration;

use agora_core::Timestamp;
use agora_testkit::api::Session;
use uuid::Uuid;

use crate::feeder::{awaiting, cancelled};
use crate::harness::{Pay, buyer_id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_is_created_once_from_the_first_awaiting_payment_event() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let checkout = Uuid::now_v7();
    let pay_by = Timestamp::now().plus(Duration::from_secs(600));

    // The storefront asks before the event has arrived: "preparing payment".
    pay.payment(&buyer, checkout).await.problem(404, "payment_not_found");

    // The event, delivered twice by the bus, and a second event for the same checkout with another total.
    let first = pay.feeder.emit("agora/order", &[awaiting(checkout, buyer_id(&buyer), 4250, pay_by)]).await;
    pay.feeder.redeliver("order.checkouts", &first[0]).await;
    pay.feeder.emit("agora/order", &[awaiting(checkout, buyer_id(&buyer), 1, pay_by)]).await;
    // A later event about the same checkout (same key, so it arrives after them) shows they were all read.
    let payment = pay.wait_payment(&buyer, checkout).await;
    pay.feeder.emit("agora/order", &[cancelled(checkout, buyer_id(&buyer))]).await;
    let closed = pay.wait_status(&buyer, checkout, Some("cancelled")).await;

    assert_eq!(closed["id"], payment["id"], "one payment per checkout");
    assert_eq!(payment["checkout_id"], checkout.to_string());
    assert_eq!(payment["amount"]["amount_minor"], 4250, "the first event's total");
    assert_eq!(payment["amount"]["currency"], "EUR");
    assert_eq!(payment["amount"]["formatted"], "42.50 EUR");
    assert_eq!(payment["provider"], "simulated");
    assert_eq!(payment["pay_by"], pay_by.to_rfc3339());
    assert_eq!(payment["attempts"].as_array().unwrap().len(), 0);
    assert!(payment["last_error"].is_null());
    let db = pay.payment_db().await;
    let (payments,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payments").fetch_one(db.pool()).await.unwrap();
    assert_eq!(payments, 1);
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_past_its_time_takes_no_attempt() {
    let pay = Pay::start(&[]).await;
    let buyer: Session = pay.app.buyer("late@example.com").await;
    let checkout = Uuid::now_v7();
    let pay_by = Timestamp::now().minus(Duration::from_secs(1));
    pay.feeder.emit("agora/order", &[awaiting(checkout, buyer_id(&buyer), 900, pay_by)]).await;
    pay.wait_payment(&buyer, checkout).await;
    let reply = pay.attempt(&buyer, checkout, &crate::harness::card(crate::harness::SUCCEEDS)).await;
    reply.problem(409, "payment_closed");
    pay.stop().await;
}
