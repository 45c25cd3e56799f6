//! A cart's lines: adding, setting, removing and emptying, what the answer shows, and every limit — of
//! quantities, of lines, of stock — checked by the server, whose prices are the only ones that count.

use reqwest::Method;
use serde_json::json;

use crate::harness::{Store, Who, line, on_both_stores, products, start};

on_both_stores!(
    lines_are_added_set_removed_and_cleared,
    quantities_lines_and_stock_have_limits,
    a_price_sent_by_the_client_is_ignored,
    a_seller_cannot_fill_a_cart_from_their_own_shop,
    concurrent_additions_of_one_product_all_count,
    a_request_names_its_cart_or_is_refused,
);

async fn lines_are_added_set_removed_and_cleared(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 10).await;
    let cup = shop.product(&alice, "Tea cup", 500, 5).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let me = Who::Buyer(&buyer);

    let empty = shop.view(me).await;
    let empty = empty.ok(200);
    assert_eq!((empty["item_count"].as_u64(), empty["subtotal"]["amount_minor"].as_i64()), (Some(0), Some(0)));
    assert_eq!((empty["currency"].as_str(), empty["catalog_available"].as_bool()), (Some("EUR"), Some(true)));

    shop.add(me, &tea.id, 2).await.ok(200);
    let cart = shop.add(me, &tea.id, 1).await;
    let cart = cart.ok(200);
    let tea_line = line(cart, &tea.id);
    assert_eq!(tea_line["quantity"], 3, "adding to a line adds up");
    assert_eq!(tea_line["title"], "Green tea");
    assert_eq!(tea_line["seller"]["id"], alice.user_id.as_str());
    assert_eq!(tea_line["unit_price"]["amount_minor"], 1250);
    assert_eq!(tea_line["unit_price"]["formatted"], "12.50 EUR");
    assert_eq!(tea_line["added_price"]["amount_minor"], 1250);
    assert_eq!(tea_line["price_changed"], false);
    assert_eq!((tea_line["available"].as_i64(), tea_line["state"].as_str()), (Some(10), Some("ok")));
    assert_eq!(tea_line["line_total"]["amount_minor"], 3750);

    let cart = shop.add(me, &cup.id, 1).await;
    let cart = cart.ok(200);
    assert_eq!(products(cart), [tea.id.as_str(), cup.id.as_str()], "oldest line first");
    assert_eq!((cart["item_count"].as_u64(), cart["subtotal"]["amount_minor"].as_i64()), (Some(4), Some(4250)));

    let cart = shop.set(me, &tea.id, 1).await;
    assert_eq!(line(cart.ok(200), &tea.id)["quantity"], 1, "setting replaces");
    let cart = shop.set(me, &cup.id, 0).await;
    assert_eq!(products(cart.ok(200)), [tea.id.as_str()], "0 removes the line");
    let cart = shop.cart(Method::DELETE, &format!("/cart/items/{}", tea.id), me).send().await;
    assert!(products(cart.ok(200)).is_empty());

    shop.add(me, &tea.id, 2).await.ok(200);
    shop.set(me, &cup.id, 2).await.ok(200);
    assert_eq!(products(shop.view(me).await.ok(200)).len(), 2, "setting a product not in the cart adds it");
    let cleared = shop.cart(Method::DELETE, "/cart", me).send().await;
    assert_eq!(cleared.ok(200)["item_count"], 0);
    assert!(products(shop.view(me).await.ok(200)).is_empty());
    shop.stop().await;
}

