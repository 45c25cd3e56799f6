//! Saving, listing and removing: once per product whatever the concurrency, at catalog's price, up to the
//! cap, and only ever the caller's own wishlist.

use std::sync::Arc;

use agora_testkit::Backends;
use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::harness::{Shop, builder, item, product_ids};

#[tokio::test]
async fn a_buyer_saves_lists_and_removes_products_newest_first() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let pot = shop.product(&alice, "Teapot", 3000, 2).await;
    let carol = shop.app.buyer("carol@example.com").await;

    let saved = shop.save(&carol, &tea.id).await;
    let saved = saved.ok(201);
    assert_eq!(saved["product_id"], tea.id.as_str());
    assert_eq!(saved["price_when_saved"]["amount_minor"], 1250);
    assert_eq!(
        (saved["notify_price_drop"].as_bool(), saved["notify_back_in_stock"].as_bool()),
        (Some(true), Some(true))
    );
    shop.save_with(&carol, &pot.id, json!({ "notify_back_in_stock": false })).await.ok(201);

    let list = shop.list(&carol).await;
    assert_eq!(product_ids(&list), vec![pot.id.as_str(), tea.id.as_str()], "newest first");
    assert_eq!(list["catalog_available"], true);
    assert!(list["next_cursor"].is_null());
    let tea_item = item(&list, &tea.id);
    assert_eq!(tea_item["product"]["title"], "Sencha");
    assert_eq!(tea_item["product"]["price"]["amount_minor"], 1250);
    assert_eq!(tea_item["product"]["available"], 5);
    assert_eq!(tea_item["product"]["status"], "active");
    assert_eq!(tea_item["product"]["seller_id"], alice.user_id.as_str());
    assert_eq!((tea_item["available"].as_bool(), tea_item["price_dropped"].as_bool()), (Some(true), Some(false)));
    assert_eq!(item(&list, &pot.id)["notify_back_in_stock"], false);

    let contains = shop.wishlist(Method::GET, &format!("/contains?ids={},{}", pot.id, uuid::Uuid::now_v7()), &carol);
    assert_eq!(contains.send().await.ok(200)["saved"], json!([pot.id]));

    shop.remove(&carol, &pot.id).await.ok(204);
    shop.remove(&carol, &pot.id).await.ok(204);
    assert_eq!(product_ids(&shop.list(&carol).await), vec![tea.id.as_str()]);
}

#[tokio::test]
async fn pages_follow_the_cursor_to_the_oldest() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let mut saved = Vec::new();
    for title in ["Sencha", "Bancha", "Matcha"] {
        let product = shop.product(&alice, title, 900, 3).await;
        shop.save(&carol, &product.id).await.ok(201);
        saved.push(product.id);
    }
    let first = shop.wishlist(Method::GET, "?limit=2", &carol).send().await.ok(200).clone();
    assert_eq!(product_ids(&first), vec![saved[2].as_str(), saved[1].as_str()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = shop.wishlist(Method::GET, &format!("?limit=2&cursor={cursor}"), &carol).send().await;
    assert_eq!(product_ids(second.ok(200)), vec![saved[0].as_str()]);
    assert!(second.body["next_cursor"].is_null());
    shop.wishlist(Method::GET, "?cursor=nonsense", &carol).send().await.problem(422, "bad_cursor");
}

/// Saving the same product twice answers the first item; the price in a body is ignored.
async fn saving_twice(shop: Shop) {
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let carol = shop.app.buyer("carol@example.com").await;

    let body = json!({ "price_when_saved": { "amount_minor": 1, "currency": "EUR" }, "price": 1 });
    let first = shop.save_with(&carol, &tea.id, body).await;
    assert_eq!(first.ok(201)["price_when_saved"]["amount_minor"], 1250, "catalog's price, not the body's");
    let again = shop.save_with(&carol, &tea.id, json!({ "notify_price_drop": false })).await;
    let again = again.ok(200);
    assert_eq!(again["saved_at"], first.body["saved_at"]);
    assert_eq!(again["notify_price_drop"], true, "the item stays as first saved");
    assert_eq!(product_ids(&shop.list(&carol).await), vec![tea.id.as_str()]);

    // Twenty saves of another product at once: one creates it, the others find it.
    let pot = shop.product(&alice, "Teapot", 3000, 2).await;
    let shop = Arc::new(shop);
    let replies = join_all((0..20).map(|_| {
        let (shop, carol, pot) = (shop.clone(), carol.clone(), pot.id.clone());
        async move { shop.save(&carol, &pot).await }
    }))
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 19, "{statuses:?}");
    assert_eq!(product_ids(&shop.list(&carol).await), vec![pot.id.as_str(), tea.id.as_str()]);
}

