//! Stock holds: all lines or none, never more than there is, the same id the same outcome, and each hold
//! ended once — under concurrency, on SQLite and on PostgreSQL. Checkouts place holds through events; over
//! REST only an operator (admin) may, so these tests hold as the admin.

use std::time::Duration;

use agora_testkit::Backends;
use agora_testkit::api::Session;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Shop, start, start_on};

fn hold_body(id: Uuid, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = lines.iter().map(|(p, q)| json!({ "product_id": p, "quantity": q })).collect();
    json!({ "id": id, "lines": lines })
}

async fn stock(shop: &Shop, seller: &Session, id: &str) -> (i64, i64, i64) {
    let product = shop.product(id, Some(seller)).await;
    let s = &product.ok(200)["stock"];
    (s["available"].as_i64().unwrap(), s["held"].as_i64().unwrap(), s["sold"].as_i64().unwrap())
}

/// 50 buyers hold one unit each of a product with 10: exactly 10 succeed and the rest are told which
/// product was short.
async fn fifty_holds_on_ten_units(shop: Shop) {
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Last tea", 10).await;
    let buyer = shop.admin.clone();

    let attempts = (0..50).map(|_| {
        let body = hold_body(Uuid::now_v7(), &[(&product, 1)]);
        shop.post("/holds").bearer(&buyer.access).json(&body).send()
    });
    let replies = futures::future::join_all(attempts).await;

    let placed = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(placed, 10, "exactly the units there were");
    for rejected in replies.iter().filter(|r| r.status != 201) {
        let problem = rejected.problem(409, "insufficient_stock");
        assert_eq!(problem["short_lines"][0]["product_id"], product.as_str());
        assert_eq!(problem["short_lines"][0]["title"], "Last tea");
        assert!(problem["detail"].as_str().unwrap().contains("Last tea"));
    }
    assert_eq!(stock(&shop, &seller, &product).await, (0, 10, 0));
    shop.stop().await;
}

#[tokio::test]
async fn fifty_concurrent_holds_of_one_unit_on_ten_take_exactly_ten() {
    fifty_holds_on_ten_units(start().await).await;
}

#[tokio::test]
async fn fifty_concurrent_holds_of_one_unit_on_ten_take_exactly_ten_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    fifty_holds_on_ten_units(shop).await;
}

async fn same_id_twenty_times(shop: Shop) {
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Green tea", 10).await;
    let buyer = shop.admin.clone();
    let body = hold_body(Uuid::now_v7(), &[(&product, 2)]);

    let attempts = (0..20).map(|_| shop.post("/holds").bearer(&buyer.access).json(&body).send());
    let replies = futures::future::join_all(attempts).await;
    let first = replies[0].ok(201);
    for reply in &replies {
        assert_eq!(reply.ok(201)["expires_at"], first["expires_at"], "the same hold every time");
    }
    assert_eq!(stock(&shop, &seller, &product).await, (8, 2, 0), "held once");

    let other_lines = hold_body(body["id"].as_str().unwrap().parse().unwrap(), &[(&product, 3)]);
    shop.post("/holds").bearer(&buyer.access).json(&other_lines).send().await.problem(409, "hold_id_reused");
    let stranger = shop.app.buyer("dave@example.com").await;
    shop.post("/holds").bearer(&stranger.access).json(&body).send().await.problem(403, "forbidden");
    shop.stop().await;
}

#[tokio::test]
async fn the_same_hold_id_sent_twenty_times_at_once_holds_once() {
    same_id_twenty_times(start().await).await;
}

#[tokio::test]
async fn the_same_hold_id_sent_twenty_times_at_once_holds_once_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    same_id_twenty_times(shop).await;
}

#[tokio::test]
async fn a_hold_takes_every_line_or_none_and_a_rejection_is_repeated() {
    let shop = start().await;
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let plenty = shop.product_with_stock(&seller, "Green tea", 10).await;
    let scarce = shop.product_with_stock(&seller, "White tea", 1).await;
    let buyer = shop.admin.clone();

    let body = hold_body(Uuid::now_v7(), &[(&plenty, 4), (&scarce, 2)]);
    let first = shop.post("/holds").bearer(&buyer.access).json(&body).send().await;
    let problem = first.problem(409, "insufficient_stock");
    assert_eq!(
        problem["short_lines"],
        json!([{ "product_id": scarce, "title": "White tea", "requested": 2, "available": 1 }])
    );
    assert_eq!(stock(&shop, &seller, &plenty).await, (10, 0, 0), "nothing held on the other line");

    // Even once stock is back, the same id answers as it did.
    let mut restock = crate::harness::product_body("White tea", "A fine thing.", 1000, "", 5);
    restock["category_id"] = shop.product(&scarce, None).await.body["category"]["id"].clone();
    shop.put(&format!("/products/{scarce}")).bearer(&seller.access).json(&restock).send().await.ok(200);
    let again = shop.post("/holds").bearer(&buyer.access).json(&body).send().await;
    assert_eq!(again.problem(409, "insufficient_stock")["short_lines"], problem["short_lines"]);
    shop.stop().await;
}

#[tokio::test]
async fn a_hold_ends_once_by_confirm_or_release() {
    ends_once(start().await).await;
}

#[tokio::test]
async fn a_hold_ends_once_by_confirm_or_release_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    ends_once(shop).await;
}

