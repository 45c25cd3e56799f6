//! Visitors' carts behind a token, merged into the buyer's cart on sign-in, and carts kept apart: nobody
//! reaches a cart but its owner, and a guessed token finds nothing.

use reqwest::Method;

use crate::harness::{Store, Who, line, on_both_stores, products, start};

on_both_stores!(
    a_visitors_cart_merges_into_the_buyers_on_sign_in,
    an_unknown_or_malformed_token_finds_no_cart,
    each_shopper_reaches_only_their_own_cart,
);

async fn a_visitors_cart_merges_into_the_buyers_on_sign_in(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 50).await;
    let cup = shop.product(&alice, "Tea cup", 500, 200).await;
    let token = shop.guest().await;
    assert!(token.len() >= 22, "at least 128 random bits");
    let visitor = Who::Guest(&token);

    let empty = shop.view(visitor).await;
    assert_eq!(empty.ok(200)["item_count"], 0);
    shop.add(visitor, &tea.id, 2).await.ok(200);
    let cart = shop.add(visitor, &cup.id, 1).await;
    assert_eq!(cart.ok(200)["item_count"], 3);
    let cart = shop.set(visitor, &cup.id, 40).await;
    assert_eq!(line(cart.ok(200), &cup.id)["quantity"], 40);

    let buyer = shop.app.buyer("carol@example.com").await;
    shop.add(Who::Buyer(&buyer), &tea.id, 1).await.ok(200);
    shop.add(Who::Buyer(&buyer), &cup.id, 70).await.ok(200);
    let merged = shop.cart(Method::POST, "/cart/merge", Who::Both(&buyer, &token)).send().await;
    let merged = merged.ok(200);
    assert_eq!(line(merged, &tea.id)["quantity"], 3, "quantities add up");
    assert_eq!(line(merged, &cup.id)["quantity"], 99, "up to the most one line holds");
    shop.view(visitor).await.problem(404, "cart_not_found");

    let again = shop.cart(Method::POST, "/cart/merge", Who::Both(&buyer, &token)).send().await;
    assert_eq!(again.ok(200)["items"], merged["items"], "merging twice changes nothing");
    assert_eq!(shop.view(Who::Buyer(&buyer)).await.ok(200)["items"], merged["items"]);

    // A token needs a bearer to merge into, and a bearer a token to merge from.
    let other = shop.guest().await;
    shop.cart(Method::POST, "/cart/merge", Who::Guest(&other)).send().await.problem(401, "unauthenticated");
    let reply = shop.cart(Method::POST, "/cart/merge", Who::Buyer(&buyer)).send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["X-Cart-Token"]);
    shop.stop().await;
}

async fn an_unknown_or_malformed_token_finds_no_cart(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 50).await;
    let real = shop.guest().await;
    // Well-formed but never minted: the storefront then mints a new cart.
    let guessed: String = real.chars().rev().collect();
    for token in [guessed.as_str(), "abc", "../../etc/passwd"] {
        shop.view(Who::Guest(token)).await.problem(404, "cart_not_found");
        shop.add(Who::Guest(token), &tea.id, 1).await.problem(404, "cart_not_found");
        shop.cart(Method::DELETE, "/cart", Who::Guest(token)).send().await.problem(404, "cart_not_found");
    }
    // The real one is untouched, and a merge from an unknown token leaves the buyer's cart as it is.
    assert_eq!(shop.view(Who::Guest(&real)).await.ok(200)["item_count"], 0);
    let buyer = shop.app.buyer("carol@example.com").await;
    shop.add(Who::Buyer(&buyer), &tea.id, 1).await.ok(200);
    let merged = shop.cart(Method::POST, "/cart/merge", Who::Both(&buyer, &guessed)).send().await;
    assert_eq!(line(merged.ok(200), &tea.id)["quantity"], 1);
    shop.stop().await;
}

async fn each_shopper_reaches_only_their_own_cart(store: Store) {
    let shop = start(store).await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Green tea", 1250, 50).await;
    let cup = shop.product(&alice, "Tea cup", 500, 50).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    shop.add(Who::Buyer(&carol), &tea.id, 2).await.ok(200);
    assert!(products(shop.view(Who::Buyer(&dave)).await.ok(200)).is_empty());

    // A bearer wins over a token: Dave sending a visitor's token still gets his own cart.
    let token = shop.guest().await;
    shop.add(Who::Guest(&token), &cup.id, 1).await.ok(200);
    let cart = shop.add(Who::Both(&dave, &token), &tea.id, 1).await;
    assert_eq!(products(cart.ok(200)), [tea.id.as_str()]);
    assert_eq!(products(shop.view(Who::Guest(&token)).await.ok(200)), [cup.id.as_str()]);
    assert_eq!(line(shop.view(Who::Buyer(&carol)).await.ok(200), &tea.id)["quantity"], 2);

    // Emptying one cart leaves the others.
    shop.cart(Method::DELETE, "/cart", Who::Buyer(&dave)).send().await.ok(200);
    assert_eq!(products(shop.view(Who::Buyer(&carol)).await.ok(200)), [tea.id.as_str()]);
    assert_eq!(products(shop.view(Who::Guest(&token)).await.ok(200)), [cup.id.as_str()]);
    shop.stop().await;
}
