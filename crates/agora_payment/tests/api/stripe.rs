//! The Stripe-compatible adapter against a fake Stripe: the request shape (form fields, idempotency key,
//! secret key), success, declines, processing charges completed by a webhook signed as Stripe documents
//! it or by the browser return, and a refund when the checkout is cancelled after payment.

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::json;
use sha2::Sha256;

use crate::fake_stripe::{self, DECLINED, FakeStripe, LATER, NO_FUNDS, VISA};
use crate::feeder::cancelled;
use crate::harness::{Pay, REFUNDED, SUCCEEDED, SUCCEEDS, buyer_id, card};

pub async fn start(stripe: &FakeStripe) -> Pay {
    Pay::start(&[
        ("settings.payment.provider", "stripe"),
        ("settings.payment.stripe.api_base", stripe.base.as_str()),
        ("settings.payment.stripe.secret_key", fake_stripe::SECRET_KEY),
        ("settings.payment.stripe.webhook_secret", fake_stripe::WEBHOOK_SECRET),
    ])
    .await
}

/// `Stripe-Signature` computed as Stripe's documentation describes: HMAC-SHA256 of `"<t>.<body>"`.
fn stripe_signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn unix_now() -> i64 {
    i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap()
}

async fn stripe_webhook(pay: &Pay, body: &str, signature: &str) -> agora_testkit::api::Reply {
    let request = pay.call(Method::POST, "/webhooks/stripe").body("application/json", body.to_owned());
    request.header("Stripe-Signature", signature).send().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stripe_adapter_creates_a_confirmed_payment_intent_and_refunds_it_once() {
    let stripe = FakeStripe::start().await;
    let pay = start(&stripe).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 4250).await;
    let id = payment["id"].as_str().unwrap();

    // Card numbers never go to this provider: the browser sends a payment method made by Stripe's library.
    pay.attempt(&buyer, checkout, &card(SUCCEEDS)).await.problem(422, "invalid_input");
    let body = json!({ "payment_method": VISA, "amount": 1 });
    let paid = pay.attempt(&buyer, checkout, &body).await.ok(200).clone();
    assert_eq!((paid["status"].as_str(), paid["provider"].as_str()), (Some("succeeded"), Some("stripe")));

    let created = stripe.requests("/v1/payment_intents");
    assert_eq!(created.len(), 1);
    let request = &created[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.authorization.as_deref(), Some(format!("Bearer {}", fake_stripe::SECRET_KEY).as_str()));
    assert_eq!(request.idempotency_key.as_deref(), paid["attempts"][0]["id"].as_str());
    assert_eq!(request.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.field("amount"), Some("4250"));
    assert_eq!(request.field("currency"), Some("eur"));
    assert_eq!(request.field("payment_method"), Some(VISA));
    assert_eq!(request.field("confirm"), Some("true"));
    assert_eq!(request.field("metadata[checkout_id]"), Some(checkout.to_string().as_str()));
    assert_eq!(request.field("metadata[payment_id]"), Some(id));

    let succeeded = pay.events.wait_for(SUCCEEDED, id).await;
    assert_eq!(
        (succeeded.data["provider"].as_str(), succeeded.data["provider_ref"].as_str()),
        (Some("stripe"), Some("pi_fake_1"))
    );

    // Cancelled twice after payment: one refund of the PaymentIntent.
    pay.feeder
        .emit("agora/order", &[cancelled(checkout, buyer_id(&buyer)), cancelled(checkout, buyer_id(&buyer))])
        .await;
    let refunded = pay.events.wait_for(REFUNDED, id).await;
    assert_eq!(refunded.data["provider_ref"], "pi_fake_1");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refunds = stripe.requests("/v1/refunds");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].field("payment_intent"), Some("pi_fake_1"));
    assert_eq!(refunds[0].field("amount"), Some("4250"));
    assert!(refunds[0].idempotency_key.is_some());
    assert_eq!(pay.count(REFUNDED, id), 1);
    assert_eq!(pay.payment(&buyer, checkout).await.ok(200)["status"], "refunded");
    pay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_declines_are_402_and_processing_intents_complete_by_signed_webhook_or_return() {
    let stripe = FakeStripe::start().await;
    let pay = start(&stripe).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 1000).await;
    let id = payment["id"].as_str().unwrap();

    let declined = pay.attempt(&buyer, checkout, &json!({ "payment_method": DECLINED })).await;
    assert_eq!(declined.problem(402, "card_declined")["detail"], "Your card was declined.");
    pay.attempt(&buyer, checkout, &json!({ "payment_method": NO_FUNDS })).await.problem(402, "insufficient_funds");
    let processing = pay.attempt(&buyer, checkout, &json!({ "payment_method": LATER })).await.ok(200).clone();
    assert_eq!(processing["status"], "processing");

    // A webhook signed like Stripe's completes it; a wrong or stale signature does not.
    let event = json!({
        "id": "evt_fake_1", "object": "event", "type": "payment_intent.succeeded",
        "data": { "object": { "id": "pi_fake_3", "object": "payment_intent", "status": "succeeded" } },
    })
    .to_string();
    let wrong = stripe_signature("whsec_wrong", unix_now(), &event);
    stripe_webhook(&pay, &event, &wrong).await.problem(400, "bad_signature");
    let stale = stripe_signature(fake_stripe::WEBHOOK_SECRET, unix_now() - 600, &event);
    stripe_webhook(&pay, &event, &stale).await.problem(400, "bad_signature");
    assert_eq!(pay.payment(&buyer, checkout).await.ok(200)["status"], "processing");
    // Stripe may list several signatures (while a secret rolls over): one valid is enough.
    let valid = stripe_signature(fake_stripe::WEBHOOK_SECRET, unix_now(), &event);
    let both = format!("{},{}", valid, wrong.split(',').nth(1).unwrap());
    assert_eq!(stripe_webhook(&pay, &event, &both).await.ok(200)["outcome"], "applied");
    pay.events.wait_for(SUCCEEDED, id).await;
    assert_eq!(pay.payment(&buyer, checkout).await.ok(200)["status"], "succeeded");

    // Another checkout: the browser comes back before any webhook, once Stripe says the intent succeeded.
    let (other, other_payment) = pay.checkout(&buyer, 700).await;
    let other_id = other_payment["id"].as_str().unwrap();
    pay.attempt(&buyer, other, &json!({ "payment_method": LATER })).await.ok(200);
    assert_eq!(pay.browser_return(&buyer, other).await.ok(200)["status"], "processing");
    stripe.set_status("pi_fake_4", "succeeded");
    assert_eq!(pay.browser_return(&buyer, other).await.ok(200)["status"], "succeeded");
    let lookups = stripe.requests("/v1/payment_intents/pi_fake_4");
    assert_eq!(lookups.len(), 2);
    assert!(lookups.iter().all(|r| r.authorization.is_some()));
    assert_eq!(pay.events.wait_for(SUCCEEDED, other_id).await.data["provider_ref"], "pi_fake_4");
    assert_eq!(pay.count(SUCCEEDED, id), 1);
    pay.stop().await;
}
