//! Alerts: a price drop, or a product back in stock, makes exactly one alert per buyer watching it — none
//! for a price rise, none for a buyer who turned that alert off, none twice when catalog's event arrives again.

use std::sync::Arc;

use agora_core::{Money, Timestamp};
use agora_events::catalog::{BackInStock, PriceChanged, ProductEvent, ProductSnapshot, StockEvent};
use agora_testkit::Backends;
use agora_testkit::api::Session;
use agora_testkit::feeder::Feeder;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{BACK_IN_STOCK, PRICE_DROPPED, Shop, builder, eventually, item, without_services};

/// The `new_price` amounts of `buyer`'s price-drop alerts about `product`.
fn drops(shop: &Shop, buyer: &Session, product: &str) -> Vec<i64> {
    let alerts = shop.alerts_for(PRICE_DROPPED, buyer, product);
    alerts.iter().map(|a| a["new_price"]["amount_minor"].as_i64().unwrap()).collect()
}

/// Real catalog changes: a seller edits price and stock through catalog's API.
async fn alerts_follow_catalog(shop: Shop) {
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    let erin = shop.app.buyer("erin@example.com").await;
    shop.save(&carol, &tea.id).await.ok(201);
    shop.save(&dave, &tea.id).await.ok(201);
    let off = json!({ "notify_price_drop": false, "notify_back_in_stock": false });
    shop.save_with(&erin, &tea.id, off).await.ok(201);

    // A rise, then two drops: the second drop is the mark that everything before it was handled.
    shop.edit(&alice, &tea, 1500, 5).await;
    shop.edit(&alice, &tea, 1000, 5).await;
    shop.edit(&alice, &tea, 900, 5).await;
    for buyer in [&carol, &dave] {
        shop.wait_for_alert(PRICE_DROPPED, buyer, &tea.id, |a| a["new_price"]["amount_minor"] == 900).await;
        assert_eq!(drops(&shop, buyer, &tea.id), vec![1000, 900], "one alert per drop, none for the rise");
    }
    let alert = &shop.alerts_for(PRICE_DROPPED, &carol, &tea.id)[0];
    assert_eq!(alert["old_price"]["amount_minor"], 1500);
    assert_eq!(alert["title"], "Sencha");
    assert!(drops(&shop, &erin, &tea.id).is_empty(), "Erin turned price alerts off");
    let carol_item = item(&shop.list(&carol).await, &tea.id).clone();
    assert_eq!(carol_item["price_dropped"], true);
    assert_eq!(carol_item["price_when_saved"]["amount_minor"], 1250);

    // Sold out, back, sold out, back: two alerts each.
    for stock in [0, 4, 0, 3] {
        shop.edit(&alice, &tea, 900, stock).await;
    }
    for buyer in [&carol, &dave] {
        eventually("two back-in-stock alerts", || async { shop.alerts_for(BACK_IN_STOCK, buyer, &tea.id).len() >= 2 })
            .await;
        let available: Vec<_> =
            shop.alerts_for(BACK_IN_STOCK, buyer, &tea.id).iter().map(|a| a["available"].as_i64().unwrap()).collect();
        assert_eq!(available, vec![4, 3]);
    }
    assert!(shop.alerts_for(BACK_IN_STOCK, &erin, &tea.id).is_empty(), "Erin turned stock alerts off");
}

#[tokio::test]
async fn price_drops_and_restocks_alert_each_watching_buyer_once() {
    alerts_follow_catalog(Shop::start().await).await;
}

#[tokio::test]
async fn price_drops_and_restocks_alert_each_watching_buyer_once_on_postgres_and_kafka() {
    let Some(shop) = Shop::start_with(builder(Backends::PRODUCTION)).await else { return };
    alerts_follow_catalog(shop).await;
}

