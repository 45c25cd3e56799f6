//! Who may change which product: sellers their own, admins hide any with a reason, buyers none.

use agora_testkit::api::Session;
use serde_json::json;

use crate::harness::{Shop, product_body, start};

async fn two_sellers(shop: &Shop) -> (Session, Session) {
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let bob = shop.app.seller("bob@example.com", "Bob's Bikes", &shop.admin).await;
    (alice, bob)
}

#[tokio::test]
async fn a_product_belongs_to_its_caller_whatever_the_body_says() {
    let shop = start().await;
    let (alice, bob) = two_sellers(&shop).await;
    let category = shop.category("Tea", None).await;

    let mut body = product_body("Green tea", "Sencha.", 1250, &category, 5);
    body["seller_id"] = json!(bob.user_id);
    let reply = shop.post("/products").bearer(&alice.access).json(&body).send().await;
    reply.problem(422, "invalid_body");
    assert_eq!(reply.fields(), ["seller_id"]);

    let product = shop.list(&alice, &product_body("Green tea", "Sencha.", 1250, &category, 5)).await;
    assert_eq!(product["seller"]["id"], alice.user_id.as_str());
    assert_eq!(product["price"]["formatted"], "12.50 EUR");
    assert_eq!(product["stock"]["available"], 5);
    shop.stop().await;
}

#[tokio::test]
async fn a_buyer_or_a_visitor_cannot_list_products() {
    let shop = start().await;
    let category = shop.category("Tea", None).await;
    let buyer = shop.app.buyer("carol@example.com").await;
    let body = product_body("Green tea", "Sencha.", 1250, &category, 5);
    shop.post("/products").bearer(&buyer.access).json(&body).send().await.problem(403, "forbidden");
    shop.post("/products").json(&body).send().await.problem(401, "unauthenticated");
    let search = shop.get("/products").send().await;
    assert_eq!(search.ok(200)["total"], 0);
    shop.stop().await;
}

#[tokio::test]
async fn a_seller_cannot_touch_another_sellers_product() {
    let shop = start().await;
    let (alice, bob) = two_sellers(&shop).await;
    let category = shop.category("Tea", None).await;
    let product = shop.list(&alice, &product_body("Green tea", "Sencha.", 1250, &category, 5)).await;
    let id = product["id"].as_str().unwrap();

    let edit = product_body("Stolen tea", "Mine now.", 1, &category, 500);
    shop.put(&format!("/products/{id}")).bearer(&bob.access).json(&edit).send().await.problem(403, "not_product_owner");
    for action in ["hide", "show"] {
        let reply = shop.post(&format!("/products/{id}/{action}")).bearer(&bob.access).send().await;
        reply.problem(403, "not_product_owner");
    }
    shop.delete(&format!("/products/{id}")).bearer(&bob.access).send().await.problem(403, "not_product_owner");
    let picture = agora_media::demo_image(1, agora_media::DemoShape::Round, 64);
    let upload = shop.post(&format!("/products/{id}/images")).bearer(&bob.access).body("image/png", picture);
    upload.send().await.problem(403, "not_product_owner");

    let after = shop.product(id, Some(&alice)).await;
    let after = after.ok(200);
    assert_eq!(after["title"], "Green tea");
    assert_eq!(after["status"], "active");
    assert_eq!(after["version"], product["version"]);
    assert_eq!(after["images"].as_array().unwrap().len(), 0);
    assert_eq!(after["stock"]["available"], 5);
    shop.stop().await;
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_listed() {
    let shop = start().await;
    let (alice, _) = two_sellers(&shop).await;
    let category = shop.category("Tea", None).await;
    let mut body = product_body("x", "", -5, &category, -1);
    body["price"]["currency"] = json!("USD");
    let reply = shop.post("/products").bearer(&alice.access).json(&body).send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["title", "price", "stock"]);

    let unknown = product_body("Green tea", "", 100, &uuid::Uuid::now_v7().to_string(), 1);
    let reply = shop.post("/products").bearer(&alice.access).json(&unknown).send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["category_id"]);
    assert_eq!(shop.get("/me/products").bearer(&alice.access).send().await.ok(200)["items"], json!([]));
    shop.stop().await;
}

#[tokio::test]
async fn an_admin_hides_with_a_reason_the_seller_sees_and_only_an_admin_shows_it_again() {
    let shop = start().await;
    let (alice, _) = two_sellers(&shop).await;
    let id = shop.product_with_stock(&alice, "Green tea", 5).await;
    let admin = &shop.admin;

    let hide = |reason: &str| {
        shop.post(&format!("/admin/products/{id}/hide")).bearer(&admin.access).json(&json!({ "reason": reason }))
    };
    hide("  ").send().await.problem(422, "invalid_input");
    let seller_try = shop.post(&format!("/admin/products/{id}/hide")).bearer(&alice.access);
    seller_try.json(&json!({ "reason": "x" })).send().await.problem(403, "forbidden");
    hide("Counterfeit listing").send().await.ok(200);

    shop.product(&id, None).await.problem(404, "product_not_found");
    let seen = shop.product(&id, Some(&alice)).await;
    assert_eq!(seen.ok(200)["moderation"]["hidden_reason"], "Counterfeit listing");
    shop.post(&format!("/products/{id}/show")).bearer(&alice.access).send().await.problem(409, "hidden_by_admin");

    shop.post(&format!("/admin/products/{id}/show")).bearer(&admin.access).send().await.ok(200);
    assert_eq!(shop.product(&id, None).await.ok(200)["status"], "active");
    shop.stop().await;
}

