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
    /// Whether the instance cannot serve without it.
    #[serde(skip)]
    critical: bool,
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
    // The broker being away does not stop a service from answering: the outbox keeps its events until the
    // broker is back. Readiness says so ("degraded") but keeps the instance in its Service, so a broker outage
    // delays events instead of taking every page down.
    let bus = tokio::time::timeout(LIMIT, readiness.bus.ping()).await;
    let mut bus = check("bus".to_owned(), bus.map(|r| r.map_err(|e| e.to_string())));
    bus.critical = false;
    checks.push(bus);
    for (name, probe) in &readiness.others {
        checks.push(check(name.clone(), tokio::time::timeout(LIMIT, probe()).await));
    }
    let (status, verdict) = verdict(&checks);
    (status, Json(serde_json::json!({ "status": verdict, "checks": checks })))
}

/// Ready while every critical check passes; degraded when only others fail.
fn verdict(checks: &[Check]) -> (StatusCode, &'static str) {
    if checks.iter().any(|c| c.critical && !c.ok) {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    } else if checks.iter().any(|c| !c.ok) {
        (StatusCode::OK, "degraded")
    } else {
        (StatusCode::OK, "ready")
    }
}

/// Readiness is public, so a failed check says only that it failed; the cause goes to the log.
fn check(name: String, result: Result<Result<(), String>, tokio::time::error::Elapsed>) -> Check {
    match result {
        Ok(Ok(())) => Check { name, ok: true, critical: true, error: None },
        Ok(Err(error)) => {
            tracing::warn!(check = %name, %error, "readiness check failed");
            Check { name, ok: false, critical: true, error: Some("unavailable".to_owned()) }
        }
        Err(_) => {
            tracing::warn!(check = %name, "readiness check timed out");
            Check { name, ok: false, critical: true, error: Some("timed out".to_owned()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(name: &str, ok: bool, critical: bool) -> Check {
        Check { name: name.to_owned(), ok, critical, error: None }
    }

    #[test]
    fn only_a_failed_critical_check_makes_an_instance_unready() {
        let all_ok = [checked("database:catalog", true, true), checked("bus", true, false)];
        assert_eq!(verdict(&all_ok), (StatusCode::OK, "ready"));
        let broker_away = [checked("database:catalog", true, true), checked("bus", false, false)];
        assert_eq!(verdict(&broker_away), (StatusCode::OK, "degraded"));
        let database_away = [checked("database:catalog", false, true), checked("bus", true, false)];
        assert_eq!(verdict(&database_away), (StatusCode::SERVICE_UNAVAILABLE, "unavailable"));
    }
}
