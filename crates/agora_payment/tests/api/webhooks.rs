//! Webhooks are believed only when signed with the provider's secret, recently, over the very body
//! received; a replayed webhook changes nothing.

use std::time::Duration;

use agora_payment::provider::signature;
use serde_json::json;

use crate::harness::{LATER, Pay, SUCCEEDED, WEBHOOK_SECRET, card, sign, succeeded_event};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_stale_and_tampered_webhooks_are_refused_and_replays_change_nothing() {
    // The simulated provider's own webhook would come only after the test.
    let pay = Pay::start(&[("settings.payment.simulated.webhook_delay_ms", "600000")]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 2000).await;
    let id = payment["id"].as_str().unwrap();
    pay.attempt(&buyer, checkout, &card(LATER)).await.ok(200);
    let db = pay.payment_db().await;
    let charge = pay.charges(&db, id).await[0].0.id.clone();
    let body = succeeded_event("evt_1", &charge);
    let now = signature::unix_now();

    let forged = signature::header_value("whsec_guessed", now, body.as_bytes());
    pay.webhook(&body, Some(forged)).await.problem(400, "bad_signature");
    let stale = signature::header_value(WEBHOOK_SECRET, now - 3600, body.as_bytes());
    pay.webhook(&body, Some(stale)).await.problem(400, "bad_signature");
    let from_the_future = signature::header_value(WEBHOOK_SECRET, now + 3600, body.as_bytes());
    pay.webhook(&body, Some(from_the_future)).await.problem(400, "bad_signature");
    let other = succeeded_event("evt_1", "sim_pi_someone_else");
    pay.webhook(&body, Some(sign(&other))).await.problem(400, "bad_signature");
    let tampered = body.replace("succeeded\"}", "succeeded\",\"amount\":1}");
    assert_ne!(tampered, body);
    pay.webhook(&tampered, Some(sign(&body))).await.problem(400, "bad_signature");
    pay.webhook(&body, None).await.problem(400, "bad_signature");
    pay.webhook(&body, Some("t=abc,v1=00".to_owned())).await.problem(400, "bad_signature");
    pay.webhook(&body, Some(format!("t={now}"))).await.problem(400, "bad_signature");

    // None of them changed anything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pay.payment(&buyer, checkout).await.ok(200)["status"], "processing");
    assert_eq!(pay.count(SUCCEEDED, id), 0);
    let (recorded,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM payment_webhooks").fetch_one(db.pool()).await.unwrap();
    assert_eq!(recorded, 0);

    // The genuine webhook completes the payment; replayed, or sent again under a new event id, it does
    // nothing more.
    assert_eq!(pay.webhook(&body, Some(sign(&body))).await.ok(200)["outcome"], "applied");
    pay.events.wait_for(SUCCEEDED, id).await;
    assert_eq!(pay.webhook(&body, Some(sign(&body))).await.ok(200)["outcome"], "duplicate");
    let again = succeeded_event("evt_2", &charge);
    assert_eq!(pay.webhook(&again, Some(sign(&again))).await.ok(200)["outcome"], "applied");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pay.count(SUCCEEDED, id), 1);
    assert_eq!(pay.payment(&buyer, checkout).await.ok(200)["status"], "succeeded");
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_about_nothing_payment_knows_are_acknowledged_and_ignored() {
    let pay = Pay::start(&[]).await;
    let unknown = succeeded_event("evt_unknown", "sim_pi_nobody");
    assert_eq!(pay.webhook(&unknown, Some(sign(&unknown))).await.ok(200)["outcome"], "unknown_charge");
    let other = json!({ "id": "evt_other", "type": "charge.refund.updated", "data": { "object": { "id": "re_1" } } })
        .to_string();
    assert_eq!(pay.webhook(&other, Some(sign(&other))).await.ok(200)["outcome"], "ignored");
    let unreadable = r#"{"id": "evt_bad"}"#;
    pay.webhook(unreadable, Some(sign(unreadable))).await.problem(400, "invalid_webhook");
    // Only the configured provider's route takes webhooks.
    let stripe = pay.call(reqwest::Method::POST, "/webhooks/stripe").body("application/json", unknown.clone());
    stripe.header("Stripe-Signature", &sign(&unknown)).send().await.problem(404, "provider_not_enabled");
    pay.stop().await;
}
