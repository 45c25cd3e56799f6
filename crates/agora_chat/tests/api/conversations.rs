//! Opening conversations: one per buyer, seller and product however many opens race, never about one's
//! own product, only about products catalog offers, and a clear 503 while catalog is down; listing them for
//! both sides, most recent activity first, with identity's names.

use std::sync::Arc;

use agora_testkit::Backends;
use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::harness::{Shop, builder, eventually, without_services};

#[tokio::test]
async fn ten_opens_at_once_make_one_conversation() {
    let shop = Arc::new(Shop::start().await);
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;

    let replies = join_all((0..10).map(|_| {
        let (shop, carol, tea) = (shop.clone(), carol.clone(), tea.clone());
        async move { shop.open(&carol, &tea).await }
    }))
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 9, "{statuses:?}");
    let ids: std::collections::HashSet<&str> = replies.iter().map(|r| r.body["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "every open answers the same conversation");

    let opened = &replies[0].body;
    assert_eq!(opened["product"]["id"], tea.as_str());
    assert_eq!(opened["product"]["title"], "Sencha");
    assert_eq!(opened["role"], "buyer");
    assert_eq!(opened["buyer"]["id"], carol.user_id.as_str());
    assert_eq!(opened["seller"]["id"], alice.user_id.as_str());
    assert_eq!(opened["counterpart"]["id"], alice.user_id.as_str());
    assert_eq!((opened["last_seq"].as_i64(), opened["unread"].as_i64()), (Some(0), Some(0)));
    assert!(opened["last_message"].is_null());
    let list = shop.chat(Method::GET, "/conversations", &carol).send().await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_seller_cannot_open_a_conversation_about_their_own_product_but_may_buy_from_others() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let bob = shop.seller("bob@example.com", "Bob's Pots").await;
    let tea = shop.product(&alice, "Sencha").await;

    shop.open(&alice, &tea).await.problem(422, "own_product");
    let opened = shop.open(&bob, &tea).await;
    let opened = opened.ok(201);
    assert_eq!(
        (opened["role"].as_str(), opened["seller"]["id"].as_str()),
        (Some("buyer"), Some(alice.user_id.as_str()))
    );
}

#[tokio::test]
async fn only_products_catalog_offers_can_be_discussed() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let carol = shop.app.buyer("carol@example.com").await;
    shop.open(&carol, &uuid::Uuid::now_v7().to_string()).await.problem(404, "product_not_found");

    let tea = shop.product(&alice, "Sencha").await;
    let hidden = shop.call(Method::POST, &format!("/api/catalog/products/{tea}/hide"), &alice).send().await;
    assert!(hidden.status < 300, "{}", hidden.body);
    shop.open(&carol, &tea).await.problem(404, "product_not_found");

    let bad = shop.chat(Method::POST, "/conversations", &carol).json(&json!({ "product_id": "tea" })).send().await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let anonymous = shop.app.request(Method::POST, "/api/chat/conversations").json(&json!({ "product_id": tea }));
    anonymous.send().await.problem(401, "unauthenticated");
}

#[tokio::test]
async fn opening_while_catalog_is_down_is_a_clear_503() {
    let without_catalog = without_services(Backends::EMBEDDED)
        .services("identity,chat")
        .set("urls.catalog", "http://127.0.0.1:9/api/catalog")
        .set("settings.chat.catalog_timeout_ms", "500");
    let shop = Shop::start_with(without_catalog).await.unwrap();
    let carol = shop.app.buyer("carol@example.com").await;
    let down = shop.open(&carol, &uuid::Uuid::now_v7().to_string()).await;
    let problem = down.problem(503, "catalog_unavailable");
    assert!(problem["detail"].as_str().unwrap().contains("catalog"), "{problem}");
}

#[tokio::test]
async fn both_sides_list_their_conversations_by_latest_activity_with_identitys_names() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let pot = shop.product(&alice, "Teapot").await;
    let carol = shop.named_buyer("carol@example.com", "Carol Smith").await;
    let dave = shop.named_buyer("dave@example.com", "Dave Jones").await;
    let about_tea = shop.conversation(&carol, &tea).await;
    let about_pot = shop.conversation(&carol, &pot).await;
    let daves = shop.conversation(&dave, &tea).await;
    assert_ne!(about_tea, daves, "one conversation per buyer");

    // The oldest conversation gets a message, so it comes first.
    shop.say(&carol, &about_tea, "Is it this year's harvest?").await;
    let ids = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
    };
    let carols = shop.chat(Method::GET, "/conversations", &carol).send().await.ok(200).clone();
    assert_eq!(ids(&carols), vec![about_tea.clone(), about_pot.clone()]);
    let alices = shop.chat(Method::GET, "/conversations?limit=2", &alice).send().await.ok(200).clone();
    assert_eq!(ids(&alices), vec![about_tea.clone(), daves.clone()]);
    let first = &alices["items"][0];
    assert_eq!((first["role"].as_str(), first["unread"].as_i64()), (Some("seller"), Some(1)));
    assert_eq!(first["last_message"]["body"], "Is it this year's harvest?");
    assert_eq!(first["last_message"]["mine"], false);
    assert_eq!(first["counterpart"]["id"], carol.user_id.as_str());
    let cursor = alices["next_cursor"].as_str().unwrap();
    let rest = shop.chat(Method::GET, &format!("/conversations?limit=2&cursor={cursor}"), &alice).send().await;
    assert_eq!(ids(rest.ok(200)), vec![about_pot.clone()]);
    assert!(rest.body["next_cursor"].is_null());
    shop.chat(Method::GET, "/conversations?cursor=nonsense", &alice).send().await.problem(422, "bad_cursor");

    // Names come from identity's events: the buyer's display name, the seller's shop name.
    eventually("identity's names to reach chat", || async {
        let shown = shop.show(&alice, &about_tea).await;
        shown.body["counterpart"]["name"] == "Carol Smith" && shown.body["seller"]["name"] == "Alice's Teas"
    })
    .await;
    let carols_view = shop.show(&carol, &about_tea).await;
    assert_eq!(carols_view.ok(200)["counterpart"]["name"], "Alice's Teas");
    assert_eq!(carols_view.body["last_message"]["mine"], true);
}

#[tokio::test]
async fn opening_again_finds_the_conversation_on_postgres() {
    let Some(shop) = Shop::start_with(builder(Backends::POSTGRES)).await else { return };
    let shop = Arc::new(shop);
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let replies = join_all((0..10).map(|_| {
        let (shop, carol, tea) = (shop.clone(), carol.clone(), tea.clone());
        async move { shop.open(&carol, &tea).await.status }
    }))
    .await;
    assert_eq!(replies.iter().filter(|s| **s == 201).count(), 1, "{replies:?}");
    assert_eq!(replies.iter().filter(|s| **s == 200).count(), 9, "{replies:?}");
}

#[tokio::test]
async fn the_api_is_described_at_openapi_json() {
    let shop = Shop::start().await;
    let doc = shop.app.request(Method::GET, "/api/chat/openapi.json").send().await;
    let paths = doc.ok(200)["paths"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for path in ["/conversations", "/conversations/{id}/messages", "/conversations/{id}/read", "/unread", "/ws"] {
        assert!(paths.iter().any(|p| p.ends_with(path)), "{path} is not described: {paths:?}");
    }
}
