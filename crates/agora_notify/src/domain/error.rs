//! Everything that can go wrong in notify, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, AuthError, FieldError, Problem};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    /// Unknown, or another user's (the two are never told apart).
    #[error("no such notification")]
    NotificationNotFound,
    #[error("the page cursor is not valid for this list; start from the first page")]
    BadCursor,
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error(transparent)]
    Event(#[from] agora_bus::EmitError),
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for NotifyError {
    fn from(err: sqlx::Error) -> Self {
        NotifyError::Db(err.into())
    }
}

impl NotifyError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> NotifyError {
        NotifyError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl ApiError for NotifyError {
    fn kind(&self) -> ErrorKind {
        use NotifyError::*;
        match self {
            Invalid(_) | BadCursor => ErrorKind::Invalid,
            NotificationNotFound => ErrorKind::NotFound,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use NotifyError::*;
        match self {
            Invalid(_) => "invalid_input",
            NotificationNotFound => "notification_not_found",
            BadCursor => "bad_cursor",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            NotifyError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            NotifyError::Db(err) => err.retry_after(),
            NotifyError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for NotifyError {
    fn into_response(self) -> Response {
        if let NotifyError::Auth(err) = self {
            return err.into_response();
        }
        Problem::from_error(&self).into_response()
    }
}
