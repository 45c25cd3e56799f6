//! Everything that can go wrong in the cart, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, AuthError, FieldError, Problem};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    #[error("sign in, or send the X-Cart-Token header of a guest cart")]
    NoShopper,
    #[error("no such cart: it expired, was merged into a buyer's cart, or never existed; start a new one")]
    CartNotFound,
    #[error("no such product for sale")]
    ProductNotFound,
    #[error("this is your own product; sellers cannot buy from their own shop")]
    OwnProduct,
    #[error("not enough stock of {title:?} ({requested} wanted, {available} available)")]
    InsufficientStock { product_id: Uuid, title: String, requested: u32, available: i64 },
    #[error("the cart holds at most {0} different products; remove one first")]
    CartFull(u32),
    #[error("the catalog cannot be reached; try again shortly")]
    CatalogUnavailable,
    #[error("carts cannot be reached; try again shortly")]
    StoreUnavailable(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for CartError {
    fn from(err: sqlx::Error) -> Self {
        CartError::Db(err.into())
    }
}

impl CartError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> CartError {
        CartError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl ApiError for CartError {
    fn kind(&self) -> ErrorKind {
        use CartError::*;
        match self {
            Invalid(_) => ErrorKind::Invalid,
            NoShopper => ErrorKind::Unauthenticated,
            CartNotFound | ProductNotFound => ErrorKind::NotFound,
            OwnProduct | InsufficientStock { .. } | CartFull(_) => ErrorKind::Conflict,
            CatalogUnavailable | StoreUnavailable(_) => ErrorKind::Unavailable,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use CartError::*;
        match self {
            Invalid(_) => "invalid_input",
            NoShopper => "unauthenticated",
            CartNotFound => "cart_not_found",
            ProductNotFound => "product_not_found",
            OwnProduct => "own_product",
            InsufficientStock { .. } => "insufficient_stock",
            CartFull(_) => "cart_full",
            CatalogUnavailable => "catalog_unavailable",
            StoreUnavailable(_) => "store_unavailable",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            CartError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        if let CartError::InsufficientStock { product_id, requested, available, .. } = self {
            map.insert("product_id".into(), serde_json::json!(product_id));
            map.insert("requested".into(), serde_json::json!(requested));
            map.insert("available".into(), serde_json::json!(available));
        }
        map
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            CartError::Db(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for CartError {
    fn into_response(self) -> Response {
        if let CartError::Auth(err) = self {
            return err.into_response();
        }
        if let CartError::StoreUnavailable(reason) = &self {
            // The reason names hosts; it is logged, not shown.
            tracing::warn!(error = %reason, "cart storage unavailable");
        }
        let mut response = Problem::from_error(&self).into_response();
        if matches!(self, CartError::NoShopper) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
