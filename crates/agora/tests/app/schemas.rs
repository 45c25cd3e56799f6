//! The checked-in schemas in `schemas/` are what the code generates.

use std::path::Path;

#[test]
fn checked_in_schemas_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let files = agora::commands::schema_files();
    let stale = agora::commands::stale_schema_files(&dir, &files);
    assert!(stale.is_empty(), "stale schema files, run `cargo run -- schemas export`: {stale:?}");
}

#[test]
fn the_envelope_schema_requires_the_cloudevents_attributes() {
    let files = agora::commands::schema_files();
    let envelope: serde_json::Value = serde_json::from_str(&files["events/envelope.schema.json"]).unwrap();
    let required: Vec<&str> = envelope["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for attribute in ["specversion", "id", "source", "type", "subject", "time", "data"] {
        assert!(required.contains(&attribute), "{attribute} is not required");
    }
}
