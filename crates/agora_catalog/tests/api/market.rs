//! Catalog with the order service played by a feeder (checkouts placed, paid and cancelled on
//! `order.checkouts`; orders cancelled and delivered on `order.orders`) and a probe of catalog's stock and
//! review events: the after-sale flows without the order service.

use std::sync::Arc;
use std::time::Duration;

use agora_core::{Currency, Money, Timestamp};
use agora_events::catalog::{ReviewEvent, StockEvent};
use agora_events::order::{
    BoughtLine, CancelReason, CheckoutCancelled, CheckoutEvent, CheckoutLine, CheckoutPaid, CheckoutPlaced, OrderEvent,
    OrderShare, OrderStatusChanged,
};
use agora_events::{Envelope, TopicEvents};
use agora_testkit::Backends;
use agora_testkit::api::{PASSWORD, Session};
use agora_testkit::feeder::Feeder;
use agora_testkit::probe::{EventProbe, Events};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::Shop;

pub struct Market {
    pub shop: Shop,
    pub feeder: Feeder,
    /// Everything catalog published on `catalog.stock` and `catalog.reviews`.
    pub events: Events,
}

impl Market {
    pub async fn start() -> Market {
        Market::start_on(Backends::EMBEDDED).await.expect("the embedded backends are always available")
    }

    /// `None` when `backends` are not available here.
    pub async fn start_on(backends: Backends) -> Option<Market> {
        let feeder = Feeder::new(&[CheckoutEvent::TOPIC, OrderEvent::TOPIC]);
        let (probe, events) = EventProbe::watching(&[StockEvent::TOPIC, ReviewEvent::TOPIC]);
        let shop = Shop::start_with(backends, &[], vec![Arc::new(feeder.clone()), probe]).await?;
        Some(Market { shop, feeder, events })
    }

    /// Publishes checkout events as order would.
    pub async fn checkouts(&self, events: &[CheckoutEvent]) {
        self.feeder.emit("agora/order", events).await;
    }

    /// Publishes order events as order would; returns their envelopes.
    pub async fn orders(&self, events: &[OrderEvent]) -> Vec<Envelope> {
        self.feeder.emit("agora/order", events).await
    }

    /// A buyer registered under `display_name`, signed in.
    pub async fn buyer_named(&self, email: &str, display_name: &str) -> Session {
        let body = json!({ "email": email, "password": PASSWORD, "display_name": display_name });
        let app = &self.shop.app;
        app.request(reqwest::Method::POST, "/api/identity/users").json(&body).send().await.ok(201);
        app.sign_in(email, PASSWORD).await
    }

    /// The product's (available, held, sold) as its seller sees them.
    pub async fn stock(&self, seller: &Session, product: &str) -> (i64, i64, i64) {
        let reply = self.shop.product(product, Some(seller)).await;
        let s = &reply.ok(200)["stock"];
        (s["available"].as_i64().unwrap(), s["held"].as_i64().unwrap(), s["sold"].as_i64().unwrap())
    }

