//! Typed topics: an enum per topic, one variant per event type, declared with [`crate::topic!`].

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::DecodeError;

/// The data of one event type.
pub trait EventData: Serialize + DeserializeOwned + JsonSchema {
    /// The aggregate id this event is about; it becomes the CloudEvents subject and the message key.
    fn subject(&self) -> String;
}

/// The events of one topic.
pub trait TopicEvents: Sized {
    /// The topic's logical name, such as `catalog.products`.
    const TOPIC: &'static str;
    fn event_type(&self) -> &'static str;
    fn subject(&self) -> String;
    fn to_data(&self) -> serde_json::Value;
    fn decode(event_type: &str, data: &serde_json::Value) -> Result<Option<Self>, DecodeError>;
    /// Documentation of the topic and its events, for schema export.
    fn doc() -> TopicDoc;
}

/// A topic and its events, as documented in the AsyncAPI document.
#[derive(Debug, Clone)]
pub struct TopicDoc {
    pub topic: &'static str,
    pub description: &'static str,
    pub events: Vec<EventDoc>,
}

/// One event type and its JSON Schema.
#[derive(Debug, Clone)]
pub struct EventDoc {
    pub event_type: &'static str,
    pub name: &'static str,
    pub schema: serde_json::Value,
}

/// Declares a topic's event enum.
///
/// ```ignore
/// topic! {
///     /// Products listed in the catalog.
///     pub enum ProductEvent = "catalog.products" {
///         Created(ProductCreated) = "agora.catalog.product_created.v1",
///     }
/// }
/// ```
#[macro_export]
macro_rules! topic {
    (
        #[doc = $doc:literal]
        pub enum $name:ident = $topic:literal {
            $( $variant:ident($data:ty) = $event_type:literal ),+ $(,)?
        }
    ) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $( $variant($data) ),+
        }

        impl $crate::TopicEvents for $name {
            const TOPIC: &'static str = $topic;

            fn event_type(&self) -> &'static str {
                match self { $( Self::$variant(_) => $event_type ),+ }
            }

            fn subject(&self) -> String {
                match self { $( Self::$variant(data) => $crate::EventData::subject(data) ),+ }
            }

            fn to_data(&self) -> ::serde_json::Value {
                let value = match self { $( Self::$variant(data) => ::serde_json::to_value(data) ),+ };
                value.unwrap_or(::serde_json::Value::Null)
            }

            fn decode(
                event_type: &str,
                data: &::serde_json::Value,
            ) -> ::std::result::Result<Option<Self>, $crate::DecodeError> {
                match event_type {
                    $( $event_type => <$data as ::serde::Deserialize>::deserialize(data)
                        .map(|d| Some(Self::$variant(d)))
                        .map_err(|source| $crate::DecodeError::Data { event_type: event_type.to_owned(), source }), )+
                    _ => Ok(None),
                }
            }

            fn doc() -> $crate::TopicDoc {
                $crate::TopicDoc {
                    topic: $topic,
                    description: $doc.trim(),
                    events: vec![ $( $crate::EventDoc {
                        event_type: $event_type,
                        name: stringify!($data),
                        schema: ::serde_json::to_value(::schemars::schema_for!($data)).unwrap_or_default(),
                    } ),+ ],
                }
            }
        }
    };
}
