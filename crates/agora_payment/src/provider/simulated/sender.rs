//! The simulated provider's webhook sender: when a processing charge's time comes it succeeds, and
//! `payment_intent.succeeded` is posted, signed, to payment's webhook route — retried with back-off until
//! answered 2xx, and picked up again after a restart (the schedule is in the ledger).

use std::sync::Arc;
use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Db;
use serde_json::json;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::ledger::{self, SimCharge};
use crate::provider::signature;

/// Deliveries of one webhook before the simulator gives up (as a real provider does after days).
const MAX_TRIES: i64 = 25;
/// A claimed webhook not reported sent by then is sent again (its sender crashed).
const CLAIM: Duration = Duration::from_secs(30);
/// Longest sleep between looks at the schedule.
const IDLE: Duration = Duration::from_secs(1);

pub struct Sender {
    db: Db,
    secret: Arc<str>,
    url: String,
    http: reqwest::Client,
    scheduled: Arc<Notify>,
}

impl Sender {
    pub fn new(db: Db, secret: Arc<str>, url: String, scheduled: Arc<Notify>) -> Result<Sender, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("simulated webhook client: {e}"))?;
        Ok(Sender { db, secret, url, http, scheduled })
    }

    /// Sends due webhooks until the service stops.
    pub async fn run(self) {
        let sender = Arc::new(self);
        loop {
            let now = Timestamp::now();
            match ledger::claim_due_webhooks(&sender.db, now, now.plus(CLAIM), MAX_TRIES).await {
                Ok(due) => {
                    let mut deliveries = JoinSet::new();
                    for charge in due {
                        let sender = sender.clone();
                        deliveries.spawn(async move { sender.deliver(charge).await });
                    }
                    while deliveries.join_next().await.is_some() {}
                }
                Err(err) => tracing::warn!(error = %err, "simulated provider cannot read its webhook schedule"),
            }
            let pause = match ledger::next_due(&sender.db, MAX_TRIES).await {
                Ok(Some(due)) => Duration::from_micros(
                    u64::try_from(due.as_micros() - Timestamp::now().as_micros()).unwrap_or_default(),
                )
                .min(IDLE),
                Ok(None) | Err(_) => IDLE,
            };
            tokio::select! {
                () = sender.scheduled.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    async fn deliver(&self, charge: SimCharge) {
        let now = Timestamp::now();
        if let Err(err) = ledger::settle_if_due(&self.db, &charge.id, now).await {
            tracing::warn!(error = %err, charge = %charge.id, "simulated charge could not settle");
            return;
        }
        let body = json!({
            "id": format!("evt_{}_succeeded", charge.id),
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": signature::unix_now(),
            "data": { "object": {
                "id": charge.id,
                "object": "payment_intent",
                "status": "succeeded",
                "amount": charge.amount_minor,
                "currency": charge.currency.to_lowercase(),
                "metadata": {
                    "checkout_id": charge.checkout_id,
                    "payment_id": charge.payment_id,
                    "attempt_id": charge.idempotency_key,
                },
            }},
        })
        .to_string();
        let header = signature::header_value(&self.secret, signature::unix_now(), body.as_bytes());
        let sent = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header(signature::HEADER, header)
            .body(body)
            .send()
            .await;
        let delivered = match sent {
            Ok(response) if response.status().is_success() => true,
            Ok(response) => {
                tracing::warn!(charge = %charge.id, status = %response.status(), "simulated webhook refused");
                false
            }
            Err(err) => {
                tracing::warn!(charge = %charge.id, error = %err, "simulated webhook not delivered");
                false
            }
        };
        let recorded = if delivered {
            ledger::webhook_sent(&self.db, &charge.id, Timestamp::now()).await
        } else {
            let exponent = u32::try_from(charge.webhook_tries.clamp(0, 6)).unwrap_or(6);
            ledger::webhook_failed(&self.db, &charge.id, Timestamp::now().plus(Duration::from_secs(1 << exponent)))
                .await
        };
        if let Err(err) = recorded {
            tracing::warn!(charge = %charge.id, error = %err, "simulated webhook outcome not recorded");
        }
    }
}
