//! While catalog cannot be reached, carts still show, as saved, and nothing that needs catalog changes.

use reqwest::Method;

use crate::harness::{Shop, Store, Who, builder, line, on_both_stores, services};

on_both_stores!(a_cart_shows_as_saved_while_catalog_is_down);

async fn a_cart_shows_as_saved_while_catalog_is_down(store: Store) {
    // The same data directory and key prefix twice: first with catalog, then without it.
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let prefix = agora_testkit::unique_prefix();
    let shop =
        Shop::start(store, builder(store).set("data_dir", data_dir.clone()).set("bus.topic_prefix", prefix.clone()))
            .await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 10).await;
    let cup = shop.product(&alice, "Tea cup", 500, 10).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    shop.add(Who::Buyer(&buyer), &tea.id, 2).await.ok(200);
    shop.add(Who::Buyer(&buyer), &cup.id, 1).await.ok(200);
    shop.app.stop().await;

    let without = services(store)
        .set("data_dir", data_dir)
        .set("bus.topic_prefix", prefix)
        .set("urls.catalog", "http://127.0.0.1:9/api/catalog");
    let shop = Shop::start(store, without).await;
    let buyer = shop.app.sign_in("carol@example.com", agora_testkit::api::PASSWORD).await;
    let me = Who::Buyer(&buyer);
    let cart = shop.view(me).await;
    let cart = cart.ok(200);
    assert_eq!(cart["catalog_available"], false);
    let tea_line = line(cart, &tea.id);
    assert_eq!((tea_line["title"].as_str(), tea_line["quantity"].as_i64()), (Some("Green tea"), Some(2)));
    assert_eq!(tea_line["seller"]["id"], alice.user_id.as_str());
    assert_eq!(tea_line["added_price"]["amount_minor"], 1250);
    assert_eq!(tea_line["unit_price"]["amount_minor"], 1250, "the saved price stands in");
    assert!(tea_line["available"].is_null());
    assert_eq!(cart["subtotal"]["amount_minor"], 3000);

    shop.add(me, &tea.id, 1).await.problem(503, "catalog_unavailable");
    shop.set(me, &cup.id, 3).await.problem(503, "catalog_unavailable");
    shop.cart(Method::POST, "/cart/acknowledge", me).send().await.problem(503, "catalog_unavailable");
    let cart = shop.view(me).await;
    assert_eq!(cart.ok(200)["item_count"], 3, "nothing changed");

    // Taking things out needs no catalog.
    let cart = shop.cart(Method::DELETE, &format!("/cart/items/{}", cup.id), me).send().await;
    assert_eq!(cart.ok(200)["item_count"], 2);
    shop.stop().await;
}
