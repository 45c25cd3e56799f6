//! A service built from its domain, routes, migrations and handler runs on both backend pairs: requests
//! change state, its events flow through the outbox to its consumer, and bad input gets problem+json.

use std::sync::Arc;
use std::time::Duration;

use agora_testkit::{Backends, TestApp};
use serde_json::{Value, json};

use crate::notes::NotesService;

async fn a_service_is_its_parts_and_nothing_else(backends: Backends) {
    let Some(app) = TestApp::builder().service(Arc::new(NotesService)).backends(backends).start().await else { return };

    let created: Value = app
        .client
        .post(app.url("/api/notes/notes"))
        .json(&json!({ "title": "first" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let shown: Value =
        app.client.get(app.url(&format!("/api/notes/notes/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(shown["title"], "first");
    for n in 0..4 {
        let response = app
            .client
            .post(app.url("/api/notes/notes"))
            .json(&json!({ "title": format!("n{n}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    // The service's own consumer sees every event once, through outbox, bus and inbox.
    wait_for_count(&app, 5).await;

    // The bus reports what it did.
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("agora_bus_outbox_published_total{service=\"notes\"}"), "{metrics}");
    assert!(
        metrics.contains("agora_bus_consumer_events_total{group=\"notes.counter\",outcome=\"processed\"}"),
        "{metrics}"
    );

    // Failure paths answer problem+json with stable codes.
    let invalid = app.client.post(app.url("/api/notes/notes")).json(&json!({ "title": " " })).send().await.unwrap();
    assert_eq!(invalid.status(), 422);
    assert_eq!(invalid.headers()["content-type"], "application/problem+json");
    let body: Value = invalid.json().await.unwrap();
    assert_eq!(body["code"], "invalid_note");
    assert_eq!(body["errors"][0]["field"], "title");
    let missing = app.client.get(app.url(&format!("/api/notes/notes/{}", uuid::Uuid::now_v7()))).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await.unwrap()["code"], "note_not_found");

    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    let checks: Vec<&str> = body["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(checks, ["database:notes", "bus"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_and_the_embedded_log() {
    a_service_is_its_parts_and_nothing_else(Backends::EMBEDDED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_and_kafka() {
    a_service_is_its_parts_and_nothing_else(Backends::PRODUCTION).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_requests_in_flight() {
    let app = TestApp::builder().service(Arc::new(NotesService)).start().await.unwrap();
    let request = tokio::spawn(app.client.get(app.url("/api/notes/slow")).send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base = app.base_url.clone();
    app.stop().await;
    let response = request.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "done");
    // And the listener is closed afterwards.
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_written_before_a_restart_are_delivered_after_it() {
    // Stop the app right after writes, before the relay could publish everything; start it again on
    // the same data directory: the outbox and the log resume.
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let start = || {
        TestApp::builder()
            .service(Arc::new(NotesService))
            .set("data_dir", data_dir.clone())
            .set("bus.topic_prefix", "restart.")
            .start()
    };
    let app = start().await.unwrap();
    for n in 0..20 {
        app.client.post(app.url("/api/notes/notes")).json(&json!({ "title": format!("n{n}") })).send().await.unwrap();
    }
    app.stop().await;
    let app = start().await.unwrap();
    wait_for_count(&app, 20).await;
    app.stop().await;
}

async fn created_count(app: &TestApp) -> i64 {
    let stats: Value = app.client.get(app.url("/api/notes/stats")).send().await.unwrap().json().await.unwrap();
    stats["created"].as_i64().unwrap()
}

async fn wait_for_count(app: &TestApp, expected: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while created_count(app).await != expected {
        assert!(tokio::time::Instant::now() < deadline, "count is {}, expected {expected}", created_count(app).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replay_command_brings_a_dead_letter_back() {
    let app = TestApp::builder()
        .service(Arc::new(NotesService))
        .set("bus.topic_prefix", "dlqtest.")
        .set("consumer.max_attempts", "2")
        .set("consumer.initial_backoff_ms", "10")
        .start()
        .await
        .unwrap();
    for title in ["poison pill", "fine"] {
        let response =
            app.client.post(app.url("/api/notes/notes")).json(&json!({ "title": title })).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    // The poisoned event is dead-lettered; the one after it is applied.
    wait_for_count(&app, 1).await;
    crate::notes::POISON_FAILS.store(false, std::sync::atomic::Ordering::SeqCst);

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(["dlq", "replay", "--topic", "notes.notes", "--idle-secs", "2", "--data-dir"])
        .arg(app.data_dir())
        .env("AGORA_BUS__TOPIC_PREFIX", "dlqtest.")
        .env_remove("AGORA_BUS__BACKEND")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("replayed 1 dead letter(s) of notes.notes"), "{stdout}");
    wait_for_count(&app, 2).await;
    app.stop().await;
}
