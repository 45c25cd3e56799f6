//! Following topics live: every instance of a service that holds sockets (chat, notify) reads every event
//! of its topics from the moment it starts, outside any consumer group, and hands each one to a callback
//! that pushes it to the sockets it holds. Nothing is committed and nothing is retried: a client that
//! missed something while disconnected catches up from the database when it reconnects.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use agora_events::Envelope;
use tokio_util::sync::CancellationToken;

use crate::{Bus, PrefixedSubscription};

/// Whether a follower is attached, for readiness: until it is, events published elsewhere may not reach
/// this instance's sockets live.
#[derive(Debug, Clone, Default)]
pub struct Attached(Arc<AtomicBool>);

impl Attached {
    pub fn is_attached(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn set(&self, value: bool) {
        self.0.store(value, Ordering::Release);
    }
}

/// Follows `topics` until `shutdown`, calling `on_event` with each event in order per key. `attached` turns
/// true once the follower reads from the topics' ends.
pub async fn follow(
    bus: Bus,
    topics: Vec<String>,
    attached: Attached,
    shutdown: CancellationToken,
    on_event: impl Fn(Envelope) + Send + Sync + 'static,
) {
    let mut backoff = Duration::from_millis(100);
    let mut subscription: Option<PrefixedSubscription> = None;
    while !shutdown.is_cancelled() {
        let Some(current) = subscription.as_mut() else {
            match bus.tail(&topics).await {
                Ok(fresh) => {
                    subscription = Some(fresh);
                    attached.set(true);
                    backoff = Duration::from_millis(100);
                }
                Err(err) => {
                    tracing::warn!(error = %err, topics = ?topics, "cannot follow topics yet, retrying");
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
            continue;
        };
        let batch = tokio::select! {
            () = shutdown.cancelled() => break,
            batch = current.next_batch(512, Duration::from_millis(500)) => batch,
        };
        match batch {
            Ok(messages) => {
                for message in messages {
                    match Envelope::from_slice(&message.payload) {
                        Ok(envelope) => on_event(envelope),
                        Err(err) => {
                            tracing::warn!(error = %err, topic = %message.topic, "skipping an unreadable event")
                        }
                    }
                }
            }
            // The client reconnects by itself and keeps its position; wait a little and read on.
            Err(err) => {
                tracing::warn!(error = %err, "following topics failed, reading on");
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
        }
    }
    attached.set(false);
    if let Some(subscription) = subscription {
        let _ = subscription.close().await;
    }
}
