//! Search and browse: ranking, filters and sorting together, counts per category, and paging that
//! neither repeats nor skips while products are added.

use std::collections::HashSet;

use agora_testkit::Backends;
use agora_testkit::api::Session;
use serde_json::Value;

use crate::harness::{Shop, product_body, start, start_on};

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()).collect()
}

async fn search(shop: &Shop, query: &str) -> Value {
    shop.get(&format!("/products?{query}")).send().await.ok(200).clone()
}

async fn title_beats_description(shop: Shop) {
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let category = shop.category("Tea", None).await;
    shop.list(&seller, &product_body("Ceramic mug", "Holds a generous cup of oolong tea.", 900, &category, 3)).await;
    shop.list(&seller, &product_body("Oolong tea", "Roasted leaves from Taiwan.", 1500, &category, 3)).await;
    shop.list(&seller, &product_body("Teapot", "Cast iron.", 4000, &category, 3)).await;

    let found = search(&shop, "q=oolong").await;
    assert_eq!(titles(&found), ["Oolong tea", "Ceramic mug"]);
    assert_eq!(found["sort"], "relevance");
    assert_eq!(found["total"], 2);
    // Words are words: query syntax of either database is just text.
    assert_eq!(search(&shop, "q=%22oolong%22%20OR%20NEAR(*").await["total"], 0);
    assert_eq!(titles(&search(&shop, "q=OOLONG%20leaves").await), ["Oolong tea"]);
    // Stop words count on neither database.
    assert_eq!(titles(&search(&shop, "q=the%20oolong%20of%20it").await), ["Oolong tea", "Ceramic mug"]);
    shop.stop().await;
}

#[tokio::test]
async fn a_title_match_ranks_above_a_description_match() {
    title_beats_description(start().await).await;
}

#[tokio::test]
async fn a_title_match_ranks_above_a_description_match_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    title_beats_description(shop).await;
}

/// Drinks > Tea > Green; Drinks > Coffee; Kitchen.
async fn a_small_catalogue(shop: &Shop, alice: &Session, bob: &Session) {
    let drinks = shop.category("Drinks", None).await;
    let tea = shop.category("Tea", Some(&drinks)).await;
    let green = shop.category("Green", Some(&tea)).await;
    let coffee = shop.category("Coffee", Some(&drinks)).await;
    let kitchen = shop.category("Kitchen", None).await;
    for (seller, title, price, category, stock) in [
        (alice, "Sencha green tea", 1200, &green, 5),
        (alice, "Matcha green tea", 3200, &green, 0),
        (alice, "Assam black tea", 900, &tea, 8),
        (bob, "Green tea cake mould", 1500, &kitchen, 2),
        (bob, "Espresso beans", 1800, &coffee, 4),
        (bob, "Green tea latte powder", 2100, &tea, 6),
    ] {
        shop.list(seller, &product_body(title, "Good with friends.", price, category, stock)).await;
    }
}

async fn filters_and_sort(shop: Shop) {
    let alice = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let bob = shop.app.seller("bob@example.com", "Bob's Kitchen", &shop.admin).await;
    a_small_catalogue(&shop, &alice, &bob).await;

    let all_green = search(&shop, "q=green&sort=price_asc").await;
    assert_eq!(
        titles(&all_green),
        ["Sencha green tea", "Green tea cake mould", "Green tea latte powder", "Matcha green tea"]
    );
    let counts: Vec<(String, i64)> = all_green["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["slug"].as_str().unwrap().to_owned(), c["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(counts, [("drinks".into(), 3), ("kitchen".into(), 1), ("tea".into(), 3), ("green".into(), 2)]);

    // Category subtree + price range + in stock + sort, all at once.
    let drinks =
        search(&shop, "q=green&category=drinks&min_price=1000&max_price=3000&in_stock=true&sort=price_desc").await;
    assert_eq!(titles(&drinks), ["Green tea latte powder", "Sencha green tea"]);
    assert_eq!(drinks["total"], 2);
    assert_eq!(drinks["categories"].as_array().unwrap().len(), 4, "counts ignore the category filter");

    let bobs = search(&shop, &format!("seller={}&sort=newest", bob.user_id)).await;
    assert_eq!(titles(&bobs), ["Green tea latte powder", "Espresso beans", "Green tea cake mould"]);
    let browse = search(&shop, "category=tea").await;
    assert_eq!(browse["sort"], "newest");
    assert_eq!(titles(&browse), ["Green tea latte powder", "Assam black tea", "Matcha green tea", "Sencha green tea"]);
    shop.stop().await;
}

#[tokio::test]
async fn filters_and_sorting_combine() {
    filters_and_sort(start().await).await;
}

#[tokio::test]
async fn filters_and_sorting_combine_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    filters_and_sort(shop).await;
}

