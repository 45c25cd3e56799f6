//! Agora's events: the CloudEvents 1.0 envelope every message travels in, the typed events of each topic,
//! and the JSON Schemas and AsyncAPI document generated from those types.
//!
//! A topic is a Rust enum declared with [`topic!`]; each variant wraps one event's data type and names its
//! CloudEvents `type`. Adding a topic to [`registry::topics`] is all it takes for its schemas and its
//! AsyncAPI channel to be generated into `schemas/` (and for the staleness test to watch them).

/// Implements [`EventData`] for event types whose subject (the aggregate id, the Kafka key) is `field`:
/// `subject_is!(product_id: ProductSnapshot, PriceChanged);`
macro_rules! subject_is {
    ($field:ident: $($ty:ty),+) => {
        $(impl $crate::EventData for $ty {
            fn subject(&self) -> String {
                self.$field.to_string()
            }
        })+
    };
}

pub mod catalog;
pub mod chat;
mod envelope;
pub mod export;
pub mod identity;
pub mod notify;
pub mod order;
pub mod payment;
pub mod registry;
mod topic;
pub mod wishlist;

pub use envelope::{DecodeError, Envelope, SPEC_VERSION};
pub use topic::{EventData, EventDoc, TopicDoc, TopicEvents};
