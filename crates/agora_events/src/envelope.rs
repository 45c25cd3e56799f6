//! The CloudEvents 1.0 structured-mode JSON envelope.

use agora_core::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::TopicEvents;

pub const SPEC_VERSION: &str = "1.0";

/// One event as it travels on the bus: CloudEvents attributes plus the event's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Envelope {
    /// Always `1.0`.
    pub specversion: String,
    /// UUIDv7, unique per event; consumers deduplicate on it.
    pub id: Uuid,
    /// The producing service, such as `agora/catalog`.
    pub source: String,
    /// Versioned event type, such as `agora.catalog.product_created.v1`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The aggregate the event is about; also the bus message key, so events of one aggregate stay ordered.
    pub subject: String,
    /// When the change happened (UTC).
    pub time: Timestamp,
    /// Always `application/json`.
    pub datacontenttype: String,
    /// W3C trace context of the request that caused the event, when traced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// The event's own data; its schema depends on `type`.
    pub data: serde_json::Value,
}

/// The payload could not be read as an event.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message is not a CloudEvents envelope: {0}")]
    Envelope(serde_json::Error),
    #[error("data of {event_type} does not match its type: {source}")]
    Data { event_type: String, source: serde_json::Error },
}

impl Envelope {
    /// Wraps a typed event into a new envelope.
    pub fn new<E: TopicEvents>(source: &str, event: &E) -> Envelope {
        Envelope {
            specversion: SPEC_VERSION.to_owned(),
            id: agora_core::new_id(),
            source: source.to_owned(),
            event_type: event.event_type().to_owned(),
            subject: event.subject(),
            time: Timestamp::now(),
            datacontenttype: "application/json".to_owned(),
            traceparent: None,
            data: event.to_data(),
        }
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Envelope, DecodeError> {
        serde_json::from_slice(bytes).map_err(DecodeError::Envelope)
    }

    pub fn to_vec(&self) -> Vec<u8> {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The typed event, or `None` when the type is not one of `E`'s (a newer producer, or another topic).
    pub fn decode<E: TopicEvents>(&self) -> Result<Option<E>, DecodeError> {
        E::decode(&self.event_type, &self.data)
    }
}
