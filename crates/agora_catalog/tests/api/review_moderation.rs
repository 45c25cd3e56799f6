//! Reviews after they are posted: the product's seller replies once, an admin removes one (it stops showing
//! and counting), the summary adds up, pages go newest first, and a product no one may see has no reviews
//! to show.

use agora_testkit::api::Session;
use serde_json::{Value, json};

use crate::market::{Market, Sale};
use crate::reviews::{list, post};

/// A buyer of `product` (delivered) who reviews it with `rating`; returns the review.
async fn reviewer(market: &Market, seller: &Session, product: &str, email: &str, rating: i64) -> (Session, Value) {
    let buyer = market.shop.app.buyer(email).await;
    market.deliver(&Sale::new(&buyer, seller, &[(product, 1)]), &buyer).await;
    let body = json!({ "rating": rating, "body": format!("{rating} stars from {email}") });
    let review = post(market, &buyer, product, &body).await.ok(201).clone();
    (buyer, review)
}

#[tokio::test]
async fn only_the_products_seller_replies_and_only_once() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let bob = shop.app.seller("bob@example.com", "Bob's Cups", &shop.admin).await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    let (carol, review) = reviewer(&market, &alice, &tea, "carol@example.com", 4).await;
    let id = review["id"].as_str().unwrap();
    let path = format!("/reviews/{id}/reply");
    let answer = json!({ "body": "Thank you, Carol!\nCome again." });

    for stranger in [&bob, &carol, &shop.admin] {
        shop.post(&path).bearer(&stranger.access).json(&answer).send().await.problem(403, "not_product_owner");
    }
    shop.post(&path).json(&answer).send().await.problem(401, "unauthenticated");
    let unknown = format!("/reviews/{}/reply", uuid::Uuid::now_v7());
    shop.post(&unknown).bearer(&alice.access).json(&answer).send().await.problem(404, "review_not_found");
    let long = json!({ "body": "x".repeat(2001) });
    let reply = shop.post(&path).bearer(&alice.access).json(&long).send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["body"]);

    let replied = shop.post(&path).bearer(&alice.access).json(&answer).send().await.ok(200).clone();
    assert_eq!(replied["reply"]["body"], "Thank you, Carol!\nCome again.");
    assert!(replied["reply"]["at"].is_string());
    let again = json!({ "body": "And again" });
    shop.post(&path).bearer(&alice.access).json(&again).send().await.problem(409, "already_replied");
    assert_eq!(list(&market, &tea, "").await["items"][0]["reply"]["body"], "Thank you, Carol!\nCome again.");
    let event = market.events.wait_for("agora.catalog.review_replied.v1", &tea).await;
    assert_eq!(
        (event.data["review_id"].as_str(), event.data["buyer_id"].as_str()),
        (Some(id), Some(carol.user_id.as_str()))
    );
    market.stop().await;
}

#[tokio::test]
async fn an_admin_removal_hides_a_review_and_updates_the_summary() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    let (carol, rant) = reviewer(&market, &alice, &tea, "carol@example.com", 1).await;
    let (dave, praise) = reviewer(&market, &alice, &tea, "dave@example.com", 4).await;
    let summary = list(&market, &tea, "").await["summary"].clone();
    assert_eq!((summary["count"].as_i64(), summary["average"].as_f64()), (Some(2), Some(2.5)));

    let id = rant["id"].as_str().unwrap();
    let path = format!("/reviews/{id}");
    for not_admin in [&carol, &alice] {
        shop.delete(&path).bearer(&not_admin.access).send().await.problem(403, "forbidden");
    }
    let unknown = format!("/reviews/{}", uuid::Uuid::now_v7());
    shop.delete(&unknown).bearer(&shop.admin.access).send().await.problem(404, "review_not_found");
    let reason = json!({ "reason": "Abusive language" });
    shop.delete(&path).bearer(&shop.admin.access).json(&reason).send().await.ok(204);
    shop.delete(&format!("{path}?reason=again")).bearer(&shop.admin.access).send().await.ok(204);

    let page = list(&market, &tea, "").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], praise["id"]);
    assert_eq!((page["summary"]["count"].as_i64(), page["summary"]["average"].as_f64()), (Some(1), Some(4.0)));
    assert_eq!(page["summary"]["distribution"][4], json!({ "stars": 1, "count": 0 }));
    let product = shop.product(&tea, None).await;
    assert_eq!(product.ok(200)["rating"], json!({ "average": 4.0, "count": 1 }));

    // Its author cannot see, edit or post it again.
    let mine = market.mine(&carol, &tea).await;
    assert_eq!(
        (mine["eligible"].as_bool(), mine["review"].is_null(), mine["removed"].as_bool()),
        (Some(false), true, Some(true))
    );
    let edit = json!({ "rating": 5, "body": "Sorry" });
    shop.put(&path).bearer(&carol.access).json(&edit).send().await.problem(404, "review_not_found");
    post(&market, &carol, &tea, &edit).await.problem(409, "already_reviewed");

    let removed = market.events.wait_for("agora.catalog.review_removed.v1", &tea).await;
    assert_eq!(
        (removed.data["review_id"].as_str(), removed.data["reason"].as_str()),
        (Some(id), Some("Abusive language"))
    );
    // A later event shows every earlier one has been seen: the second removal published nothing.
    let edit = json!({ "rating": 5, "body": "Even better now" });
    let praise_path = format!("/reviews/{}", praise["id"].as_str().unwrap());
    shop.put(&praise_path).bearer(&dave.access).json(&edit).send().await.ok(200);
    market.events.wait_for("agora.catalog.review_edited.v1", &tea).await;
    assert_eq!(market.events.types_about(&tea).iter().filter(|t| t.ends_with("review_removed.v1")).count(), 1);
    market.stop().await;
}

