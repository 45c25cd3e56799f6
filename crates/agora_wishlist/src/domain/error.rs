//! Everything that can go wrong in the wishlist, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, AuthError, FieldError, Problem};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WishlistError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    #[error("no such product")]
    ProductNotFound,
    #[error("a wishlist holds at most {0} products; remove one first")]
    WishlistFull(u32),
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

impl From<sqlx::Error> for WishlistError {
    fn from(err: sqlx::Error) -> Self {
        WishlistError::Db(err.into())
    }
}

impl WishlistError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> WishlistError {
        WishlistError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl ApiError for WishlistError {
    fn kind(&self) -> ErrorKind {
        use WishlistError::*;
        match self {
            Invalid(_) | BadCursor => ErrorKind::Invalid,
            ProductNotFound => ErrorKind::NotFound,
            WishlistFull(_) => ErrorKind::Conflict,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use WishlistError::*;
        match self {
            Invalid(_) => "invalid_input",
            ProductNotFound => "product_not_found",
            WishlistFull(_) => "wishlist_full",
            BadCursor => "bad_cursor",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            WishlistError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        if let WishlistError::WishlistFull(max) = self {
            map.insert("max_items".into(), serde_json::json!(max));
        }
        map
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            WishlistError::Db(err) => err.retry_after(),
            WishlistError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for WishlistError {
    fn into_response(self) -> Response {
        if let WishlistError::Auth(err) = self {
            return err.into_response();
        }
        Problem::from_error(&self).into_response()
    }
}
