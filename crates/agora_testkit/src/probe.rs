//! `probe`: a stand-in for any other service in tests. It records the events of the topics it is given, as
//! a consumer elsewhere would see them, and serves whatever routes the test gives it under `/api/probe`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_bus::Bus;
use agora_db::Migrations;
use agora_events::Envelope;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;
use axum::Router;

/// The probe service.
pub struct EventProbe {
    pub topics: Vec<String>,
    pub events: Events,
    pub routes: Router,
}

impl EventProbe {
    /// A probe reading `topics`, without routes of its own.
    pub fn watching(topics: &[&str]) -> (Arc<EventProbe>, Events) {
        let events = Events::default();
        let probe = EventProbe {
            topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            events: events.clone(),
            routes: Router::new(),
        };
        (Arc::new(probe), events)
    }
}

/// Every event the probe has read.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<Envelope>>>);

impl Events {
    fn record(&self, envelope: Envelope) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(envelope);
    }

    /// Every event read so far, in order.
    pub fn all(&self) -> Vec<Envelope> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The event types seen about `subject`, in order.
    pub fn types_about(&self, subject: &str) -> Vec<String> {
        self.all().into_iter().filter(|e| e.subject == subject).map(|e| e.event_type).collect()
    }

    /// Waits (up to 30 s) for an event of `event_type` about `subject` and returns it.
    pub async fn wait_for(&self, event_type: &str, subject: &str) -> Envelope {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let found = self.all().into_iter().find(|e| e.event_type == event_type && e.subject == subject);
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
impl Service for EventProbe {
    fn name(&self) -> &'static str {
        "probe"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        None
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let watch = watch(ctx.bus.clone(), self.topics.clone(), self.events.clone());
        Ok(ServiceParts {
            router: self.routes.clone(),
            consumers: Vec::new(),
            tasks: vec![("probe.watch".to_owned(), Box::pin(watch))],
            readiness: Vec::new(),
        })
    }
}

/// Reads the topics from the beginning for as long as the app runs.
async fn watch(bus: Bus, topics: Vec<String>, events: Events) {
    let mut subscription = match bus.subscribe("probe.watch", &topics).await {
        Ok(subscription) => subscription,
        Err(err) => {
            tracing::warn!(error = %err, "probe could not subscribe");
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
                tracing::warn!(error = %err, "probe could not read its topics");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}