    /// Waits (up to 30 s) until the product's stock is `expected`.
    pub async fn wait_stock(&self, seller: &Session, product: &str, expected: (i64, i64, i64)) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let now = self.stock(seller, product).await;
            if now == expected {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "stock of {product} stays {now:?}, not {expected:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `GET /products/{id}/reviews/mine` as `buyer`.
    pub async fn mine(&self, buyer: &Session, product: &str) -> Value {
        let path = format!("/products/{product}/reviews/mine");
        self.shop.get(&path).bearer(&buyer.access).send().await.ok(200).clone()
    }

    /// Publishes the sale's delivery and waits (up to 30 s) until catalog has recorded it: its buyer may then
    /// review each product (unless they already did). Events before it on `order.orders` are handled too.
    pub async fn deliver(&self, sale: &Sale, buyer: &Session) {
        self.orders(&[sale.delivered()]).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        for (product, _) in &sale.lines {
            loop {
                let mine = self.mine(buyer, &product.to_string()).await;
                if mine["eligible"] == true || !mine["review"].is_null() {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "the delivery of {} was not recorded", sale.order_id);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// Catalog's `stock_changed` events about `product` for this reason, so far.
    pub fn stock_changes(&self, product: &str, reason: &str) -> Vec<Value> {
        let all = self.events.all().into_iter();
        all.filter(|e| e.subject == product && e.event_type == "agora.catalog.stock_changed.v1")
            .map(|e| e.data)
            .filter(|d| d["reason"] == reason)
            .collect()
    }

    /// Waits (up to 30 s) for a `stock_changed` about `product` for this reason; returns all seen by then
    /// (events published before it have been seen too).
    pub async fn wait_stock_change(&self, product: &str, reason: &str) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let changes = self.stock_changes(product, reason);
            if !changes.is_empty() {
                return changes;
            }
            assert!(tokio::time::Instant::now() < deadline, "no stock change of {product} for {reason}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn stop(self) {
        self.shop.stop().await;
    }
}

/// One seller's order of a buyer, alone in its checkout (whose id is the stock hold's id).
pub struct Sale {
    pub order_id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub lines: Vec<(Uuid, i64)>,
}

fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
}

/// Every product costs 10.00 in these sales.
const UNIT_PRICE: i64 = 1000;

impl Sale {
    pub fn new(buyer: &Session, seller: &Session, lines: &[(&str, i64)]) -> Sale {
        Sale {
            order_id: Uuid::now_v7(),
            checkout_id: Uuid::now_v7(),
            buyer_id: buyer.user_id.parse().unwrap(),
            seller_id: seller.user_id.parse().unwrap(),
            lines: lines.iter().map(|(p, q)| (p.parse().unwrap(), *q)).collect(),
        }
    }

    fn total(&self) -> Money {
        eur(self.lines.iter().map(|(_, q)| q * UNIT_PRICE).sum())
    }

    fn bought(&self) -> Vec<BoughtLine> {
        self.lines
            .iter()
            .map(|(product_id, quantity)| BoughtLine { product_id: *product_id, quantity: *quantity })
            .collect()
    }

    /// `checkout_placed`: catalog holds the lines.
    pub fn placed(&self) -> CheckoutEvent {
        let lines = self
            .lines
            .iter()
            .map(|(product_id, quantity)| CheckoutLine {
                order_id: self.order_id,
                product_id: *product_id,
                seller_id: self.seller_id,
                title: "A thing".to_owned(),
                quantity: *quantity,
                unit_price: eur(UNIT_PRICE),
                line_total: eur(quantity * UNIT_PRICE),
            })
            .collect();
        CheckoutEvent::Placed(CheckoutPlaced {
            checkout_id: self.checkout_id,
            buyer_id: self.buyer_id,
            lines,
            orders: vec![OrderShare { order_id: self.order_id, seller_id: self.seller_id, total: self.total() }],
            total: self.total(),
            placed_at: Timestamp::now(),
        })
    }

    /// `checkout_paid`: catalog confirms the hold (held units become sold).
    pub fn paid(&self) -> CheckoutEvent {
        CheckoutEvent::Paid(CheckoutPaid {
            checkout_id: self.checkout_id,
            buyer_id: self.buyer_id,
            payment_id: Uuid::now_v7(),
            total: self.total(),
            lines: self.bought(),
        })
    }

    /// `checkout_cancelled`: catalog releases the hold.
    pub fn checkout_cancelled(&self) -> CheckoutEvent {
        CheckoutEvent::Cancelled(CheckoutCancelled {
            checkout_id: self.checkout_id,
            buyer_id: self.buyer_id,
            reason: CancelReason::PaymentTimeout,
        })
    }

    fn changed(&self, reason: Option<&str>, by: Option<&str>, refund: Option<Money>) -> OrderStatusChanged {
        OrderStatusChanged {
            order_id: self.order_id,
            checkout_id: self.checkout_id,
            buyer_id: self.buyer_id,
            seller_id: self.seller_id,
            total: self.total(),
            reason: reason.map(str::to_owned),
            at: Timestamp::now(),
            lines: self.bought(),
            by: by.map(str::to_owned),
            refund,
        }
    }

    /// `order_cancelled` by the buyer after payment (a refund due), or before it (none).
    pub fn cancelled(&self, paid: bool) -> OrderEvent {
        if paid {
            OrderEvent::Cancelled(self.changed(Some("Changed my mind"), Some("buyer"), Some(self.total())))
        } else {
            OrderEvent::Cancelled(self.changed(Some("payment_timeout"), None, None))
        }
    }

    /// `order_delivered`.
    pub fn delivered(&self) -> OrderEvent {
        OrderEvent::Delivered(self.changed(None, Some("seller"), None))
    }
}
