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
            // Keyed by event type: one payload type may serve several events (created and updated).
            channel_messages.insert(
                event.event_type.to_owned(),
                json!({ "$ref": format!("#/components/messages/{}", event.event_type) }),
            );
            messages.insert(
                event.event_type.to_owned(),
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

/// How `new` breaks consumers written against `old`, two JSON Schemas of one event type: a property
/// removed, a property that became required, or a property whose type changed (top level and named
/// definitions). Adding optional properties is compatible. An incompatible change needs a new event type
/// version (`….v2`) instead.
pub fn breaking_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut changes = object_changes("", old, new);
    if let (Some(old_defs), Some(new_defs)) = (old.get("$defs").and_then(Value::as_object), new.get("$defs")) {
        for (name, old_def) in old_defs {
            match new_defs.get(name) {
                Some(new_def) => changes.extend(object_changes(&format!("{name}."), old_def, new_def)),
                None => changes.push(format!("definition {name} removed")),
            }
        }
    }
    changes
}

fn object_changes(prefix: &str, old: &Value, new: &Value) -> Vec<String> {
    let properties = |schema: &Value| schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let required = |schema: &Value| -> Vec<String> {
        schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let (old_props, new_props) = (properties(old), properties(new));
    let mut changes = Vec::new();
    for (name, old_prop) in &old_props {
        match new_props.get(name) {
            None => changes.push(format!("property {prefix}{name} removed")),
            Some(new_prop) if old_prop.get("type") != new_prop.get("type") => {
                changes.push(format!("property {prefix}{name} changed type"));
            }
            Some(_) => {}
        }
    }
    let old_required = required(old);
    for name in required(new) {
        if !old_required.contains(&name) {
            changes.push(format!("property {prefix}{name} became required"));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(properties: Value, required: &[&str]) -> Value {
        json!({ "type": "object", "properties": properties, "required": required })
    }

    #[test]
    fn adding_an_optional_property_is_compatible() {
        let old = schema(json!({ "id": { "type": "string" } }), &["id"]);
        let new = schema(json!({ "id": { "type": "string" }, "note": { "type": "string" } }), &["id"]);
        assert!(breaking_changes(&old, &new).is_empty());
    }

    #[test]
    fn removing_retyping_or_requiring_a_property_breaks_consumers() {
        let old = schema(json!({ "id": { "type": "string" }, "qty": { "type": "integer" }, "gone": {} }), &["id"]);
        let new = schema(json!({ "id": { "type": "string" }, "qty": { "type": "string" }, "new": {} }), &["id", "new"]);
        let changes = breaking_changes(&old, &new);
        assert!(changes.contains(&"property gone removed".to_owned()), "{changes:?}");
        assert!(changes.contains(&"property qty changed type".to_owned()), "{changes:?}");
        assert!(changes.contains(&"property new became required".to_owned()), "{changes:?}");
    }

    #[test]
    fn nested_definitions_are_checked_too() {
        let old = json!({ "$defs": { "Line": schema(json!({ "sku": { "type": "string" } }), &["sku"]) } });
        let new = json!({ "$defs": { "Line": schema(json!({}), &[]) } });
        assert_eq!(breaking_changes(&old, &new), vec!["property Line.sku removed".to_owned()]);
    }
}
