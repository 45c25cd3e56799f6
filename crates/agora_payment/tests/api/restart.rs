//! The simulated provider's books survive a restart of payment: a webhook that fell due while the process
//! was down is sent when it is back, and completes the payment once.

use agora_testkit::api::PASSWORD;
use uuid::Uuid;

use crate::harness::{LATER, Pay, card};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_due_while_payment_was_down_is_sent_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let prefix = format!("t{}.", Uuid::now_v7().simple());
    let settings = [
        ("data_dir", data_dir.as_str()),
        ("bus.topic_prefix", prefix.as_str()),
        ("settings.payment.simulated.webhook_delay_ms", "1500"),
    ];
    let pay = Pay::start(&settings).await;
    let buyer = pay.app.buyer("ada@example.com").await;
    let (checkout, payment) = pay.checkout(&buyer, 990).await;
    let id = payment["id"].as_str().unwrap().to_owned();
    assert_eq!(pay.attempt(&buyer, checkout, &card(LATER)).await.ok(200)["status"], "processing");
    pay.stop().await;

    let pay = Pay::start(&settings).await;
    let buyer = pay.app.sign_in("ada@example.com", PASSWORD).await;
    let paid = pay.wait_status(&buyer, checkout, Some("succeeded")).await;
    assert_eq!(paid["id"], id.as_str());
    let db = pay.payment_db().await;
    let charges = pay.charges(&db, &id).await;
    assert_eq!((charges.len(), charges[0].0.captures, charges[0].1), (1, 1, 0));
    pay.stop().await;
}