#[tokio::test]
async fn paging_while_products_are_added_neither_repeats_nor_skips() {
    paging_while_adding(start().await).await;
}

#[tokio::test]
async fn paging_while_products_are_added_neither_repeats_nor_skips_on_postgres() {
    let Some(shop) = start_on(Backends::POSTGRES, &[]).await else { return };
    paging_while_adding(shop).await;
}

async fn paging_while_adding(shop: Shop) {
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let category = shop.category("Tea", None).await;
    let mut originals = HashSet::new();
    for i in 0..23 {
        // Prices repeat, so the id breaks ties; "tea" appears in every title once, so ranks tie too.
        let body = product_body(&format!("Tea number {i}"), "Leaves.", 100 * (i % 4 + 1), &category, 1);
        originals.insert(shop.list(&seller, &body).await["id"].as_str().unwrap().to_owned());
    }
    for query in ["sort=newest", "sort=price_asc", "sort=price_desc", "q=tea"] {
        let mut seen: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut added = 0;
        loop {
            let path = match &cursor {
                Some(c) => format!("{query}&limit=5&cursor={c}"),
                None => format!("{query}&limit=5"),
            };
            let page = search(&shop, &path).await;
            seen.extend(ids(&page));
            // Products arrive between pages, at both ends of every order.
            for price in [50, 10_000] {
                let body = product_body(&format!("New tea {query} {added}"), "Leaves.", price, &category, 1);
                shop.list(&seller, &body).await;
                added += 1;
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{query}: a product came twice");
        let missing: Vec<&String> = originals.iter().filter(|id| !unique.contains(id)).collect();
        assert!(missing.is_empty(), "{query}: skipped {missing:?}");
    }
    shop.stop().await;
}

#[tokio::test]
async fn bad_search_input_is_answered_clearly() {
    let shop = start().await;
    let reply = shop.get("/products?min_price=-1&max_price=-2").send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["min_price", "max_price", "max_price"]);
    shop.get("/products?cursor=garbage").send().await.problem(422, "bad_cursor");
    shop.get("/products?category=nowhere").send().await.problem(404, "category_not_found");
    shop.get("/products?sort=cheapest").send().await.problem(400, "malformed_request");
    // A cursor of one order is not valid for another.
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let category = shop.category("Tea", None).await;
    for i in 0..3 {
        shop.list(&seller, &product_body(&format!("Tea {i}"), "x", 100, &category, 1)).await;
    }
    let page = search(&shop, "sort=newest&limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    shop.get(&format!("/products?sort=price_asc&cursor={cursor}")).send().await.problem(422, "bad_cursor");
    shop.stop().await;
}

#[tokio::test]
async fn the_featured_filter_gives_what_admins_feature() {
    let shop = start().await;
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let plain = shop.product_with_stock(&seller, "Plain tea", 3).await;
    let star = shop.product_with_stock(&seller, "Star tea", 3).await;
    let feature = |id: &str, on: bool| {
        shop.post(&format!("/admin/products/{id}/feature"))
            .bearer(&shop.admin.access)
            .json(&serde_json::json!({ "featured": on }))
    };
    feature(&star, true).send().await.ok(200);
    assert_eq!(ids(&search(&shop, "featured=true").await), std::slice::from_ref(&star));
    feature(&plain, true).send().await.ok(200);
    feature(&star, false).send().await.ok(200);
    assert_eq!(ids(&search(&shop, "featured=true").await), [plain]);
    shop.stop().await;
}