async fn quantities_lines_and_stock_have_limits(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 500).await;
    let rare = shop.product(&alice, "Rare oolong", 9000, 3).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let me = Who::Buyer(&buyer);

    for quantity in [0, -1, 100] {
        let reply = shop.add(me, &tea.id, quantity).await;
        reply.problem(422, "invalid_input");
        assert_eq!(reply.fields(), ["quantity"], "{quantity}");
    }
    shop.set(me, &tea.id, 100).await.problem(422, "invalid_input");
    shop.set(me, &tea.id, -1).await.problem(422, "invalid_input");
    shop.add(me, &tea.id, 60).await.ok(200);
    let reply = shop.add(me, &tea.id, 40).await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["quantity"], "99 of one product at most, in all");

    let reply = shop.add(me, &rare.id, 4).await;
    let problem = reply.problem(409, "insufficient_stock");
    assert_eq!((problem["product_id"].as_str(), problem["available"].as_i64()), (Some(rare.id.as_str()), Some(3)));
    assert!(problem["detail"].as_str().unwrap().contains("Rare oolong"));
    shop.add(me, &rare.id, 3).await.ok(200);
    shop.add(me, &rare.id, 1).await.problem(409, "insufficient_stock");

    let unknown = uuid::Uuid::now_v7().to_string();
    shop.add(me, &unknown, 1).await.problem(404, "product_not_found");
    let reply = shop.cart(Method::POST, "/cart/items", me).json(&json!({ "product_id": "nope", "quantity": 1 }));
    assert_eq!(reply.send().await.fields(), ["product_id"]);

    // 50 different products at most: two are in the cart, 48 more fit, the 51st does not.
    let category = shop.category("Many things").await;
    for n in 0..49 {
        let product = shop.list(&alice, &format!("Thing number {n}"), 100, 5, &category).await;
        let reply = shop.add(me, &product.id, 1).await;
        if n < 48 {
            reply.ok(200);
        } else {
            reply.problem(409, "cart_full");
        }
    }
    let cart = shop.view(me).await;
    let cart = cart.ok(200);
    assert_eq!(cart["items"].as_array().unwrap().len(), 50);
    assert_eq!(line(cart, &tea.id)["quantity"], 60, "refused changes changed nothing");
    assert_eq!(line(cart, &rare.id)["quantity"], 3);
    shop.add(me, &tea.id, 1).await.ok(200);
    shop.stop().await;
}

async fn a_price_sent_by_the_client_is_ignored(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 10).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let me = Who::Buyer(&buyer);

    let body = json!({
        "product_id": tea.id,
        "quantity": 2,
        "price": { "amount_minor": 1, "currency": "EUR" },
        "unit_price": 1,
        "added_price": { "amount_minor": 1, "currency": "EUR" },
    });
    let cart = shop.cart(Method::POST, "/cart/items", me).json(&body).send().await;
    let cart = cart.ok(200);
    let tea_line = line(cart, &tea.id);
    assert_eq!(tea_line["unit_price"]["amount_minor"], 1250);
    assert_eq!(tea_line["added_price"]["amount_minor"], 1250);
    assert_eq!(cart["subtotal"]["amount_minor"], 2500);
    let body = json!({ "quantity": 3, "unit_price": { "amount_minor": 1, "currency": "EUR" } });
    let cart = shop.cart(Method::PUT, &format!("/cart/items/{}", tea.id), me).json(&body).send().await;
    assert_eq!(cart.ok(200)["subtotal"]["amount_minor"], 3750);
    shop.stop().await;
}

async fn a_seller_cannot_fill_a_cart_from_their_own_shop(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let bob = shop.seller("bob@example.com", "Bob's Bikes").await;
    let tea = shop.product(&alice, "Green tea", 1250, 10).await;
    shop.add(Who::Buyer(&alice), &tea.id, 1).await.problem(409, "own_product");
    shop.set(Who::Buyer(&alice), &tea.id, 1).await.problem(409, "own_product");
    assert!(products(shop.view(Who::Buyer(&alice)).await.ok(200)).is_empty());
    shop.add(Who::Buyer(&bob), &tea.id, 1).await.ok(200);

    // Nor by filling it before signing in.
    let token = shop.guest().await;
    shop.add(Who::Guest(&token), &tea.id, 2).await.ok(200);
    let merged = shop.cart(Method::POST, "/cart/merge", Who::Both(&alice, &token)).send().await;
    assert!(products(merged.ok(200)).is_empty());
    shop.stop().await;
}

async fn concurrent_additions_of_one_product_all_count(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 50).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let adds = (0..20).map(|_| shop.add(Who::Buyer(&buyer), &tea.id, 1));
    for reply in futures::future::join_all(adds).await {
        reply.ok(200);
    }
    let cart = shop.view(Who::Buyer(&buyer)).await;
    assert_eq!(line(cart.ok(200), &tea.id)["quantity"], 20);
    shop.stop().await;
}

async fn a_request_names_its_cart_or_is_refused(store: Store) {
    let shop = start(store).await;
    let reply = shop.view(Who::Nobody).await;
    reply.problem(401, "unauthenticated");
    assert_eq!(reply.header("www-authenticate"), "Bearer");
    let tea = uuid::Uuid::now_v7().to_string();
    shop.add(Who::Nobody, &tea, 1).await.problem(401, "unauthenticated");
    let forged = shop.cart(Method::GET, "/cart", Who::Nobody).bearer("not.a.token").send().await;
    forged.problem(401, "invalid_token");
    shop.stop().await;
}
