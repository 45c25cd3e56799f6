//! The HTTP plumbing every service gets: health, metrics, request ids, and problem+json for the
//! framework's own rejections.

use std::sync::Arc;

use agora_testkit::TestApp;
use serde_json::Value;

use crate::notes::NotesService;

async fn app() -> TestApp {
    TestApp::builder().service(Arc::new(NotesService)).set("http.body_limit_bytes", "1024").start().await.unwrap()
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = app().await;
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));
    app.client.get(app.url("/api/notes/stats")).send().await.unwrap();
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("agora_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/api/notes/stats\""), "{metrics}");
    app.stop().await;
}

#[tokio::test]
async fn a_caller_request_id_is_echoed() {
    let app = app().await;
    let response = app.client.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
    app.stop().await;
}

#[tokio::test]
async fn framework_rejections_are_problem_json() {
    let app = app().await;
    let unknown = app.client.get(app.url("/api/nowhere")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.headers()["content-type"], "application/problem+json");
    assert_eq!(unknown.json::<Value>().await.unwrap()["code"], "not_found");

    let too_big = app
        .client
        .post(app.url("/api/notes/notes"))
        .header("content-type", "application/json")
        .body(format!("{{\"title\":\"{}\"}}", "x".repeat(4096)))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);
    assert_eq!(too_big.json::<Value>().await.unwrap()["code"], "body_too_large");

    let malformed = app
        .client
        .post(app.url("/api/notes/notes"))
        .header("content-type", "application/json")
        .body("{\"title\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["code"], "malformed_request");
    assert!(body["detail"].as_str().unwrap().len() > 5);

    let wrong_method = app.client.delete(app.url("/api/notes/stats")).send().await.unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(wrong_method.json::<Value>().await.unwrap()["code"], "method_not_allowed");
    app.stop().await;
}

#[tokio::test]
async fn a_request_over_its_time_limit_gets_a_problem() {
    let app =
        TestApp::builder().service(Arc::new(NotesService)).set("http.request_timeout_secs", "1").start().await.unwrap();
    let response = app.client.get(app.url("/api/notes/slow")).send().await.unwrap();
    assert_eq!(response.status(), 504);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "timeout");
    // The timed-out request is counted, under its route and its 504.
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.lines().any(|l| l.starts_with("agora_http_requests_total")
            && l.contains("route=\"/api/notes/slow\"")
            && l.contains("status=\"504\"")),
        "{metrics}"
    );
    app.stop().await;
}
