//! A paid checkout (`order.checkouts`) takes what was bought out of the buyer's cart — whole lines, once,
//! however often the event arrives — and touches no one else's cart.

use std::sync::Arc;
use std::time::Duration;

use agora_testkit::api::Session;
use serde_json::{Value, json};
use uuid::Uuid;

use agora_events::order::CheckoutEvent;
use agora_testkit::feeder::Feeder;

use crate::harness::{Shop, Store, Who, builder, line, on_both_stores, products};

on_both_stores!(a_paid_checkout_takes_the_bought_products_out_of_the_cart);

fn paid(checkout_id: Uuid, buyer: &Session, bought: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = bought.iter().map(|(id, n)| json!({ "product_id": id, "quantity": n })).collect();
    json!({
        "checkout_id": checkout_id,
        "buyer_id": buyer.user_id,
        "payment_id": Uuid::now_v7(),
        "total": { "amount_minor": 1250, "currency": "EUR" },
        "lines": lines,
    })
}

/// Publishes the checkout as paid on `order.checkouts`, as order would.
async fn emit(feeder: &Feeder, event: &Value) {
    let paid = serde_json::from_value(event.clone()).unwrap();
    feeder.emit("agora/order", &[CheckoutEvent::Paid(paid)]).await;
}

/// Waits (up to 30 s) until the buyer's cart holds exactly `expected`.
async fn wait_for_products(shop: &Shop, buyer: &Session, expected: &[&str]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let cart = shop.view(Who::Buyer(buyer)).await;
        let cart = cart.ok(200);
        if products(cart) == expected {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "the cart still holds {:?}", products(cart));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_paid_checkout_takes_the_bought_products_out_of_the_cart(store: Store) {
    let feeder = Feeder::new(&["order.checkouts"]);
    let shop = Shop::start(store, builder(store).service(Arc::new(feeder.clone()))).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 50).await;
    let cup = shop.product(&alice, "Tea cup", 500, 50).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    shop.add(Who::Buyer(&carol), &tea.id, 3).await.ok(200);
    shop.add(Who::Buyer(&carol), &cup.id, 1).await.ok(200);
    shop.add(Who::Buyer(&dave), &tea.id, 1).await.ok(200);

    // Carol bought one of her three teas: the whole line goes.
    let checkout = Uuid::now_v7();
    let event = paid(checkout, &carol, &[(&tea.id, 1)]);
    emit(&feeder, &event).await;
    wait_for_products(&shop, &carol, &[&cup.id]).await;

    // The same payment reported again, then the cup bought: the tea stays gone, the cup goes.
    emit(&feeder, &event).await;
    emit(&feeder, &paid(checkout, &carol, &[(&cup.id, 1)])).await;
    wait_for_products(&shop, &carol, &[]).await;
    let dave_cart = shop.view(Who::Buyer(&dave)).await;
    assert_eq!(line(dave_cart.ok(200), &tea.id)["quantity"], 1, "another buyer's cart is untouched");
    shop.stop().await;
}
