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
fn exporting_refuses_an_incompatible_change_to_an_event_schema() {
    let dir = tempfile::tempdir().unwrap();
    let files = agora::commands::schema_files();
    for (path, contents) in &files {
        std::fs::create_dir_all(dir.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(path), contents).unwrap();
    }
    assert!(agora::commands::breaking_schema_changes(dir.path(), &files).is_empty());

    // Pretend the checked-in envelope had a property the code no longer has.
    let path = dir.path().join("events/envelope.schema.json");
    let mut old: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    old["properties"]["legacy"] = serde_json::json!({ "type": "string" });
    std::fs::write(&path, old.to_string()).unwrap();
    let breaking = agora::commands::breaking_schema_changes(dir.path(), &files);
    assert_eq!(breaking, vec!["events/envelope.schema.json: property legacy removed".to_owned()]);

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(["schemas", "export", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("property legacy removed"));
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

#[tokio::test]
async fn each_service_serves_the_openapi_document_that_is_checked_in() {
    let app = agora_testkit::TestApp::builder().services("identity").start().await.unwrap();
    let served: serde_json::Value =
        app.client.get(app.url("/api/identity/openapi.json")).send().await.unwrap().json().await.unwrap();
    let checked_in = agora::commands::schema_files().remove("openapi/identity.json").unwrap();
    assert_eq!(served, serde_json::from_str::<serde_json::Value>(&checked_in).unwrap());
    assert!(served["paths"]["/sessions"]["post"].is_object(), "sign-in is documented");
}
