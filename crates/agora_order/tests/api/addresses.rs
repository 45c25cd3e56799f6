//! Shipping addresses: validated fields, each buyer's own.

use reqwest::Method;
use serde_json::json;

use crate::harness::{Market, address};

#[tokio::test]
async fn a_buyer_keeps_addresses_that_no_one_else_can_touch() {
    let market = Market::start().await;
    let (carol, id) = market.buyer("carol@example.com").await;
    let list = market.call(Method::GET, "/api/order/addresses", &carol).send().await;
    assert_eq!(list.ok(200).as_array().unwrap().len(), 1);

    let mut moved = address();
    moved["city"] = json!("Manchester");
    let path = format!("/api/order/addresses/{id}");
    assert_eq!(market.call(Method::PUT, &path, &carol).json(&moved).send().await.ok(200)["city"], "Manchester");

    let (dave, _) = market.buyer("dave@example.com").await;
    market.call(Method::PUT, &path, &dave).json(&moved).send().await.problem(404, "address_not_found");
    market.call(Method::DELETE, &path, &dave).send().await.problem(404, "address_not_found");
    market.call(Method::DELETE, &path, &carol).send().await.ok(204);
    assert!(
        market.call(Method::GET, "/api/order/addresses", &carol).send().await.ok(200).as_array().unwrap().is_empty()
    );
}

#[tokio::test]
async fn every_bad_address_field_is_named() {
    let market = Market::start().await;
    let (carol, _) = market.buyer("carol@example.com").await;
    let bad = json!({ "full_name": "", "line1": "x", "city": "London", "postal_code": "<b>", "country": "Britain" });
    let reply = market.call(Method::POST, "/api/order/addresses", &carol).json(&bad).send().await;
    reply.problem(422, "invalid_input");
    assert_eq!(reply.fields(), ["full_name", "country", "postal_code"]);
    let blob = json!({ "text": "12 Some Street, London" });
    let reply = market.call(Method::POST, "/api/order/addresses", &carol).json(&blob).send().await;
    assert_eq!(reply.problem(422, "invalid_body")["errors"][0]["field"], "text", "no free-form blob");
}
