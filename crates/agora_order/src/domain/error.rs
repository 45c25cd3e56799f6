//! Everything that can go wrong in the order service, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, FieldError, Problem};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

/// A cart line that cannot be bought.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnavailableLine {
    pub product_id: Uuid,
    /// Empty when the product is unknown.
    pub title: String,
    /// `not_for_sale` (hidden, deleted or unknown) or `own_product`.
    pub reason: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    #[error("send an Idempotency-Key header (1 to 100 visible characters) with each new checkout")]
    IdempotencyKey,
    #[error("your cart is empty")]
    CartEmpty,
    #[error("the cart service is unavailable; try again in a moment")]
    CartUnavailable(String),
    #[error("{}", unavailable_detail(.0))]
    ProductsUnavailable(Vec<UnavailableLine>),
    #[error("no such address")]
    AddressNotFound,
    #[error("you can keep at most {0} addresses; delete one first")]
    TooManyAddresses(usize),
    #[error("no such checkout")]
    CheckoutNotFound,
    #[error("no such order")]
    OrderNotFound,
    #[error("the checkout is {from}; it cannot take the step {step}")]
    IllegalTransition { from: &'static str, step: &'static str },
    #[error("the order is {status}; it cannot be {}", past(action))]
    OrderState { status: &'static str, action: &'static str },
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("the page cursor is not valid for this list; start from the first page")]
    BadCursor,
    #[error(transparent)]
    Auth(#[from] agora_http::AuthError),
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error(transparent)]
    Event(#[from] agora_bus::EmitError),
    #[error("{0}")]
    Internal(String),
}

fn past(action: &str) -> &'static str {
    match action {
        "ship" => "shipped",
        "deliver" => "marked delivered",
        "cancel" => "cancelled",
        _ => "refunded",
    }
}

fn unavailable_detail(lines: &[UnavailableLine]) -> String {
    let named: Vec<String> = lines
        .iter()
        .map(|l| {
            let what = if l.title.is_empty() { l.product_id.to_string() } else { format!("{:?}", l.title) };
            match l.reason {
                "own_product" => format!("{what} (your own product)"),
                _ => format!("{what} (no longer for sale)"),
            }
        })
        .collect();
    format!("remove from your cart what cannot be bought: {}", named.join(", "))
}

impl From<sqlx::Error> for OrderError {
    fn from(err: sqlx::Error) -> Self {
        OrderError::Db(err.into())
    }
}

impl ApiError for OrderError {
    fn kind(&self) -> ErrorKind {
        use OrderError::*;
        match self {
            Invalid(_) | IdempotencyKey | BadCursor => ErrorKind::Invalid,
            CartEmpty | ProductsUnavailable(_) | TooManyAddresses(_) | IllegalTransition { .. } | OrderState { .. } => {
                ErrorKind::Conflict
            }
            Forbidden(_) => ErrorKind::Forbidden,
            AddressNotFound | CheckoutNotFound | OrderNotFound => ErrorKind::NotFound,
            CartUnavailable(_) => ErrorKind::Unavailable,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use OrderError::*;
        match self {
            Invalid(_) => "invalid_input",
            IdempotencyKey => "idempotency_key_required",
            CartEmpty => "cart_empty",
            CartUnavailable(_) => "cart_unavailable",
            ProductsUnavailable(_) => "products_unavailable",
            AddressNotFound => "address_not_found",
            TooManyAddresses(_) => "too_many_addresses",
            CheckoutNotFound => "checkout_not_found",
            OrderNotFound => "order_not_found",
            IllegalTransition { .. } | OrderState { .. } => "illegal_transition",
            Forbidden(_) => "forbidden",
            BadCursor => "bad_cursor",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            OrderError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        match self {
            OrderError::ProductsUnavailable(lines) => {
                map.insert("unavailable_lines".into(), serde_json::to_value(lines).unwrap_or_default());
            }
            OrderError::OrderState { status, .. } => {
                map.insert("current_status".into(), (*status).into());
            }
            _ => {}
        }
        map
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            OrderError::Db(err) => err.retry_after(),
            OrderError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for OrderError {
    fn into_response(self) -> Response {
        Problem::from_error(&self).into_response()
    }
}
