//! Reviews by buyers: only a buyer whose order delivered the product may review it, once (also when posting
//! twice at the same moment, on SQLite and PostgreSQL); only the author edits it; its text comes back as
//! written (escaping is the storefront's job) but bounded and checked.

use agora_testkit::Backends;
use agora_testkit::api::Session;
use serde_json::{Value, json};

use crate::market::{Market, Sale};

/// `POST /products/{id}/reviews` as `who`.
pub async fn post(market: &Market, who: &Session, product: &str, body: &Value) -> agora_testkit::api::Reply {
    let path = format!("/products/{product}/reviews");
    market.shop.post(&path).bearer(&who.access).json(body).send().await
}

/// `GET /products/{id}/reviews` anonymously.
pub async fn list(market: &Market, product: &str, query: &str) -> Value {
    market.shop.get(&format!("/products/{product}/reviews{query}")).send().await.ok(200).clone()
}

/// Waits (up to 30 s) until the newest review of `product` shows `author` (names come from identity's events).
async fn wait_author(market: &Market, product: &str, author: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let shown = list(market, product, "").await["items"][0]["author"].clone();
        if shown == author {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "the review's author shows as {shown}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn only_a_buyer_whose_order_was_delivered_may_review_and_only_once() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let carol = market.buyer_named("carol@example.com", "Carol Carter").await;
    let dave = shop.app.buyer("dave@example.com").await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    let review = json!({ "rating": 5, "body": "<script>alert(1)</script>\nLovely & fresh." });

    post(&market, &dave, &tea, &review).await.problem(403, "review_not_allowed");
    post(&market, &carol, &tea, &review).await.problem(403, "review_not_allowed");
    post(&market, &alice, &tea, &review).await.problem(403, "review_not_allowed");
    shop.post(&format!("/products/{tea}/reviews")).json(&review).send().await.problem(401, "unauthenticated");
    let mine = market.mine(&carol, &tea).await;
    assert_eq!((mine["eligible"].as_bool(), mine["review"].is_null()), (Some(false), true));

    // Only a delivered order counts: a paid one (held, sold) does not.
    let sale = Sale::new(&carol, &alice, &[(&tea, 1)]);
    market.checkouts(&[sale.placed(), sale.paid()]).await;
    market.wait_stock(&alice, &tea, (4, 0, 1)).await;
    post(&market, &carol, &tea, &review).await.problem(403, "review_not_allowed");
    market.deliver(&sale, &carol).await;
    assert_eq!(market.mine(&carol, &tea).await["eligible"], true);

    let posted = post(&market, &carol, &tea, &review).await.ok(201).clone();
    assert_eq!(posted["body"], "<script>alert(1)</script>\nLovely & fresh.", "stored and answered as written");
    assert_eq!((posted["rating"].as_i64(), posted["buyer_id"].as_str()), (Some(5), Some(carol.user_id.as_str())));
    assert_eq!(posted["product_id"], tea.as_str());
    assert!(posted["edited_at"].is_null() && posted["reply"].is_null());
    let raw = shop.get(&format!("/products/{tea}/reviews")).send().await;
    assert!(String::from_utf8_lossy(&raw.bytes).contains("<script>alert(1)</script>"), "JSON escapes nothing of it");
    wait_author(&market, &tea, "Carol Carter").await;

    post(&market, &carol, &tea, &json!({ "rating": 1, "body": "Again" })).await.problem(409, "already_reviewed");
    let mine = market.mine(&carol, &tea).await;
    assert_eq!((mine["eligible"].as_bool(), mine["review"]["id"].as_str()), (Some(false), posted["id"].as_str()));
    assert_eq!(mine["removed"], false);
    let event = market.events.wait_for("agora.catalog.review_posted.v1", &tea).await;
    assert_eq!(event.data["review_id"], posted["id"]);
    assert_eq!(
        (event.data["buyer_id"].as_str(), event.data["rating"].as_i64()),
        (Some(carol.user_id.as_str()), Some(5))
    );
    assert_eq!(
        (event.data["seller_id"].as_str(), event.data["product_title"].as_str()),
        (Some(alice.user_id.as_str()), Some("Green tea"))
    );
    let unknown = uuid::Uuid::now_v7();
    post(&market, &carol, &unknown.to_string(), &review).await.problem(404, "product_not_found");
    market.stop().await;
}

async fn posting_twice_at_once(market: Market) {
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    market.deliver(&Sale::new(&carol, &alice, &[(&tea, 1)]), &carol).await;

    let attempts = (0..10).map(|i| {
        let body = json!({ "rating": 4, "body": format!("Attempt {i}") });
        let path = format!("/products/{tea}/reviews");
        shop.post(&path).bearer(&carol.access).json(&body).send()
    });
    let replies = futures::future::join_all(attempts).await;
    assert_eq!(replies.iter().filter(|r| r.status == 201).count(), 1, "exactly one review");
    for refused in replies.iter().filter(|r| r.status != 201) {
        refused.problem(409, "already_reviewed");
    }
    assert_eq!(list(&market, &tea, "").await["summary"]["count"], 1);
    market.stop().await;
}

#[tokio::test]
async fn a_review_posted_ten_times_at_once_is_posted_once() {
    posting_twice_at_once(Market::start().await).await;
}

#[tokio::test]
async fn a_review_posted_ten_times_at_once_is_posted_once_on_postgres() {
    let Some(market) = Market::start_on(Backends::POSTGRES).await else { return };
    posting_twice_at_once(market).await;
}

#[tokio::test]
async fn bad_review_fields_are_named_and_unknown_fields_refused() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    market.deliver(&Sale::new(&carol, &alice, &[(&tea, 1)]), &carol).await;

    let reply = post(&market, &carol, &tea, &json!({ "rating": 0, "body": "  \n " })).await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["rating", "body"]);
    let long = post(&market, &carol, &tea, &json!({ "rating": 6, "body": "é".repeat(4001) })).await;
    long.problem(422, "invalid_input");
    assert_eq!(long.fields(), ["rating", "body"]);
    let control = post(&market, &carol, &tea, &json!({ "rating": 3, "body": "Nice\u{7}tea" })).await;
    assert_eq!(control.problem(422, "invalid_input")["errors"][0]["message"], "remove control characters");
    let sneaky = json!({ "rating": 5, "body": "Fine", "buyer_id": alice.user_id });
    post(&market, &carol, &tea, &sneaky).await.problem(422, "invalid_body");
    post(&market, &carol, &tea, &json!({ "rating": "five", "body": "Fine" })).await.problem(422, "invalid_body");
    assert_eq!(market.mine(&carol, &tea).await["eligible"], true, "nothing was posted");

    // The longest allowed text, with Windows line breaks made plain.
    let body = format!("{}\r\n{}", "a".repeat(2000), "b".repeat(1999));
    let posted = post(&market, &carol, &tea, &json!({ "rating": 3, "body": body })).await;
    assert_eq!(posted.ok(201)["body"], format!("{}\n{}", "a".repeat(2000), "b".repeat(1999)));
    market.stop().await;
}

