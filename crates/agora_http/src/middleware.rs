//! The middleware stack around every request: request id (accepted from the caller or made here, echoed
//! back and put on the request's span), trace span, metrics, body limit, timeout and panic catching — each
//! failure answered with problem+json.

use std::time::Duration;

use agora_core::ErrorKind;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::Problem;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Limits applied to every request.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    pub body_limit_bytes: usize,
    pub request_timeout: Duration,
}

#[derive(Clone, Copy)]
struct MakeUuidV7;

impl MakeRequestId for MakeUuidV7 {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        agora_core::new_id().to_string().parse().ok().map(RequestId::new)
    }
}

/// Wraps `router` in the standard stack.
pub fn apply(router: Router, limits: &HttpLimits) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
        let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
        let span =
            tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request.id = %id);
        // A call from another service (or a traced client) continues its trace.
        if let Some(traceparent) = request.headers().get(agora_bus::trace::TRACEPARENT).and_then(|v| v.to_str().ok()) {
            agora_bus::trace::continue_trace(&span, traceparent);
        }
        span
    });
    router
        .layer(DefaultBodyLimit::max(limits.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, limits.request_timeout))
        .layer(axum::middleware::from_fn(problem_for_bare_errors))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeUuidV7))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(|_panic| {
                    tracing::error!("request handler panicked");
                    Problem::new(ErrorKind::Internal, "internal", None).into_response()
                })),
        )
        // Outermost, so requests that time out (504) or panic (500) are counted and timed too.
        .layer(axum::middleware::from_fn(crate::metrics::track))
}

/// Turns the framework's plain-text rejections (404 for an unknown route, 405, 413 for an oversized body,
/// a gateway timeout) into problem+json, so clients see one error shape everywhere.
async fn problem_for_bare_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(request).await;
    let is_problem = response.headers().get(axum::http::header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"application/problem+json") || v.as_bytes().starts_with(b"text/html")
    });
    if is_problem || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let status = response.status();
    let (kind, code) = match status {
        StatusCode::NOT_FOUND => (ErrorKind::NotFound, "not_found"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorKind::Invalid, "method_not_allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorKind::Invalid, "body_too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (ErrorKind::Invalid, "unsupported_media_type"),
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => (ErrorKind::Invalid, "malformed_request"),
        StatusCode::GATEWAY_TIMEOUT => (ErrorKind::Unavailable, "timeout"),
        _ => return response,
    };
    // The framework's rejection text says what was wrong (a missing field, bad JSON); keep it as detail.
    let body = axum::body::to_bytes(response.into_body(), 2048).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_owned();
    let detail = if text.is_empty() { status.canonical_reason().unwrap_or("error").to_lowercase() } else { text };
    let mut problem = Problem::new(kind, code, Some(detail));
    problem.status = status.as_u16();
    problem.into_response()
}