#[tokio::test]
async fn the_summary_counts_each_star_and_pages_go_newest_first() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    let empty = list(&market, &tea, "").await;
    assert_eq!(empty["summary"]["count"], 0);
    assert!(empty["summary"]["average"].is_null() && empty["items"].as_array().unwrap().is_empty());
    assert_eq!(shop.product(&tea, None).await.ok(200)["rating"], json!({ "average": null, "count": 0 }));

    let mut posted = Vec::new();
    for (i, rating) in [5, 5, 4, 2, 1].into_iter().enumerate() {
        let (_, review) = reviewer(&market, &alice, &tea, &format!("buyer{i}@example.com"), rating).await;
        posted.push(review["id"].as_str().unwrap().to_owned());
    }
    let summary = list(&market, &tea, "").await["summary"].clone();
    assert_eq!((summary["count"].as_i64(), summary["average"].as_f64()), (Some(5), Some(3.4)));
    let distribution: Vec<(i64, i64)> = summary["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stars"].as_i64().unwrap(), s["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(distribution, [(5, 2), (4, 1), (3, 0), (2, 1), (1, 1)]);
    assert_eq!(shop.product(&tea, None).await.ok(200)["rating"], json!({ "average": 3.4, "count": 5 }));

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let page = list(&market, &tea, &query).await;
        assert!(page["items"].as_array().unwrap().len() <= 2);
        seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    posted.reverse();
    assert_eq!(seen, posted, "newest first, each once");
    let bad = shop.get(&format!("/products/{tea}/reviews?cursor=garbage")).send().await;
    bad.problem(422, "bad_cursor");
    market.stop().await;
}

#[tokio::test]
async fn reviews_of_a_product_no_one_may_see_are_not_found() {
    let market = Market::start().await;
    let shop = &market.shop;
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let tea = shop.product_with_stock(&alice, "Green tea", 5).await;
    let (carol, _) = reviewer(&market, &alice, &tea, "carol@example.com", 5).await;
    let unknown = uuid::Uuid::now_v7();
    shop.get(&format!("/products/{unknown}/reviews")).send().await.problem(404, "product_not_found");

    shop.post(&format!("/products/{tea}/hide")).bearer(&alice.access).send().await.ok(200);
    shop.get(&format!("/products/{tea}/reviews")).send().await.problem(404, "product_not_found");
    let as_buyer = shop.get(&format!("/products/{tea}/reviews")).bearer(&carol.access).send().await;
    as_buyer.problem(404, "product_not_found");
    let as_seller = shop.get(&format!("/products/{tea}/reviews")).bearer(&alice.access).send().await;
    assert_eq!(as_seller.ok(200)["summary"]["count"], 1, "the seller still sees their hidden product's");
    let mine = shop.get(&format!("/products/{tea}/reviews/mine")).bearer(&carol.access).send().await;
    mine.problem(404, "product_not_found");

    shop.delete(&format!("/products/{tea}")).bearer(&alice.access).send().await.ok(204);
    let as_seller = shop.get(&format!("/products/{tea}/reviews")).bearer(&alice.access).send().await;
    as_seller.problem(404, "product_not_found");
    market.stop().await;
}