#[tokio::test]
async fn only_the_author_edits_a_review() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    market.deliver(&Sale::new(&carol, &alice, &[(&tea, 1)]), &carol).await;
    let posted = post(&market, &carol, &tea, &json!({ "rating": 5, "body": "Lovely" })).await.ok(201).clone();
    let id = posted["id"].as_str().unwrap();
    let edit = json!({ "rating": 3, "body": "Good, but it went stale fast." });

    for stranger in [&dave, &alice, &shop.admin] {
        let reply = shop.put(&format!("/reviews/{id}")).bearer(&stranger.access).json(&edit).send().await;
        reply.problem(404, "review_not_found");
    }
    shop.put(&format!("/reviews/{id}")).json(&edit).send().await.problem(401, "unauthenticated");
    let bad = json!({ "rating": 9, "body": "x" });
    shop.put(&format!("/reviews/{id}")).bearer(&carol.access).json(&bad).send().await.problem(422, "invalid_input");

    let edited = shop.put(&format!("/reviews/{id}")).bearer(&carol.access).json(&edit).send().await.ok(200).clone();
    assert_eq!((edited["rating"].as_i64(), edited["body"].as_str()), (Some(3), Some("Good, but it went stale fast.")));
    assert!(edited["edited_at"].is_string());
    assert_eq!(edited["created_at"], posted["created_at"]);
    let page = list(&market, &tea, "").await;
    assert_eq!((page["items"][0]["rating"].as_i64(), page["summary"]["average"].as_f64()), (Some(3), Some(3.0)));
    let event = market.events.wait_for("agora.catalog.review_edited.v1", &tea).await;
    assert_eq!((event.data["review_id"].as_str(), event.data["rating"].as_i64()), (Some(id), Some(3)));
    market.stop().await;
}
