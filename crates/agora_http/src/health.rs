//! `/healthz` (the process is alive), `/readyz` (every database, the bus and the dependencies services name
//! answer) and `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use agora_bus::Bus;
use agora_db::Db;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// What readiness checks.
#[derive(Clone)]
pub struct Readiness {
    pub databases: Vec<(String, Db)>,
    pub bus: Bus,
    pub others: Vec<crate::service::ReadinessCheck>,
}

#[derive(Serialize)]
struct Check {
    name: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The health routes, for the root router.
pub fn routes(readiness: Readiness) -> Router {
    let metrics = crate::metrics::recorder();
    Router::new()
        .route("/healthz", get(|| async { Json(serde_json::json!({ "status": "ok" })) }))
        .route("/readyz", get(ready).with_state(Arc::new(readiness)))
        .route(
            "/metrics",
            get(move || {
                let body = metrics.render();
                async move { ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body) }
            }),
        )
}

async fn ready(State(readiness): State<Arc<Readiness>>) -> impl IntoResponse {
    const LIMIT: Duration = Duration::from_secs(2);
    let mut checks = Vec::new();
    for (name, db) in &readiness.databases {
        let result = tokio::time::timeout(LIMIT, db.ping()).await;
        checks.push(check(format!("database:{name}"), result.map(|r| r.map_err(|e| e.to_string()))));
    }
    let bus = tokio::time::timeout(LIMIT, readiness.bus.ping()).await;
    checks.push(check("bus".to_owned(), bus.map(|r| r.map_err(|e| e.to_string()))));
    for (name, probe) in &readiness.others {
        checks.push(check(name.clone(), tokio::time::timeout(LIMIT, probe()).await));
    }
    let ok = checks.iter().all(|c| c.ok);
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(serde_json::json!({ "status": if ok { "ready" } else { "unavailable" }, "checks": checks })))
}

/// Readiness is public, so a failed check says only that it failed; the cause goes to the log.
fn check(name: String, result: Result<Result<(), String>, tokio::time::error::Elapsed>) -> Check {
    match result {
        Ok(Ok(())) => Check { name, ok: true, error: None },
        Ok(Err(error)) => {
            tracing::warn!(check = %name, %error, "readiness check failed");
            Check { name, ok: false, error: Some("unavailable".to_owned()) }
        }
        Err(_) => {
            tracing::warn!(check = %name, "readiness check timed out");
            Check { name, ok: false, error: Some("timed out".to_owned()) }
        }
    }
}
