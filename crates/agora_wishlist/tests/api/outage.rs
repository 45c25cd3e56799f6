//! While catalog cannot be reached, a wishlist still shows what was saved, with the details last heard;
//! a deleted product's item stays and shows unavailable.

use reqwest::Method;

use crate::harness::{Shop, builder, item, product_ids, without_services};
use agora_testkit::Backends;

#[tokio::test]
async fn a_wishlist_shows_as_saved_while_catalog_is_down() {
    // The same data directory and topic prefix twice: first with catalog, then without it.
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let prefix = agora_testkit::unique_prefix();
    let with = builder(Backends::EMBEDDED).set("data_dir", data_dir.clone()).set("bus.topic_prefix", prefix.clone());
    let shop = Shop::start_with(with).await.unwrap();
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let pot = shop.product(&alice, "Teapot", 3000, 2).await;
    let carol = shop.app.buyer("carol@example.com").await;
    shop.save(&carol, &tea.id).await.ok(201);
    shop.save(&carol, &pot.id).await.ok(201);
    shop.app.stop().await;

    let without = without_services(Backends::EMBEDDED)
        .services("identity,wishlist")
        .set("data_dir", data_dir)
        .set("bus.topic_prefix", prefix)
        .set("urls.catalog", "http://127.0.0.1:9/api/catalog");
    let shop = Shop::start_with(without).await.unwrap();
    let carol = shop.app.sign_in("carol@example.com", agora_testkit::api::PASSWORD).await;
    let list = shop.list(&carol).await;
    assert_eq!(list["catalog_available"], false);
    assert_eq!(product_ids(&list), vec![pot.id.as_str(), tea.id.as_str()]);
    let tea_item = item(&list, &tea.id);
    assert_eq!(tea_item["price_when_saved"]["amount_minor"], 1250);
    assert_eq!(tea_item["product"]["title"], "Sencha", "the last known title");
    assert_eq!(tea_item["product"]["price"]["amount_minor"], 1250);
    assert_eq!(tea_item["price_dropped"], false);

    // Nothing else needs catalog either.
    shop.remove(&carol, &pot.id).await.ok(204);
    assert_eq!(product_ids(&shop.list(&carol).await), vec![tea.id.as_str()]);
}

#[tokio::test]
async fn a_deleted_products_item_stays_and_shows_unavailable() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let carol = shop.app.buyer("carol@example.com").await;
    shop.save(&carol, &tea.id).await.ok(201);

    let path = format!("/api/catalog/products/{}", tea.id);
    let deleted = shop.call(Method::DELETE, &path, &alice).send().await;
    assert!(deleted.status < 300, "{}", deleted.body);
    let list = shop.list(&carol).await;
    let saved = item(&list, &tea.id);
    assert_eq!(saved["available"], false);
    assert_eq!(saved["product"]["title"], "Sencha");
    // Once wishlist hears of the deletion, nobody can save it again.
    let dave = shop.app.buyer("dave@example.com").await;
    crate::harness::eventually("wishlist to hear of the deletion", || async {
        shop.save(&dave, &tea.id).await.status == 404
    })
    .await;
    assert_eq!(item(&shop.list(&carol).await, &tea.id)["product"]["status"], "deleted");
}

#[tokio::test]
async fn a_hidden_product_cannot_be_saved_until_it_is_shown_again() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha", 1250, 5).await;
    let carol = shop.app.buyer("carol@example.com").await;

    let hide = format!("/api/catalog/products/{}/hide", tea.id);
    let hidden = shop.call(Method::POST, &hide, &alice).send().await;
    assert!(hidden.status < 300, "{}", hidden.body);
    // A probe buyer finds out when wishlist has heard of it (its saves before then may succeed).
    let probe = shop.app.buyer("probe@example.com").await;
    crate::harness::eventually("wishlist to hear the product is hidden", || async {
        shop.save(&probe, &tea.id).await.status == 404
    })
    .await;
    shop.save(&carol, &tea.id).await.problem(404, "product_not_found");
    assert!(shop.list(&carol).await["items"].as_array().unwrap().is_empty(), "nothing was saved");

    let show = format!("/api/catalog/products/{}/show", tea.id);
    let shown = shop.call(Method::POST, &show, &alice).send().await;
    assert!(shown.status < 300, "{}", shown.body);
    crate::harness::eventually("wishlist to hear it is for sale again", || async {
        shop.save(&carol, &tea.id).await.status == 201
    })
    .await;
}
