//! What changes under a cart while it waits: a seller reprices (flagged until the buyer acknowledges),
//! stock runs low or out, a product leaves the shop. The subtotal counts only what can be bought.

use reqwest::Method;

use crate::harness::{Store, Who, line, on_both_stores, start};

on_both_stores!(a_price_change_is_flagged_until_the_buyer_acknowledges_it, each_line_says_whether_it_can_be_bought);

async fn a_price_change_is_flagged_until_the_buyer_acknowledges_it(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 10).await;
    let cup = shop.product(&alice, "Tea cup", 500, 10).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let me = Who::Buyer(&buyer);
    shop.add(me, &tea.id, 2).await.ok(200);
    shop.add(me, &cup.id, 1).await.ok(200);

    shop.edit(&alice, &tea, 990, 10).await;
    let cart = shop.view(me).await;
    let cart = cart.ok(200);
    let tea_line = line(cart, &tea.id);
    assert_eq!(tea_line["price_changed"], true);
    assert_eq!(
        (tea_line["unit_price"]["amount_minor"].as_i64(), tea_line["added_price"]["amount_minor"].as_i64()),
        (Some(990), Some(1250))
    );
    assert_eq!(tea_line["line_total"]["amount_minor"], 1980, "the current price counts");
    assert_eq!(cart["subtotal"]["amount_minor"], 2480);
    assert_eq!(line(cart, &cup.id)["price_changed"], false);

    // Adding more keeps the flag: the buyer has not acknowledged yet.
    let cart = shop.add(me, &tea.id, 1).await;
    assert_eq!(line(cart.ok(200), &tea.id)["price_changed"], true);

    let cart = shop.cart(Method::POST, "/cart/acknowledge", me).send().await;
    let cart = cart.ok(200);
    let tea_line = line(cart, &tea.id);
    assert_eq!(
        (tea_line["price_changed"].as_bool(), tea_line["added_price"]["amount_minor"].as_i64()),
        (Some(false), Some(990))
    );
    let cart = shop.view(me).await;
    assert_eq!(line(cart.ok(200), &tea.id)["price_changed"], false, "acknowledged for good");

    shop.edit(&alice, &tea, 1500, 10).await;
    let cart = shop.view(me).await;
    assert_eq!(line(cart.ok(200), &tea.id)["price_changed"], true, "a later change is flagged again");
    shop.stop().await;
}

async fn each_line_says_whether_it_can_be_bought(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1000, 5).await;
    let cup = shop.product(&alice, "Tea cup", 300, 5).await;
    let pot = shop.product(&alice, "Tea pot", 2000, 5).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let me = Who::Buyer(&buyer);
    shop.add(me, &tea.id, 3).await.ok(200);
    shop.add(me, &cup.id, 2).await.ok(200);
    shop.add(me, &pot.id, 1).await.ok(200);

    shop.edit(&alice, &tea, 1000, 2).await;
    shop.edit(&alice, &cup, 300, 0).await;
    shop.hide(&alice, &pot).await;
    let cart = shop.view(me).await;
    let cart = cart.ok(200);
    let state = |product: &str| {
        let l = line(cart, product);
        (l["state"].as_str().unwrap().to_owned(), l["available"].as_i64())
    };
    assert_eq!(state(&tea.id), ("insufficient_stock".to_owned(), Some(2)));
    assert_eq!(state(&cup.id), ("sold_out".to_owned(), Some(0)));
    assert_eq!(state(&pot.id), ("unavailable".to_owned(), Some(0)));
    assert_eq!(line(cart, &pot.id)["title"], "Tea pot", "a hidden product shows as it was added");
    assert_eq!(cart["subtotal"]["amount_minor"], 0, "nothing here can be bought as it is");
    assert_eq!(cart["item_count"], 6);

    let cart = shop.set(me, &tea.id, 2).await;
    let cart = cart.ok(200);
    assert_eq!(line(cart, &tea.id)["state"], "ok");
    assert_eq!(cart["subtotal"]["amount_minor"], 2000);
    shop.add(me, &pot.id, 1).await.problem(404, "product_not_found");
    shop.stop().await;
}
