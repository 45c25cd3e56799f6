//! The app under test — identity, payment, a feeder standing in for order, and a probe of payment's events —
//! and shortcuts for the payment API.

use std::sync::Arc;
use std::time::Duration;

use agora_core::Timestamp;
use agora_db::{DatabaseLocation, Db, PoolSettings};
use agora_events::payment::PaymentEvent;
use agora_events::{Envelope, TopicEvents};
use agora_identity::IdentityService;
use agora_payment::PaymentService;
use agora_payment::provider::signature;
use agora_payment::provider::simulated::ledger::{self, SimCharge};
use agora_testkit::api::{Reply, Request, Session, with_admin};
use agora_testkit::probe::{EventProbe, Events};
use agora_testkit::{Backends, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use agora_testkit::feeder::Feeder;

use crate::feeder;

/// Signs the simulated provider's webhooks in these tests.
pub const WEBHOOK_SECRET: &str = "whsec_simulated_test_secret";

pub const SUCCEEDS: &str = "4242 4242 4242 4242";
pub const DECLINED: &str = "4000 0000 0000 0002";
pub const NO_FUNDS: &str = "4000 0000 0000 9995";
pub const LATER: &str = "4000 0000 0000 3220";

pub const SUCCEEDED: &str = "agora.payment.payment_succeeded.v1";
pub const FAILED: &str = "agora.payment.payment_failed.v1";
pub const REFUNDED: &str = "agora.payment.payment_refunded.v1";

/// The running app.
pub struct Pay {
    pub app: TestApp,
    pub admin: Session,
    pub feeder: Feeder,
    /// Everything published on `payment.payments`.
    pub events: Events,
}

impl Pay {
    /// On SQLite and the embedded log, with the simulated provider.
    pub async fn start(settings: &[(&'static str, &str)]) -> Pay {
        Pay::start_on(Backends::EMBEDDED, settings).await.expect("the embedded backends are always available")
    }

    /// `None` when `backends` are not available here.
    pub async fn start_on(backends: Backends, settings: &[(&'static str, &str)]) -> Option<Pay> {
        let feeder = Feeder::new(&["order.checkouts", "order.orders"]);
        let (probe, events) = EventProbe::watching(&[PaymentEvent::TOPIC]);
        let mut builder = with_admin(TestApp::builder())
            .service(Arc::new(IdentityService))
            .service(Arc::new(PaymentService))
            .service(Arc::new(feeder.clone()))
            .service(probe)
            .backends(backends)
            // Durability across power cuts is not under test.
            .set("database.sqlite_sync_every_commit", "false")
            .set("settings.payment.sweep_ms", "50")
            .set("settings.payment.simulated.webhook_secret", WEBHOOK_SECRET)
            .set("settings.payment.simulated.webhook_delay_ms", "300");
        for (key, value) in settings {
            builder = builder.set(key, *value);
        }
        let app = builder.start().await?;
        let admin = app.admin().await;
        Some(Pay { app, admin, feeder, events })
    }

    pub fn call(&self, method: Method, path: &str) -> Request {
        self.app.request(method, &format!("/api/payment{path}"))
    }

    /// `GET /checkouts/{id}/payment` as `session`.
    pub async fn payment(&self, session: &Session, checkout: Uuid) -> Reply {
        self.call(Method::GET, &format!("/checkouts/{checkout}/payment")).bearer(&session.access).send().await
    }

    /// `POST /checkouts/{id}/payment/attempts` as `session`.
    pub async fn attempt(&self, session: &Session, checkout: Uuid, body: &Value) -> Reply {
        let path = format!("/checkouts/{checkout}/payment/attempts");
        self.call(Method::POST, &path).bearer(&session.access).json(body).send().await
    }

    /// `POST /checkouts/{id}/payment/return` as `session`.
    pub async fn browser_return(&self, session: &Session, checkout: Uuid) -> Reply {
        self.call(Method::POST, &format!("/checkouts/{checkout}/payment/return")).bearer(&session.access).send().await
    }

    /// Order's event for a new checkout of `buyer`, payable for an hour; waits until its payment exists.
    pub async fn checkout(&self, buyer: &Session, amount_minor: i64) -> (Uuid, Value) {
        let checkout = Uuid::now_v7();
        let pay_by = Timestamp::now().plus(Duration::from_secs(3600));
        self.feeder.emit("agora/order", &[feeder::awaiting(checkout, buyer_id(buyer), amount_minor, pay_by)]).await;
        (checkout, self.wait_payment(buyer, checkout).await)
    }

    /// Waits (up to 30 s) until the checkout's payment exists.
    pub async fn wait_payment(&self, session: &Session, checkout: Uuid) -> Value {
        self.wait_status(session, checkout, None).await
    }

    /// Waits (up to 30 s) until the checkout's payment exists and, if given, has `status`.
    pub async fn wait_status(&self, session: &Session, checkout: Uuid, status: Option<&str>) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let reply = self.payment(session, checkout).await;
            if reply.status == 200 && status.is_none_or(|s| reply.body["status"] == s) {
                return reply.body;
            }
            assert!(tokio::time::Instant::now() < deadline, "payment of {checkout} not there: {}", reply.body);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Payment's own database, to read the simulated provider's books.
    pub async fn payment_db(&self) -> Db {
        let config = &self.app.config;
        let shared = Some(config.database.url.as_str()).filter(|u| !u.is_empty());
        let location =
            DatabaseLocation::resolve("payment", shared, None, &config.data_dir).expect("payment's database location");
        Db::connect(&location.url, &PoolSettings { max_connections: 2, ..PoolSettings::default() }).await.unwrap()
    }

    /// The simulated provider's charges of a payment, each with its number of refunds.
    pub async fn charges(&self, db: &Db, payment_id: &str) -> Vec<(SimCharge, i64)> {
        ledger::charges_of_payment(db, payment_id).await.unwrap()
    }

    /// Events of `event_type` about `payment_id` seen so far.
    pub fn count(&self, event_type: &str, payment_id: &str) -> usize {
        self.events.types_about(payment_id).iter().filter(|t| *t == event_type).count()
    }

    /// Waits (up to 30 s) until `n` `payment_refunded` events about `payment_id` were published.
    pub async fn wait_refunds(&self, payment_id: &str, n: usize) -> Vec<Envelope> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let refunds: Vec<Envelope> =
                self.events.all().into_iter().filter(|e| e.event_type == REFUNDED && e.subject == payment_id).collect();
            if refunds.len() >= n {
                return refunds;
            }
            assert!(tokio::time::Instant::now() < deadline, "{} of {n} refunds of {payment_id}", refunds.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The sum of a counter's series on `/metrics` whose labels include `label`.
    pub async fn counter(&self, name: &str, label: &str) -> u64 {
        let metrics = self.app.client.get(self.app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        metrics
            .lines()
            .filter(|l| l.starts_with(&format!("{name}{{")) && l.contains(label))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// Waits (up to 30 s) until a counter's series with `label` reach `at_least`.
    pub async fn wait_counter(&self, name: &str, label: &str, at_least: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.counter(name, label).await < at_least {
            assert!(tokio::time::Instant::now() < deadline, "{name} {label} never reached {at_least}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A webhook to `/webhooks/simulated`, with the given signature header (none if `None`).
    pub async fn webhook(&self, body: &str, signature: Option<String>) -> Reply {
        let mut request = self.call(Method::POST, "/webhooks/simulated").body("application/json", body.to_owned());
        if let Some(signature) = signature {
            request = request.header("Stripe-Signature", &signature);
        }
        request.send().await
    }

    pub async fn stop(self) {
        self.app.stop().await;
    }
}

pub fn buyer_id(session: &Session) -> Uuid {
    session.user_id.parse().unwrap()
}

/// An attempt's body for a card number.
pub fn card(number: &str) -> Value {
    json!({ "card_number": number, "exp_month": 12, "exp_year": 2099, "cvc": "123", "cardholder": "Ada Lovelace" })
}

/// A `payment_intent.succeeded` event about `provider_ref`, as the simulated provider sends it.
pub fn succeeded_event(event_id: &str, provider_ref: &str) -> String {
    json!({
        "id": event_id,
        "type": "payment_intent.succeeded",
        "data": { "object": { "id": provider_ref, "object": "payment_intent", "status": "succeeded" } },
    })
    .to_string()
}

/// A valid signature of `body` now, with the tests' simulated webhook secret.
pub fn sign(body: &str) -> String {
    signature::header_value(WEBHOOK_SECRET, signature::unix_now(), body.as_bytes())
}
