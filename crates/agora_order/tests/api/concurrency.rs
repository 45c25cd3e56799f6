//! Many buyers at once: the last units go to exactly as many buyers as there are units, never more, and
//! a repeated Idempotency-Key never makes a second checkout or payment.

use std::sync::Arc;

use agora_testkit::Backends;
use futures::StreamExt;
use futures::future::join_all;
use reqwest::Method;

use crate::harness::{GOOD_CARD, Market, eventually};

/// 100 buyers check out the last 10 units at once; each pays as soon as their checkout may be paid.
async fn last_ten_units(market: Market) {
    let market = Arc::new(market);
    let alice = market.alice().await;
    let tea = market.product(&alice, "Last Sencha", 1250, 10).await;
    // Setting up accounts is not under test: password hashing on two cores is paced, not raced.
    let buyers: Vec<_> = futures::stream::iter(0..100)
        .map(|i| {
            let market = market.clone();
            let tea = tea.clone();
            async move {
                let (buyer, address) = market.buyer(&format!("buyer{i}@example.com")).await;
                market.add(&buyer, &tea, 1).await;
                (buyer, address)
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;

    let outcomes = join_all(buyers.into_iter().map(|(buyer, address)| {
        let market = market.clone();
        async move {
            // A client retries an unavailable or timed-out request with the same key: it may have been placed
            // already, and the key makes sure it is placed once.
            let mut placed = market.checkout(&buyer, &address, "last-units").await;
            while placed.status == 503 || placed.status == 504 {
                placed = market.checkout(&buyer, &address, "last-units").await;
            }
            assert!(placed.status == 201 || placed.status == 200, "{}", placed.body);
            let id = placed.body["id"].as_str().unwrap().to_owned();
            let decided = market.checkout_after(&buyer, &id, "pending").await;
            if decided["status"] != "awaiting_payment" {
                return decided;
            }
            let paid = market.pay(&buyer, &id, GOOD_CARD).await;
            assert!(paid.status < 300, "{}", paid.body);
            market.checkout_after(&buyer, &id, "awaiting_payment").await
        }
    }))
    .await;

    let paid = outcomes.iter().filter(|c| c["status"] == "paid").count();
    let rejected: Vec<_> = outcomes.iter().filter(|c| c["status"] == "rejected").collect();
    assert_eq!((paid, rejected.len()), (10, 90), "{outcomes:?}");
    for checkout in rejected {
        assert_eq!(checkout["short_lines"][0]["title"], "Last Sencha", "the rejection names the product");
        assert!(checkout["orders"].as_array().unwrap().iter().all(|o| o["status"] == "cancelled"));
    }
    eventually("the ten held units to be sold", || async { market.stock(&alice, &tea).await == (0, 0, 10) }).await;
}

#[tokio::test]
async fn a_hundred_buyers_for_the_last_ten_units_make_exactly_ten_paid_orders() {
    last_ten_units(Market::start().await).await;
}

#[tokio::test]
async fn a_hundred_buyers_for_the_last_ten_units_make_exactly_ten_paid_orders_on_postgres_and_kafka() {
    let Some(market) = Market::start_on(Backends::PRODUCTION, &[]).await else { return };
    last_ten_units(market).await;
}

#[tokio::test]
async fn the_same_idempotency_key_twenty_times_at_once_makes_one_checkout_and_one_payment() {
    let market = Arc::new(Market::start().await);
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 50).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    market.add(&carol, &tea, 2).await;

    let replies = join_all((0..20).map(|_| {
        let market = market.clone();
        let (carol, address) = (carol.clone(), address.clone());
        async move { market.checkout(&carol, &address, "one-key").await }
    }))
    .await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "one request creates it; the others are answered with it");
    let ids: std::collections::BTreeSet<&str> =
        replies.iter().map(|r| r.body["id"].as_str().expect("every reply is the checkout")).collect();
    assert_eq!(ids.len(), 1);
    let id = ids.into_iter().next().unwrap().to_owned();

    market.checkout_after(&carol, &id, "pending").await;
    let payments = join_all((0..20).map(|_| {
        let market = market.clone();
        let (carol, id) = (carol.clone(), id.clone());
        async move { market.pay(&carol, &id, GOOD_CARD).await }
    }))
    .await;
    assert!(payments.iter().any(|p| p.status < 300));
    assert_eq!(market.checkout_after(&carol, &id, "awaiting_payment").await["status"], "paid");
    let payment = market.call(Method::GET, &format!("/api/payment/checkouts/{id}/payment"), &carol).send().await;
    assert_eq!(payment.ok(200)["status"], "succeeded");
    let attempts = payment.body["attempts"].as_array().unwrap();
    assert_eq!(attempts.iter().filter(|a| a["outcome"] == "succeeded").count(), 1, "one charge: {attempts:?}");
    eventually("two units sold, once", || async { market.stock(&alice, &tea).await == (48, 0, 2) }).await;
    let mine = market.call(Method::GET, "/api/order/orders", &carol).send().await;
    assert_eq!(mine.ok(200)["items"].as_array().unwrap().len(), 1);
}
