//! Everything that can go wrong in chat, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, AuthError, FieldError, Problem};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    /// No such conversation, or the caller is not one of its two participants: the same answer, so a
    /// conversation's existence is never revealed.
    #[error("no such conversation")]
    ConversationNotFound,
    #[error("no such product for sale")]
    ProductNotFound,
    #[error("this is your own product: buyers start conversations with its seller")]
    OwnProduct,
    #[error("the catalog cannot be reached right now, so the product's seller is unknown; try again shortly")]
    CatalogUnavailable,
    #[error("You are sending messages too fast; try again in {0} seconds.")]
    RateLimited(u64),
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

impl From<sqlx::Error> for ChatError {
    fn from(err: sqlx::Error) -> Self {
        ChatError::Db(err.into())
    }
}

impl ChatError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> ChatError {
        ChatError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl ApiError for ChatError {
    fn kind(&self) -> ErrorKind {
        use ChatError::*;
        match self {
            Invalid(_) | BadCursor | OwnProduct => ErrorKind::Invalid,
            ConversationNotFound | ProductNotFound => ErrorKind::NotFound,
            CatalogUnavailable => ErrorKind::Unavailable,
            RateLimited(_) => ErrorKind::RateLimited,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use ChatError::*;
        match self {
            Invalid(_) => "invalid_input",
            ConversationNotFound => "conversation_not_found",
            ProductNotFound => "product_not_found",
            OwnProduct => "own_product",
            CatalogUnavailable => "catalog_unavailable",
            RateLimited(_) => "rate_limited",
            BadCursor => "bad_cursor",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ChatError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        if let ChatError::RateLimited(secs) = self {
            map.insert("retry_after_secs".into(), serde_json::json!(secs));
        }
        map
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ChatError::RateLimited(secs) => Some(*secs),
            ChatError::Db(err) => err.retry_after(),
            ChatError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for ChatError {
    fn into_response(self) -> Response {
        if let ChatError::Auth(err) = self {
            return err.into_response();
        }
        Problem::from_error(&self).into_response()
    }
}
