//! The browser return and the provider's webhook race (field lessons §6B: double captures, duplicate
//! orders). For 100 payments both paths are fired at the same moment — the return, a signed webhook, and
//! the simulated provider's own webhook — and each payment is still captured exactly once.

use std::collections::HashMap;
use std::time::Duration;

use agora_core::Timestamp;
use agora_testkit::Backends;
use futures::StreamExt;
use uuid::Uuid;

use crate::feeder::awaiting;
use crate::harness::{LATER, Pay, SUCCEEDED, buyer_id, card, sign, succeeded_event};

const PAYMENTS: usize = 100;

async fn webhook_and_browser_return_race(backends: Backends) {
    // The charges stay processing until the race starts.
    let Some(pay) = Pay::start_on(backends, &[("settings.payment.simulated.webhook_delay_ms", "600000")]).await else {
        return;
    };
    let buyer = pay.app.buyer("racer@example.com").await;
    let pay_by = Timestamp::now().plus(Duration::from_secs(3600));
    let checkouts: Vec<Uuid> = (0..PAYMENTS).map(|_| Uuid::now_v7()).collect();
    let events: Vec<_> = checkouts.iter().map(|c| awaiting(*c, buyer_id(&buyer), 1500, pay_by)).collect();
    pay.feeder.emit("agora/order", &events).await;
    let mut payment_ids = HashMap::new();
    for checkout in &checkouts {
        let payment = pay.wait_payment(&buyer, *checkout).await;
        payment_ids.insert(*checkout, payment["id"].as_str().unwrap().to_owned());
    }

    // Every payment's card completes later, by webhook.
    let attempts = futures::stream::iter(&checkouts)
        .map(|checkout| {
            let (pay, buyer) = (&pay, &buyer);
            async move { pay.attempt(buyer, *checkout, &card(LATER)).await }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    for reply in attempts {
        assert_eq!(reply.ok(200)["status"], "processing");
    }
    let db = pay.payment_db().await;
    let mut charge_of = HashMap::new();
    for (checkout, payment_id) in &payment_ids {
        let charges = pay.charges(&db, payment_id).await;
        assert_eq!(charges.len(), 1);
        charge_of.insert(*checkout, charges[0].0.id.clone());
    }

    // The charges become due at the provider now: each payment's return and a signed webhook go at once
    // (the webhook a moment later for some), while the simulated provider sends its own webhooks too.
    let now = Timestamp::now().as_micros();
    sqlx::query("UPDATE sim_charges SET settle_at = $1, webhook_due_at = $1")
        .bind(now)
        .execute(db.pool())
        .await
        .unwrap();
    futures::stream::iter(checkouts.iter().enumerate())
        .map(|(i, checkout)| {
            let body = succeeded_event(&format!("evt_race_{checkout}"), &charge_of[checkout]);
            let (pay, buyer) = (&pay, &buyer);
            let jitter = Duration::from_millis(u64::try_from(i % 3).unwrap());
            async move {
                let hook = async {
                    tokio::time::sleep(jitter).await;
                    pay.webhook(&body, Some(sign(&body))).await
                };
                let (back, hook) = tokio::join!(pay.browser_return(buyer, *checkout), hook);
                back.ok(200);
                hook.ok(200);
            }
        })
        .buffer_unordered(25)
        .collect::<Vec<_>>()
        .await;

    for (checkout, payment_id) in &payment_ids {
        pay.events.wait_for(SUCCEEDED, payment_id).await;
        assert_eq!(pay.wait_status(&buyer, *checkout, Some("succeeded")).await["status"], "succeeded");
    }
    // Let the simulated provider's last webhooks and any straggling event arrive.
    wait_for_webhooks_sent(&db).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (checkout, payment_id) in &payment_ids {
        assert_eq!(pay.count(SUCCEEDED, payment_id), 1, "payment {payment_id} succeeded more than once");
        let charges = pay.charges(&db, payment_id).await;
        assert_eq!(charges.len(), 1, "one charge per payment");
        let (charge, refunds) = &charges[0];
        assert_eq!((charge.captures, *refunds), (1, 0), "captured once, never refunded");
        let event =
            pay.events.all().into_iter().find(|e| e.event_type == SUCCEEDED && e.subject == *payment_id).unwrap();
        assert_eq!(event.data["provider_ref"], charge_of[checkout].as_str());
    }
    let (completions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM payment_completions").fetch_one(db.pool()).await.unwrap();
    assert_eq!(completions, i64::try_from(PAYMENTS).unwrap());
    let succeeded = pay.events.all().into_iter().filter(|e| e.event_type == SUCCEEDED).count();
    assert_eq!(succeeded, PAYMENTS);

    // It was a race: every payment had completions that lost to the winner.
    let metrics = pay.app.client.get(pay.app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let completions = |outcome: &str| -> u64 {
        metrics
            .lines()
            .filter(|l| {
                l.starts_with("agora_payment_completions_total{") && l.contains(&format!("outcome=\"{outcome}\""))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    };
    eprintln!(
        "completions: {}",
        metrics.lines().filter(|l| l.starts_with("agora_payment_completions")).collect::<Vec<_>>().join("; ")
    );
    assert!(completions("captured") >= PAYMENTS as u64);
    assert!(completions("lost") >= PAYMENTS as u64, "{metrics}");
    pay.stop().await;
}

/// Waits (up to 30 s) until the simulated provider delivered every webhook.
async fn wait_for_webhooks_sent(db: &agora_db::Db) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (waiting,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM sim_charges WHERE webhook_due_at IS NOT NULL AND webhook_sent_at IS NULL",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        if waiting == 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{waiting} simulated webhooks never delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_and_browser_return_raced_100_times_capture_each_payment_once() {
    webhook_and_browser_return_race(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_and_browser_return_raced_100_times_capture_each_payment_once_on_postgres() {
    webhook_and_browser_return_race(Backends::POSTGRES).await;
}
