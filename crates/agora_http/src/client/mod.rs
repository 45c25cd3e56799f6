//! Calling another service's REST API (from storefront pages and from services): one HTTP client per
//! service with the configured timeout, and its answers sorted into success, a problem+json the caller can
//! explain, or "unavailable".

pub mod catalog;

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// What a service answered instead of success.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// A problem+json answer.
    #[error("{}", .0.detail.clone().unwrap_or_else(|| .0.code.clone()))]
    Problem(Problem),
    /// The service could not be reached or answered nonsense.
    #[error("{0}")]
    Unavailable(String),
}

impl ClientError {
    /// The problem's stable code, if the service answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Problem(problem) => Some(&problem.code),
            ClientError::Unavailable(_) => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Problem {
    pub status: u16,
    pub code: String,
    pub detail: Option<String>,
    #[serde(default)]
    pub errors: Vec<FieldProblem>,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// One page of a cursor-paginated list.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The base URL of one service and the HTTP client that calls it.
#[derive(Clone)]
pub struct ServiceClient {
    service: &'static str,
    base: String,
    http: reqwest::Client,
}

impl ServiceClient {
    pub fn new(service: &'static str, base: String, timeout: Duration) -> ServiceClient {
        let http = reqwest::Client::builder().timeout(timeout).build().unwrap_or_else(|_| reqwest::Client::new());
        ServiceClient { service, base, http }
    }

    /// A request to `path` under the service's base URL, with the visitor's token if given.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        // The call continues the caller's trace in the other service.
        if let Some(traceparent) = agora_bus::trace::current_traceparent() {
            request = request.header(agora_bus::trace::TRACEPARENT, traceparent);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// Sends `request`; a success body is read as `T` (an empty 204 as JSON `null`).
    pub async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        let unavailable = |reason: String| {
            tracing::warn!(service = self.service, %reason, "a call to another service failed");
            ClientError::Unavailable(format!("{} is unavailable: {reason}", self.service))
        };
        let response = request.send().await.map_err(|e| unavailable(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            let body = if status == StatusCode::NO_CONTENT {
                b"null".to_vec()
            } else {
                response.bytes().await.map_err(|e| unavailable(e.to_string()))?.to_vec()
            };
            return serde_json::from_slice(&body).map_err(|e| unavailable(format!("unreadable answer: {e}")));
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        if status.is_server_error() {
            return Err(unavailable(format!("status {status}")));
        }
        let mut problem: Problem =
            response.json().await.map_err(|e| unavailable(format!("status {status} without a problem body: {e}")))?;
        problem.retry_after = retry_after;
        Err(ClientError::Problem(problem))
    }
}