#[tokio::test]
async fn a_seller_hides_shows_and_deletes_their_product_which_stays_for_history() {
    let shop = start().await;
    let (alice, _) = two_sellers(&shop).await;
    let id = shop.product_with_stock(&alice, "Green tea", 5).await;

    shop.post(&format!("/products/{id}/hide")).bearer(&alice.access).send().await.ok(200);
    shop.product(&id, None).await.problem(404, "product_not_found");
    assert_eq!(shop.get("/products").send().await.ok(200)["total"], 0);
    shop.post(&format!("/products/{id}/show")).bearer(&alice.access).send().await.ok(200);
    assert_eq!(shop.get("/products").send().await.ok(200)["total"], 1);

    shop.delete(&format!("/products/{id}")).bearer(&alice.access).send().await.ok(204);
    shop.product(&id, Some(&alice)).await.problem(404, "product_not_found");
    shop.post(&format!("/products/{id}/show")).bearer(&alice.access).send().await.problem(404, "product_not_found");
    let category = shop.get("/categories").send().await.ok(200)[0]["id"].as_str().unwrap().to_owned();
    // The deleted product still names its category, so the category cannot go.
    let remove = shop.delete(&format!("/categories/{category}")).bearer(&shop.admin.access);
    remove.send().await.problem(409, "category_has_products");
    shop.stop().await;
}

#[tokio::test]
async fn a_stock_edit_applies_the_sellers_change_to_units_sold_meanwhile() {
    let shop = start().await;
    let (alice, _) = two_sellers(&shop).await;
    let category = shop.category("Tea", None).await;
    let product = shop.list(&alice, &product_body("Green tea", "Sencha.", 1250, &category, 10)).await;
    let id = product["id"].as_str().unwrap();
    // A checkout takes 3 while the seller's form still shows 10.
    let buyer = shop.admin.clone();
    let hold = json!({ "id": uuid::Uuid::now_v7(), "lines": [{ "product_id": id, "quantity": 3 }] });
    shop.post("/holds").bearer(&buyer.access).json(&hold).send().await.ok(201);

    let mut edit = product_body("Green tea", "Sencha.", 1300, &category, 15);
    edit["expected_available"] = json!(10);
    let updated = shop.put(&format!("/products/{id}")).bearer(&alice.access).json(&edit).send().await;
    let updated = updated.ok(200);
    assert_eq!(updated["stock"]["available"], 12, "5 added to the 7 left, not reset to 15");
    assert_eq!(updated["stock"]["held"], 3);
    assert_eq!(updated["price"]["amount_minor"], 1300);
    shop.stop().await;
}

#[tokio::test]
async fn a_suspended_shop_leaves_the_catalog_and_cannot_list() {
    let shop = start().await;
    let (alice, _) = two_sellers(&shop).await;
    let id = shop.product_with_stock(&alice, "Green tea", 5).await;
    let path = format!("/api/identity/admin/users/{}/revoke-seller", alice.user_id);
    let revoke = shop.app.request(reqwest::Method::POST, &path).bearer(&shop.admin.access);
    revoke.json(&json!({ "reason": "Fraud" })).send().await.ok(204);

    // Catalog hears of it through identity's event.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while shop.product(&id, None).await.status != 404 {
        assert!(tokio::time::Instant::now() < deadline, "the product stayed on sale");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(shop.get("/products").send().await.ok(200)["total"], 0);
    let category = shop.category("Bikes", None).await;
    // Alice's access token still says seller until it expires; catalog knows better.
    let body = product_body("Another tea", "More.", 100, &category, 1);
    shop.post("/products").bearer(&alice.access).json(&body).send().await.problem(403, "seller_suspended");
    let buyer = shop.admin.clone();
    let hold = json!({ "id": uuid::Uuid::now_v7(), "lines": [{ "product_id": id, "quantity": 1 }] });
    shop.post("/holds").bearer(&buyer.access).json(&hold).send().await.problem(409, "insufficient_stock");
    shop.stop().await;
}

#[tokio::test]
async fn what_visitors_read_changes_as_soon_as_the_seller_writes() {
    let shop = start().await;
    let (alice, _) = two_sellers(&shop).await;
    let category = shop.category("Tea", None).await;
    let product = shop.list(&alice, &product_body("Green tea", "Sencha.", 1250, &category, 5)).await;
    let id = product["id"].as_str().unwrap();
    // Fill the read cache: the product and a search.
    assert_eq!(shop.product(id, None).await.ok(200)["price"]["amount_minor"], 1250);
    assert_eq!(shop.get("/products?q=tea").send().await.ok(200)["total"], 1);

    let edit = product_body("Green tea", "Sencha.", 990, &category, 5);
    shop.put(&format!("/products/{id}")).bearer(&alice.access).json(&edit).send().await.ok(200);
    shop.list(&alice, &product_body("Black tea", "Assam.", 700, &category, 5)).await;

    assert_eq!(shop.product(id, None).await.ok(200)["price"]["amount_minor"], 990);
    assert_eq!(shop.get("/products?q=tea").send().await.ok(200)["total"], 2);
    // The seller still gets their fuller view, not the cached public one.
    assert_eq!(shop.product(id, Some(&alice)).await.ok(200)["stock"]["held"], 0);
    shop.post(&format!("/products/{id}/hide")).bearer(&alice.access).send().await.ok(200);
    shop.product(id, None).await.problem(404, "product_not_found");
    shop.stop().await;
}
