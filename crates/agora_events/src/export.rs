//! The generated contract files: a JSON Schema per event type, one for the envelope, and an AsyncAPI 3.0
//! document listing every topic (and its dead-letter twin) with its messages. Pure: returns file contents
//! keyed by path relative to `schemas/`; the binary writes them and a test checks they are fresh.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::{Envelope, TopicDoc};

/// Every generated file, path → contents.
pub fn files(topics: &[TopicDoc]) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let envelope = serde_json::to_value(schemars::schema_for!(Envelope)).unwrap_or_default();
    files.insert("events/envelope.schema.json".to_owned(), pretty(&envelope));
    for topic in topics {
        for event in &topic.events {
            files.insert(format!("events/{}.schema.json", event.event_type), pretty(&event.schema));
        }
    }
    files.insert("asyncapi.json".to_owned(), pretty(&asyncapi(topics)));
    files
}

fn asyncapi(topics: &[TopicDoc]) -> Value {
    let mut channels = serde_json::Map::new();
    let mut operations = serde_json::Map::new();
    let mut messages = serde_json::Map::new();
    for topic in topics {
        let mut channel_messages = serde_json::Map::new();
        for event in &topic.events {
            channel_messages
                .insert(event.name.to_owned(), json!({ "$ref": format!("#/components/messages/{}", event.name) }));
            messages.insert(
                event.name.to_owned(),
                json!({
                    "name": event.event_type,
                    "title": event.name,
                    "contentType": "application/cloudevents+json",
                    "headers": { "$ref": "events/envelope.schema.json" },
                    "payload": { "$ref": format!("events/{}.schema.json", event.event_type) },
                    "correlationId": { "location": "$message.payload#/subject" },
                }),
            );
        }
        channels.insert(
            topic.topic.to_owned(),
            json!({
                "address": topic.topic,
                "description": topic.description,
                "messages": channel_messages,
                "bindings": { "kafka": { "bindingVersion": "0.5.0" } },
            }),
        );
        channels.insert(
            format!("{}.dlq", topic.topic),
            json!({
                "address": format!("{}.dlq", topic.topic),
                "description": format!("Dead letters of {}: messages a consumer group gave up on, with agora-dlq-* headers.", topic.topic),
                "messages": channel_messages,
            }),
        );
        operations.insert(
            format!("publish-{}", topic.topic),
            json!({ "action": "send", "channel": { "$ref": format!("#/channels/{}", topic.topic) } }),
        );
    }
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "Agora events",
            "version": "1.0.0",
            "description": "Every event Agora publishes. Each message is a CloudEvents 1.0 JSON envelope keyed by its subject (the aggregate id); `data` follows the event type's schema.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": { "messages": messages },
    })
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