#[tokio::test]
async fn saving_a_product_twice_or_twenty_times_at_once_keeps_one_item_at_catalogs_price() {
    saving_twice(Shop::start().await).await;
}

#[tokio::test]
async fn saving_a_product_twice_or_twenty_times_at_once_keeps_one_item_on_postgres_and_kafka() {
    let Some(shop) = Shop::start_with(builder(Backends::PRODUCTION)).await else { return };
    saving_twice(shop).await;
}

#[tokio::test]
async fn another_buyers_wishlist_is_never_visible_or_changed() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    shop.save(&carol, &tea.id).await.ok(201);

    assert!(product_ids(&shop.list(&dave).await).is_empty());
    let contains = shop.wishlist(Method::GET, &format!("/contains?ids={}", tea.id), &dave).send().await;
    assert_eq!(contains.ok(200)["saved"], json!([]));
    shop.remove(&dave, &tea.id).await.ok(204);
    assert_eq!(product_ids(&shop.list(&carol).await), vec![tea.id.as_str()], "Dave's removal is his own");
    // Dave saving it makes his own item; Carol's stays one.
    shop.save(&dave, &tea.id).await.ok(201);
    assert_eq!(product_ids(&shop.list(&carol).await), vec![tea.id.as_str()]);
}

#[tokio::test]
async fn a_full_wishlist_refuses_another_product_but_answers_a_saved_one() {
    let shop = Shop::start_with(builder(Backends::EMBEDDED).set("settings.wishlist.max_items", "2")).await.unwrap();
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let mut products = Vec::new();
    for title in ["Sencha", "Bancha", "Matcha"] {
        products.push(shop.product(&alice, title, 900, 3).await.id);
    }
    shop.save(&carol, &products[0]).await.ok(201);
    shop.save(&carol, &products[1]).await.ok(201);
    let full = shop.save(&carol, &products[2]).await;
    assert_eq!(full.problem(409, "wishlist_full")["max_items"], 2);
    shop.save(&carol, &products[1]).await.ok(200);
    shop.remove(&carol, &products[0]).await.ok(204);
    shop.save(&carol, &products[2]).await.ok(201);
}

#[tokio::test]
async fn unknown_products_bad_ids_and_anonymous_callers_are_refused() {
    let shop = Shop::start().await;
    let carol = shop.app.buyer("carol@example.com").await;
    shop.save(&carol, &uuid::Uuid::now_v7().to_string()).await.problem(404, "product_not_found");

    let anonymous = shop.app.request(Method::GET, "/api/wishlist").send().await;
    anonymous.problem(401, "unauthenticated");
    let anonymous =
        shop.app.request(Method::PUT, &format!("/api/wishlist/items/{}", uuid::Uuid::now_v7())).send().await;
    anonymous.problem(401, "unauthenticated");

    let bad = shop.wishlist(Method::GET, "/contains?ids=tea,pot", &carol).send().await;
    bad.problem(422, "invalid_input");
    assert_eq!(bad.fields(), vec!["ids"]);
    shop.wishlist(Method::GET, "/contains", &carol).send().await.problem(422, "invalid_input");
    let many: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let many = shop.wishlist(Method::GET, &format!("/contains?ids={}", many.join(",")), &carol).send().await;
    many.problem(422, "invalid_input");
    let bad_path = shop.wishlist(Method::PUT, "/items/not-a-product", &carol).send().await;
    assert!(bad_path.status == 400 || bad_path.status == 422, "{}", bad_path.status);
}
