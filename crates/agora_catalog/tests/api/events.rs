//! What catalog tells the other services: each change of a product, its stock and its holds is an event
//! a consumer elsewhere reads (here the test kit's probe).

use agora_events::TopicEvents;
use agora_events::catalog::{HoldEvent, ProductEvent, StockEvent};
use agora_testkit::Backends;
use agora_testkit::probe::EventProbe;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Shop, product_body};

#[tokio::test]
async fn product_stock_and_hold_changes_are_published() {
    let (probe, events) = EventProbe::watching(&[ProductEvent::TOPIC, StockEvent::TOPIC, HoldEvent::TOPIC]);
    let shop = Shop::start_with(Backends::EMBEDDED, &[], vec![probe]).await.unwrap();
    let seller = shop.app.seller("alice@example.com", "Alice's Teas", &shop.admin).await;
    let category = shop.category("Tea", None).await;
    let product = shop.list(&seller, &product_body("Green tea", "Sencha.", 1250, &category, 0)).await;
    let id = product["id"].as_str().unwrap();
    let created = events.wait_for("agora.catalog.product_created.v1", id).await;
    assert_eq!(created.data["seller_id"], seller.user_id.as_str());
    assert_eq!(created.data["price"]["amount_minor"], 1250);

    // Restocked from nothing, at a lower price.
    let edit = product_body("Green tea", "Sencha.", 990, &category, 2);
    shop.put(&format!("/products/{id}")).bearer(&seller.access).json(&edit).send().await.ok(200);
    let price = events.wait_for("agora.catalog.price_changed.v1", id).await;
    assert_eq!(
        (price.data["old_price"]["amount_minor"].as_i64(), price.data["new_price"]["amount_minor"].as_i64()),
        (Some(1250), Some(990))
    );
    assert_eq!(events.wait_for("agora.catalog.back_in_stock.v1", id).await.data["available"], 2);

    // A hold that takes the last units, then one that is short.
    let buyer = shop.admin.clone();
    let placed = Uuid::now_v7();
    let body = json!({ "id": placed, "lines": [{ "product_id": id, "quantity": 2 }] });
    shop.post("/holds").bearer(&buyer.access).json(&body).send().await.ok(201);
    assert_eq!(
        events.wait_for("agora.catalog.hold_placed.v1", &placed.to_string()).await.data["owner_id"],
        buyer.user_id.as_str()
    );
    events.wait_for("agora.catalog.sold_out.v1", id).await;
    let short = Uuid::now_v7();
    let body = json!({ "id": short, "lines": [{ "product_id": id, "quantity": 1 }] });
    shop.post("/holds").bearer(&buyer.access).json(&body).send().await.problem(409, "insufficient_stock");
    let rejected = events.wait_for("agora.catalog.hold_rejected.v1", &short.to_string()).await;
    assert_eq!(rejected.data["short"][0]["title"], "Green tea");
    shop.post(&format!("/holds/{placed}/release")).bearer(&buyer.access).send().await.ok(200);
    events.wait_for("agora.catalog.hold_released.v1", &placed.to_string()).await;

    // The seller learns why an admin hid the product.
    let hide = shop.post(&format!("/admin/products/{id}/hide")).bearer(&shop.admin.access);
    hide.json(&json!({ "reason": "Misleading photo" })).send().await.ok(200);
    let hidden = events.wait_for("agora.catalog.product_hidden.v1", id).await;
    assert_eq!(
        (hidden.data["by_admin"].as_bool(), hidden.data["reason"].as_str()),
        (Some(true), Some("Misleading photo"))
    );
    shop.stop().await;
}
