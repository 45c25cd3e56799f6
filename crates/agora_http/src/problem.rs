//! RFC 9457 `application/problem+json` errors.
//!
//! Every service error enum implements [`ApiError`] (its kind and a stable snake_case code) and turns into
//! a response with [`Problem::from_error`]. Internal errors show a fixed message; their detail is logged
//! once, inside the request's span.

use agora_core::ErrorKind;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// What a service error tells the HTTP layer.
pub trait ApiError: std::error::Error {
    fn kind(&self) -> ErrorKind;
    /// A stable, snake_case identifier clients can match on.
    fn code(&self) -> &'static str;
    /// Field-level details of a validation error.
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
    /// Extension members of the problem (RFC 9457 §3.2), such as the short lines of a stock hold.
    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }
    /// Seconds after which a rate-limited request may be retried.
    fn retry_after(&self) -> Option<u64> {
        None
    }
}

/// Storage failures: a busy or unreachable database is a 503 the client may retry, any other failure an
/// internal error.
impl ApiError for agora_db::DbError {
    fn kind(&self) -> ErrorKind {
        if self.is_busy() { ErrorKind::Unavailable } else { ErrorKind::Internal }
    }

    fn code(&self) -> &'static str {
        if self.is_busy() { "storage_busy" } else { "internal" }
    }

    fn retry_after(&self) -> Option<u64> {
        self.is_busy().then_some(1)
    }
}

/// An event that could not be stored with the change: storage's answer when storage failed, otherwise an
/// internal error (an event over the bus's size limit is the code's fault, not the client's).
impl ApiError for agora_bus::EmitError {
    fn kind(&self) -> ErrorKind {
        match self {
            agora_bus::EmitError::Db(err) => err.kind(),
            agora_bus::EmitError::TooLarge { .. } => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            agora_bus::EmitError::Db(err) => err.code(),
            agora_bus::EmitError::TooLarge { .. } => "internal",
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            agora_bus::EmitError::Db(err) => err.retry_after(),
            agora_bus::EmitError::TooLarge { .. } => None,
        }
    }
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }

    /// `field: message; …`, for people reading a terminal or a log.
    pub fn explain(fields: &[FieldError]) -> String {
        fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
    }
}

/// A problem details body (RFC 9457).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extension members, specific to the problem's `code`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(kind: ErrorKind, code: &str, detail: Option<String>) -> Problem {
        Problem {
            type_uri: format!("https://agora.dev/problems/{code}"),
            title: title(kind).to_owned(),
            status: kind.status(),
            code: code.to_owned(),
            detail,
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
            retry_after: None,
        }
    }

    /// The problem for a service error; internal errors are logged here and shown without detail.
    pub fn from_error<E: ApiError + ?Sized>(err: &E) -> Problem {
        let kind = err.kind();
        let detail = match kind {
            ErrorKind::Internal => {
                tracing::error!(error = %err, error.code = err.code(), "request failed");
                None
            }
            // A dependency that did not answer is the operator's to know about, not only the client's.
            ErrorKind::Unavailable => {
                tracing::warn!(error = %err, error.code = err.code(), "request could not be served now");
                Some(err.to_string())
            }
            _ => Some(err.to_string()),
        };
        Problem {
            errors: err.field_errors(),
            extensions: err.extensions(),
            retry_after: err.retry_after(),
            ..Problem::new(kind, err.code(), detail)
        }
    }

    pub fn not_found() -> Problem {
        Problem::new(ErrorKind::NotFound, "not_found", Some("no such resource".to_owned()))
    }
}

fn title(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Invalid => "The request is invalid",
        ErrorKind::Unauthenticated => "Authentication required",
        ErrorKind::Forbidden => "Not allowed",
        ErrorKind::NotFound => "Not found",
        ErrorKind::Conflict => "Conflict with the current state",
        ErrorKind::RateLimited => "Too many requests",
        ErrorKind::Unavailable => "Temporarily unavailable",
        ErrorKind::Internal => "Internal error",
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum SampleError {
        #[error("title is too long")]
        Invalid,
        #[error("connection string postgres://secret leaked")]
        Broken,
    }

    impl ApiError for SampleError {
        fn kind(&self) -> ErrorKind {
            match self {
                SampleError::Invalid => ErrorKind::Invalid,
                SampleError::Broken => ErrorKind::Internal,
            }
        }
        fn code(&self) -> &'static str {
            match self {
                SampleError::Invalid => "invalid_product",
                SampleError::Broken => "internal",
            }
        }
        fn field_errors(&self) -> Vec<FieldError> {
            vec![FieldError::new("title", "at most 200 characters")]
        }
    }

    #[test]
    fn validation_errors_carry_code_status_and_fields() {
        let problem = Problem::from_error(&SampleError::Invalid);
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["status"], 422);
        assert_eq!(json["code"], "invalid_product");
        assert_eq!(json["errors"][0]["field"], "title");
        assert_eq!(json["detail"], "title is too long");
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let problem = Problem::from_error(&SampleError::Broken);
        assert_eq!(problem.status, 500);
        assert!(problem.detail.is_none());
        let response = problem.into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/problem+json");
    }

    #[test]
    fn a_busy_database_is_a_503_to_retry_and_any_other_storage_failure_an_internal_error() {
        let busy = Problem::from_error(&agora_db::DbError::from(sqlx::Error::PoolTimedOut));
        assert_eq!((busy.status, busy.code.as_str(), busy.retry_after), (503, "storage_busy", Some(1)));
        assert!(busy.detail.as_deref().is_some_and(|d| d.contains("try again shortly")), "{busy:?}");
        let response = busy.into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");

        let broken = Problem::from_error(&agora_db::DbError::from(sqlx::Error::RowNotFound));
        assert_eq!((broken.status, broken.code.as_str(), broken.detail), (500, "internal", None));

        // The same when the event written with a change could not be stored.
        let event = Problem::from_error(&agora_bus::EmitError::Db(sqlx::Error::PoolTimedOut.into()));
        assert_eq!((event.status, event.code.as_str()), (503, "storage_busy"));
        let too_large = Problem::from_error(&agora_bus::EmitError::TooLarge { event_type: "x".into(), bytes: 1 });
        assert_eq!((too_large.status, too_large.code.as_str()), (500, "internal"));
    }
}
