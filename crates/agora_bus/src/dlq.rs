//! Dead letters: a message whose handler keeps failing is copied to `<topic>.dlq` with headers saying
//! which group gave up and why, and the partition moves on. [`replay`] republishes dead letters to their
//! original topic once the cause is fixed; groups that had already processed them skip them by inbox.

use std::time::Duration;

use crate::{Bus, BusError, Message, OutgoingMessage};

/// Header naming the topic a dead letter came from.
pub const ORIGINAL_TOPIC: &str = "agora-dlq-topic";
pub const GROUP: &str = "agora-dlq-group";
pub const ERROR: &str = "agora-dlq-error";
pub const ATTEMPTS: &str = "agora-dlq-attempts";
pub const ORIGINAL_OFFSET: &str = "agora-dlq-offset";

/// The consumer group the replay command reads dead letters with.
pub const REPLAY_GROUP: &str = "agora.dlq-replay";

/// The dead-letter twin of `topic`.
pub fn dlq_topic(topic: &str) -> String {
    format!("{topic}.dlq")
}

pub(crate) fn dead_letter(message: &Message, group: &str, error: &str, attempts: u32) -> OutgoingMessage {
    let mut headers: Vec<(String, String)> =
        message.headers.iter().filter(|(k, _)| !k.starts_with("agora-dlq-")).cloned().collect();
    headers.extend([
        (ORIGINAL_TOPIC.to_owned(), message.topic.clone()),
        (GROUP.to_owned(), group.to_owned()),
        (ERROR.to_owned(), error.chars().take(1000).collect()),
        (ATTEMPTS.to_owned(), attempts.to_string()),
        (ORIGINAL_OFFSET.to_owned(), format!("{}:{}", message.partition, message.offset)),
    ]);
    OutgoingMessage {
        topic: dlq_topic(&message.topic),
        key: message.key.clone(),
        payload: message.payload.clone(),
        headers,
    }
}

/// What a replay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayReport {
    pub replayed: usize,
}

/// Republishes every dead letter of `topic` that the replay group has not replayed yet, then returns.
/// It stops when no dead letter arrives for `idle`.
pub async fn replay(bus: &Bus, topic: &str, idle: Duration) -> Result<ReplayReport, BusError> {
    let dlq = dlq_topic(topic);
    let mut subscription = bus.subscribe(REPLAY_GROUP, std::slice::from_ref(&dlq)).await?;
    let mut replayed = 0;
    loop {
        let batch = subscription.next_batch(500, idle).await?;
        if batch.is_empty() {
            break;
        }
        let messages = batch
            .iter()
            .map(|letter| OutgoingMessage {
                topic: letter.header(ORIGINAL_TOPIC).unwrap_or(topic).to_owned(),
                key: letter.key.clone(),
                payload: letter.payload.clone(),
                headers: letter.headers.iter().filter(|(k, _)| !k.starts_with("agora-dlq-")).cloned().collect(),
            })
            .collect();
        bus.publish(messages).await?;
        subscription.commit(&batch).await?;
        replayed += batch.len();
    }
    subscription.close().await?;
    tracing::info!(topic, replayed, "dead letters replayed");
    Ok(ReplayReport { replayed })
}