async fn ends_once(shop: Shop) {
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Green tea", 10).await;
    let buyer = shop.admin.clone();
    let stranger = shop.app.buyer("dave@example.com").await;

    let sold = Uuid::now_v7();
    shop.post("/holds").bearer(&buyer.access).json(&hold_body(sold, &[(&product, 3)])).send().await.ok(201);
    let confirm = |who: &Session| shop.post(&format!("/holds/{sold}/confirm")).bearer(&who.access);
    confirm(&stranger).send().await.problem(403, "forbidden");
    assert_eq!(confirm(&shop.admin).send().await.ok(200)["status"], "confirmed");
    assert_eq!(confirm(&shop.admin).send().await.ok(200)["status"], "confirmed", "confirming again changes nothing");
    assert_eq!(stock(&shop, &seller, &product).await, (7, 0, 3));
    let late_release = shop.post(&format!("/holds/{sold}/release")).bearer(&buyer.access).send().await;
    late_release.problem(409, "hold_not_active");

    let returned = Uuid::now_v7();
    shop.post("/holds").bearer(&buyer.access).json(&hold_body(returned, &[(&product, 2)])).send().await.ok(201);
    let release = |who: &Session| shop.post(&format!("/holds/{returned}/release")).bearer(&who.access);
    release(&stranger).send().await.problem(404, "hold_not_found");
    shop.get(&format!("/holds/{returned}")).bearer(&stranger.access).send().await.problem(404, "hold_not_found");
    let releases = futures::future::join_all((0..5).map(|_| release(&buyer).send())).await;
    for reply in releases {
        assert_eq!(reply.ok(200)["status"], "released");
    }
    assert_eq!(stock(&shop, &seller, &product).await, (7, 0, 3), "released once");
    shop.stop().await;
}

#[tokio::test]
async fn an_unconfirmed_hold_expires_and_its_units_return() {
    let settings = [("settings.catalog.hold_ttl_secs", "1"), ("settings.catalog.hold_sweep_secs", "1")];
    let shop = start_on(Backends::EMBEDDED, &settings).await.unwrap();
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Green tea", 4).await;
    let buyer = shop.admin.clone();
    let id = Uuid::now_v7();
    shop.post("/holds").bearer(&buyer.access).json(&hold_body(id, &[(&product, 4)])).send().await.ok(201);
    assert_eq!(stock(&shop, &seller, &product).await, (0, 4, 0));

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let hold = shop.get(&format!("/holds/{id}")).bearer(&buyer.access).send().await;
        if hold.ok(200)["status"] == "expired" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the hold never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stock(&shop, &seller, &product).await, (4, 0, 0));
    let confirm = shop.post(&format!("/holds/{id}/confirm")).bearer(&shop.admin.access).send().await;
    confirm.problem(409, "hold_not_active");
    shop.stop().await;
}

#[tokio::test]
async fn bad_hold_requests_name_the_line() {
    let shop = start().await;
    let buyer = shop.admin.clone();
    let product = Uuid::now_v7().to_string();
    let body = hold_body(Uuid::now_v7(), &[(&product, 0), (&product, 2)]);
    let reply = shop.post("/holds").bearer(&buyer.access).json(&body).send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["lines[0].quantity", "lines[1].product_id"]);
    let empty = json!({ "id": Uuid::now_v7(), "lines": [] });
    shop.post("/holds").bearer(&buyer.access).json(&empty).send().await.problem(422, "invalid_input");
    shop.post("/holds").json(&empty).send().await.problem(401, "unauthenticated");
    let customer = shop.app.buyer("dave@example.com").await;
    let body = hold_body(Uuid::now_v7(), &[(&product, 1)]);
    shop.post("/holds").bearer(&customer.access).json(&body).send().await.problem(403, "forbidden");
    // An unknown product is a short line, not a crash.
    let unknown = hold_body(Uuid::now_v7(), &[(&product, 1)]);
    let reply = shop.post("/holds").bearer(&buyer.access).json(&unknown).send().await;
    assert_eq!(reply.problem(409, "insufficient_stock")["short_lines"][0]["available"], 0);
    shop.stop().await;
}

#[tokio::test]
async fn one_account_cannot_hold_more_than_its_share() {
    let shop = start_on(Backends::EMBEDDED, &[("settings.catalog.max_held_units_per_owner", "5")]).await.unwrap();
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let product = shop.product_with_stock(&seller, "Green tea", 100).await;
    let buyer = shop.admin.clone();
    let first = hold_body(Uuid::now_v7(), &[(&product, 4)]);
    shop.post("/holds").bearer(&buyer.access).json(&first).send().await.ok(201);
    let second = hold_body(Uuid::now_v7(), &[(&product, 2)]);
    shop.post("/holds").bearer(&buyer.access).json(&second).send().await.problem(429, "hold_limit");
    assert_eq!(stock(&shop, &seller, &product).await, (96, 4, 0), "the refused hold took nothing");
    // Giving the first back makes room.
    let id = first["id"].as_str().unwrap();
    shop.post(&format!("/holds/{id}/release")).bearer(&buyer.access).send().await.ok(200);
    shop.post("/holds").bearer(&buyer.access).json(&second).send().await.ok(201);
    shop.stop().await;
}
