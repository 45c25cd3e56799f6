//! The category tree: admins shape it, browsing a category includes its subcategories, and it cannot be
//! broken (cycles, orphans, duplicates).

use serde_json::json;

use agora_testkit::Backends;

use crate::harness::{Shop, product_body, start, start_on};

#[tokio::test]
async fn browsing_a_category_includes_its_subcategories_even_after_a_move() {
    subtree_after_move(start().await).await;
}

#[tokio::test]
async fn browsing_a_category_includes_its_subcategories_even_after_a_move_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    subtree_after_move(shop).await;
}

async fn subtree_after_move(shop: Shop) {
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let drinks = shop.category("Drinks", None).await;
    let tea = shop.category("Tea", Some(&drinks)).await;
    let green = shop.category("Green", Some(&tea)).await;
    let kitchen = shop.category("Kitchen", None).await;
    shop.list(&seller, &product_body("Sencha", "Leaves.", 1200, &green, 5)).await;

    let total = |slug: &'static str| {
        let shop = &shop;
        async move { shop.get(&format!("/products?category={slug}")).send().await.ok(200)["total"].clone() }
    };
    assert_eq!(total("drinks").await, 1);
    assert_eq!(total("kitchen").await, 0);

    // Tea (with Green under it) moves to Kitchen.
    let admin = &shop.admin;
    let moved = shop.put(&format!("/categories/{tea}")).bearer(&admin.access);
    moved.json(&json!({ "name": "Teas", "parent_id": kitchen })).send().await.ok(200);
    assert_eq!(total("drinks").await, 0);
    assert_eq!(total("kitchen").await, 1);
    let product = shop.get("/products?q=sencha").send().await.ok(200)["items"][0].clone();
    let trail: Vec<&str> =
        product["category"]["trail"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(trail, ["Kitchen", "Teas", "Green"]);

    let tree = shop.get("/categories").send().await.ok(200).clone();
    assert_eq!(tree[0]["name"], "Drinks");
    assert_eq!(tree[1]["children"][0]["children"][0]["name"], "Green");
    shop.stop().await;
}

#[tokio::test]
async fn the_tree_refuses_cycles_duplicates_and_deleting_what_is_in_use() {
    let shop = start().await;
    let admin = &shop.admin;
    let drinks = shop.category("Drinks", None).await;
    let tea = shop.category("Tea", Some(&drinks)).await;

    let under_own_child = shop.put(&format!("/categories/{drinks}")).bearer(&admin.access);
    under_own_child.json(&json!({ "name": "Drinks", "parent_id": tea })).send().await.problem(422, "category_cycle");
    let twin = shop.post("/categories").bearer(&admin.access).json(&json!({ "name": "TEA", "parent_id": drinks }));
    let twin = twin.send().await;
    twin.problem(409, "category_name_taken");
    assert_eq!(twin.fields(), ["name"]);
    // The same name elsewhere is fine, with its own slug.
    let other = shop.post("/categories").bearer(&admin.access).json(&json!({ "name": "Tea" })).send().await;
    assert_eq!(other.ok(201)["slug"], "tea-2");

    shop.delete(&format!("/categories/{drinks}"))
        .bearer(&admin.access)
        .send()
        .await
        .problem(409, "category_has_children");
    let buyer = shop.app.buyer("carol@example.com").await;
    let body = json!({ "name": "Mine" });
    shop.post("/categories").bearer(&buyer.access).json(&body).send().await.problem(403, "forbidden");
    shop.delete(&format!("/categories/{tea}")).bearer(&admin.access).send().await.ok(204);
    shop.delete(&format!("/categories/{tea}")).bearer(&admin.access).send().await.problem(404, "category_not_found");
    shop.stop().await;
}
