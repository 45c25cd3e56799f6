//! Paying with the simulated provider's test cards: success, declines and a retry, cards completed later
//! by webhook, card validation, and amounts the browser cannot choose.

use std::time::Duration;

use serde_json::json;

use crate::harness::{DECLINED, FAILED, LATER, NO_FUNDS, Pay, SUCCEEDED, SUCCEEDS, card};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_card_pays_the_checkout_total_whatever_amount_the_body_names() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 4250).await;
    let id = payment["id"].as_str().unwrap();

    let mut body = card(SUCCEEDS);
    body["amount"] = json!({ "amount_minor": 1, "currency": "EUR" });
    body["amount_minor"] = json!(1);
    let paid = pay.attempt(&buyer, checkout, &body).await.ok(200).clone();
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(paid["amount"]["amount_minor"], 4250);
    assert_eq!(paid["attempts"][0]["outcome"], "succeeded");
    assert_eq!(
        (paid["attempts"][0]["card_brand"].as_str(), paid["attempts"][0]["card_last4"].as_str()),
        (Some("visa"), Some("4242"))
    );

    let event = pay.events.wait_for(SUCCEEDED, id).await;
    assert_eq!(event.data["amount"], json!({ "amount_minor": 4250, "currency": "EUR" }));
    assert_eq!(event.data["checkout_id"], checkout.to_string());
    assert_eq!(event.data["buyer_id"], buyer.user_id.as_str());
    assert_eq!(event.data["provider"], "simulated");
    // The provider charged the checkout's total too.
    let db = pay.payment_db().await;
    let charges = pay.charges(&db, id).await;
    assert_eq!(charges.len(), 1);
    assert_eq!((charges[0].0.amount_minor, charges[0].0.captures), (4250, 1));
    assert_eq!(event.data["provider_ref"], charges[0].0.id.as_str());
    // The card number is kept nowhere: only its last four digits (the database files hold no trace of it).
    assert_eq!(charges[0].0.card_last4, "4242");
    for file in ["payment.db", "payment.db-wal"] {
        let bytes = std::fs::read(pay.app.data_dir().join(file)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("4242424242424242") && !text.contains(SUCCEEDS), "{file} holds the card number");
    }

    let again = pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await;
    assert_eq!(again.problem(409, "already_paid")["payment_status"], "succeeded");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(pay.count(SUCCEEDED, id), 1);
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_card_is_a_402_and_the_buyer_may_try_again() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 1999).await;
    let id = payment["id"].as_str().unwrap();

    let declined = pay.attempt(&buyer, checkout, &card(DECLINED)).await;
    let problem = declined.problem(402, "card_declined");
    assert_eq!(problem["detail"], "Your card was declined.");
    assert!(problem["attempt_id"].is_string());
    let failed = pay.events.wait_for(FAILED, id).await;
    assert_eq!(
        (failed.data["code"].as_str(), failed.data["checkout_id"].as_str()),
        (Some("card_declined"), Some(checkout.to_string().as_str()))
    );

    pay.attempt(&buyer, checkout, &card(NO_FUNDS)).await.problem(402, "insufficient_funds");
    let view = pay.payment(&buyer, checkout).await.ok(200).clone();
    assert_eq!(view["status"], "requires_payment");
    assert_eq!(view["last_error"]["code"], "insufficient_funds");
    let outcomes: Vec<(&str, &str)> = view["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["outcome"].as_str().unwrap(), a["code"].as_str().unwrap()))
        .collect();
    assert_eq!(outcomes, [("failed", "card_declined"), ("failed", "insufficient_funds")]);

    let paid = pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await.ok(200).clone();
    assert_eq!(paid["status"], "succeeded");
    assert!(paid["last_error"].is_null());
    pay.events.wait_for(SUCCEEDED, id).await;
    assert_eq!(pay.count(FAILED, id), 2);
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_fields_are_checked_field_by_field() {
    let pay = Pay::start(&[]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, _) = pay.checkout(&buyer, 500).await;

    let reply = pay.attempt(&buyer, checkout, &card("4242 4242 4242 4241")).await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["card_number"]);
    let body = json!({ "card_number": "4242424242424242", "exp_month": 13, "exp_year": 2001, "cvc": "12345" });
    let reply = pay.attempt(&buyer, checkout, &body).await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["exp_month", "cvc", "cardholder"]);
    let mut expired = card(SUCCEEDS);
    expired["exp_year"] = json!(2020);
    assert_eq!(pay.attempt(&buyer, checkout, &expired).await.fields(), ["exp_year"]);
    let wrong_type = json!({ "card_number": 4242424242424242u64 });
    pay.attempt(&buyer, checkout, &wrong_type).await.problem(422, "invalid_body");
    // Nothing reached the provider.
    let view = pay.payment(&buyer, checkout).await.ok(200).clone();
    assert_eq!((view["status"].as_str(), view["attempts"].as_array().unwrap().len()), (Some("requires_payment"), 0));
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_that_needs_the_webhook_is_processing_until_the_webhook_completes_it() {
    let pay = Pay::start(&[("settings.payment.simulated.webhook_delay_ms", "1000")]).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 3000).await;
    let id = payment["id"].as_str().unwrap();

    let processing = pay.attempt(&buyer, checkout, &card(LATER)).await.ok(200).clone();
    assert_eq!(processing["status"], "processing");
    assert_eq!(processing["attempts"][0]["outcome"], "processing");
    // One attempt at a time; the browser coming back early finds it still processing.
    let busy = pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await;
    assert_eq!(busy.problem(409, "payment_in_progress")["payment_status"], "processing");
    assert_eq!(pay.browser_return(&buyer, checkout).await.ok(200)["status"], "processing");

    // The simulated provider's webhook completes it.
    let event = pay.events.wait_for(SUCCEEDED, id).await;
    assert_eq!(event.data["amount"]["amount_minor"], 3000);
    let paid = pay.wait_status(&buyer, checkout, Some("succeeded")).await;
    assert_eq!(paid["attempts"][0]["outcome"], "succeeded");
    let db = pay.payment_db().await;
    let (received,): (String,) =
        sqlx::query_as("SELECT outcome FROM payment_webhooks").fetch_one(db.pool()).await.unwrap();
    assert_eq!(received, "applied");
    pay.stop().await;
}