fn snapshot(id: Uuid, seller: Uuid, price: i64) -> ProductSnapshot {
    ProductSnapshot {
        product_id: id,
        seller_id: seller,
        title: "Gyokuro".to_owned(),
        price: eur(price),
        category_id: Uuid::now_v7(),
        status: "active".to_owned(),
        available: 0,
        thumbnail: None,
        version: 1,
        updated_at: Timestamp::now(),
        low_stock_threshold: None,
    }
}

fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: agora_core::Currency::parse("EUR").unwrap() }
}

fn price_changed(id: Uuid, seller: Uuid, old: i64, new: i64, version: i64) -> ProductEvent {
    let title = "Gyokuro".to_owned();
    ProductEvent::PriceChanged(PriceChanged {
        product_id: id,
        seller_id: seller,
        title,
        old_price: eur(old),
        new_price: eur(new),
        version,
    })
}

/// Catalog's events arrive again, as after a crash: nobody is alerted twice. Catalog itself is not running.
async fn redelivery(backends: Backends) {
    let feeder = Feeder::new(&["catalog.products", "catalog.stock"]);
    let builder = without_services(backends)
        .services("identity,wishlist")
        .service(Arc::new(feeder.clone()))
        .set("urls.catalog", "http://127.0.0.1:9/api/catalog");
    let Some(shop) = Shop::start_with(builder).await else { return };
    let (id, seller) = (Uuid::now_v7(), Uuid::now_v7());
    feeder.emit("agora/catalog", &[ProductEvent::Created(snapshot(id, seller, 2000))]).await;
    let product = id.to_string();
    shop.wait_until_known(&product).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    shop.save(&carol, &product).await.ok(201);
    shop.save(&dave, &product).await.ok(201);

    let dropped = feeder.emit("agora/catalog", &[price_changed(id, seller, 2000, 1800, 2)]).await;
    let back = StockEvent::BackInStock(BackInStock {
        product_id: id,
        seller_id: seller,
        title: "Gyokuro".into(),
        available: 7,
    });
    let restocked = feeder.emit("agora/catalog", &[back]).await;
    for buyer in [&carol, &dave] {
        shop.wait_for_alert(PRICE_DROPPED, buyer, &product, |_| true).await;
        shop.wait_for_alert(BACK_IN_STOCK, buyer, &product, |_| true).await;
    }
    feeder.redeliver("catalog.products", &dropped[0]).await;
    feeder.redeliver("catalog.stock", &restocked[0]).await;
    // Marks on both topics after the redeliveries: once they are handled, so were the redeliveries.
    feeder.emit("agora/catalog", &[price_changed(id, seller, 1800, 1500, 3)]).await;
    let again = StockEvent::BackInStock(BackInStock {
        product_id: id,
        seller_id: seller,
        title: "Gyokuro".into(),
        available: 2,
    });
    feeder.emit("agora/catalog", &[again]).await;
    for buyer in [&carol, &dave] {
        shop.wait_for_alert(PRICE_DROPPED, buyer, &product, |a| a["new_price"]["amount_minor"] == 1500).await;
        shop.wait_for_alert(BACK_IN_STOCK, buyer, &product, |a| a["available"] == 2).await;
        assert_eq!(drops(&shop, buyer, &product), vec![1800, 1500], "the redelivered drop alerted no one again");
        assert_eq!(shop.alerts_for(BACK_IN_STOCK, buyer, &product).len(), 2);
    }

    // While catalog is down, the wishlist shows what the read model knows: the price after the drops.
    let list = shop.list(&carol).await;
    assert_eq!(list["catalog_available"], false);
    let saved = item(&list, &product);
    assert_eq!(saved["product"]["price"]["amount_minor"], 1500);
    assert_eq!(saved["price_dropped"], true);
}

#[tokio::test]
async fn a_redelivered_catalog_event_alerts_nobody_twice() {
    redelivery(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn a_redelivered_catalog_event_alerts_nobody_twice_on_postgres_and_kafka() {
    redelivery(Backends::PRODUCTION).await;
}
