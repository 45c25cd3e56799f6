//! `probe`: a stand-in for any service other than identity. It verifies access tokens the way every service
//! does, with the `Caller` extractor, and records the events identity publishes, as a consumer elsewhere
//! would see them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_bus::Bus;
use agora_db::Migrations;
use agora_events::Envelope;
use agora_events::TopicEvents;
use agora_events::identity::{SellerEvent, UserEvent};
use agora_http::service::ServiceError;
use agora_http::{AuthError, Caller, Role, Service, ServiceContext, ServiceParts};
use async_trait::async_trait;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

/// The probe service; mounted at `/api/probe`.
pub struct ProbeService {
    pub events: Events,
}

/// Every event the probe has read from identity's topics.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<Envelope>>>);

impl Events {
    fn record(&self, envelope: Envelope) {
        self.0.lock().unwrap().push(envelope);
    }

    /// The event types seen about `subject`, in order.
    pub fn types_about(&self, subject: &str) -> Vec<String> {
        self.0.lock().unwrap().iter().filter(|e| e.subject == subject).map(|e| e.event_type.clone()).collect()
    }

    /// Waits for an event of `event_type` about `subject` and returns it.
    pub async fn wait_for(&self, event_type: &str, subject: &str) -> Envelope {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let found =
                self.0.lock().unwrap().iter().find(|e| e.event_type == event_type && e.subject == subject).cloned();
            if let Some(envelope) = found {
                return envelope;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {event_type} about {subject}; seen: {:?}",
                self.types_about(subject)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[async_trait]
impl Service for ProbeService {
    fn name(&self) -> &'static str {
        "probe"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        None
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let router = Router::new().route("/whoami", get(whoami)).route("/sellers-only", get(sellers_only));
        let watch = watch(ctx.bus.clone(), self.events.clone());
        Ok(ServiceParts { router, consumers: Vec::new(), tasks: vec![("probe.watch".to_owned(), Box::pin(watch))] })
    }
}

async fn whoami(caller: Caller) -> Json<Value> {
    Json(json!({ "user_id": caller.user_id, "roles": caller.roles }))
}

async fn sellers_only(caller: Caller) -> Result<Json<Value>, AuthError> {
    caller.require(Role::Seller)?;
    Ok(Json(json!({ "shop_owner": caller.user_id })))
}

/// Reads identity's topics from the beginning for as long as the app runs.
async fn watch(bus: Bus, events: Events) {
    let topics = [UserEvent::TOPIC.to_owned(), SellerEvent::TOPIC.to_owned()];
    let mut subscription = match bus.subscribe("probe.watch", &topics).await {
        Ok(subscription) => subscription,
        Err(err) => {
            tracing::warn!(error = %err, "probe could not subscribe to identity's topics");
            return;
        }
    };
    loop {
        match subscription.next_batch(100, Duration::from_millis(100)).await {
            Ok(batch) => {
                for message in batch {
                    match Envelope::from_slice(&message.payload) {
                        Ok(envelope) => events.record(envelope),
                        Err(err) => tracing::warn!(error = %err, "probe read a message that is not an event"),
                    }
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "probe could not read identity's topics");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}
