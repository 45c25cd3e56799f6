//! A paid order cancelled before shipping gives its units back (sold → available), exactly once, whether
//! catalog hears of the cancellation after the payment confirmed the checkout's hold or before — and on
//! PostgreSQL too.

use agora_testkit::Backends;

use agora_testkit::api::Session;

use crate::market::{Market, Sale};

/// Alice's shop with 5 green teas and 5 tea cups, and Carol to buy them: `(alice, carol, tea, cup)`.
async fn tea_shop(market: &Market) -> (Session, Session, String, String) {
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    let cup = shop.product_with_stock(&alice, "Tea cup", 5).await;
    (alice, carol, tea, cup)
}

async fn cancelled_after_confirm(market: Market) {
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let tea = shop.product_with_stock(&alice, "Green tea", 2).await;
    let sale = Sale::new(&carol, &alice, &[(&tea, 2)]);
    market.checkouts(&[sale.placed(), sale.paid()]).await;
    market.wait_stock(&alice, &tea, (0, 0, 2)).await;

    market.orders(&[sale.cancelled(true)]).await;
    market.wait_stock(&alice, &tea, (2, 0, 0)).await;
    let back = market.events.wait_for("agora.catalog.back_in_stock.v1", &tea).await;
    assert_eq!(back.data["available"], 2);
    let changes = market.wait_stock_change(&tea, "order_cancelled").await;
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0]["previous_available"].as_i64(), changes[0]["sold"].as_i64()), (Some(0), Some(0)));
    // What visitors see is not a stale cached copy.
    assert_eq!(shop.product(&tea, None).await.ok(200)["stock"]["available"], 2);
    market.stop().await;
}

#[tokio::test]
async fn a_paid_order_cancelled_after_its_units_were_sold_returns_them() {
    cancelled_after_confirm(Market::start().await).await;
}

#[tokio::test]
async fn a_paid_order_cancelled_after_its_units_were_sold_returns_them_on_postgres() {
    let Some(market) = Market::start_on(Backends::POSTGRES).await else { return };
    cancelled_after_confirm(market).await;
}

async fn cancelled_before_confirm(market: Market) {
    let shop = &market.shop;
    let (alice, carol, tea, cup) = tea_shop(&market).await;
    let sale = Sale::new(&carol, &alice, &[(&tea, 2)]);
    market.checkouts(&[sale.placed()]).await;
    market.wait_stock(&alice, &tea, (3, 2, 0)).await;

    // The cancellation overtakes the payment (they travel on different topics); a delivery published after
    // it shows when it has been handled.
    market.orders(&[sale.cancelled(true)]).await;
    market.deliver(&Sale::new(&carol, &alice, &[(&cup, 1)]), &carol).await;
    assert_eq!(market.stock(&alice, &tea).await, (3, 2, 0), "nothing to return while the units are held");

    market.checkouts(&[sale.paid()]).await;
    market.wait_stock(&alice, &tea, (5, 0, 0)).await;
    let hold = shop.get(&format!("/holds/{}", sale.checkout_id)).bearer(&shop.admin.access).send().await;
    assert_eq!(hold.ok(200)["status"], "confirmed");
    assert_eq!(market.wait_stock_change(&tea, "order_cancelled").await.len(), 1);
    market.stop().await;
}

#[tokio::test]
async fn a_cancellation_heard_before_the_payment_returns_the_units_once_the_hold_is_confirmed() {
    cancelled_before_confirm(Market::start().await).await;
}

#[tokio::test]
async fn a_cancellation_heard_before_the_payment_returns_the_units_once_the_hold_is_confirmed_on_postgres() {
    let Some(market) = Market::start_on(Backends::POSTGRES).await else { return };
    cancelled_before_confirm(market).await;
}

#[tokio::test]
async fn a_cancellation_repeated_or_redelivered_returns_the_units_once() {
    let market = Market::start().await;
    let (alice, carol, tea, cup) = tea_shop(&market).await;
    let sale = Sale::new(&carol, &alice, &[(&tea, 2)]);
    let later = Sale::new(&carol, &alice, &[(&cup, 1)]);
    market.checkouts(&[sale.placed(), sale.paid(), later.placed(), later.paid()]).await;
    market.wait_stock(&alice, &tea, (3, 0, 2)).await;
    market.wait_stock(&alice, &cup, (4, 0, 1)).await;

    // A cancellation without a refund ended before payment (through the checkout): it returns nothing.
    market.orders(&[sale.cancelled(false)]).await;
    let first = market.orders(&[sale.cancelled(true)]).await;
    market.orders(&[sale.cancelled(true)]).await;
    market.feeder.redeliver("order.orders", &first[0]).await;
    // Handled after all of those (one partition, in order).
    market.orders(&[later.cancelled(true)]).await;
    market.wait_stock(&alice, &cup, (5, 0, 0)).await;

    assert_eq!(market.stock(&alice, &tea).await, (5, 0, 0), "returned once");
    market.wait_stock_change(&cup, "order_cancelled").await;
    assert_eq!(market.stock_changes(&tea, "order_cancelled").len(), 1);
    market.stop().await;
}

#[tokio::test]
async fn a_cancellation_waiting_for_a_hold_that_is_released_instead_returns_nothing_more() {
    let market = Market::start().await;
    let (alice, carol, tea, cup) = tea_shop(&market).await;
    let sale = Sale::new(&carol, &alice, &[(&tea, 2)]);
    market.checkouts(&[sale.placed()]).await;
    market.wait_stock(&alice, &tea, (3, 2, 0)).await;
    market.orders(&[sale.cancelled(true)]).await;
    market.deliver(&Sale::new(&carol, &alice, &[(&cup, 1)]), &carol).await;

    // The hold is released instead (its units come back that way), and a payment too late changes nothing.
    market.checkouts(&[sale.checkout_cancelled(), sale.paid()]).await;
    market.wait_stock(&alice, &tea, (5, 0, 0)).await;
    let later = Sale::new(&carol, &alice, &[(&cup, 1)]);
    market.checkouts(&[later.placed(), later.paid()]).await;
    market.wait_stock(&alice, &cup, (4, 0, 1)).await;
    assert_eq!(market.stock(&alice, &tea).await, (5, 0, 0));
    market.wait_stock_change(&cup, "hold_confirmed").await;
    assert!(market.stock_changes(&tea, "order_cancelled").is_empty());
    market.stop().await;
}
