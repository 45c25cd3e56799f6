//! Everything that can go wrong in catalog, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_events::catalog::ShortLine;
use agora_http::{ApiError, FieldError, Problem};
use agora_media::MediaError;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    #[error("no such product")]
    ProductNotFound,
    #[error("no such category")]
    CategoryNotFound,
    #[error("no such image")]
    ImageNotFound,
    #[error("no such hold")]
    HoldNotFound,
    #[error("no such review")]
    ReviewNotFound,
    #[error("only a buyer whose order of this product was delivered may review it")]
    ReviewNotAllowed,
    #[error("you have reviewed this product already; edit your review instead")]
    AlreadyReviewed,
    #[error("this review has a reply already")]
    AlreadyReplied,
    #[error("this product belongs to another seller")]
    NotOwner,
    #[error("your shop is suspended; products cannot be listed or changed")]
    SellerSuspended,
    #[error("an admin hid this product: {0}")]
    HiddenByAdmin(String),
    #[error("a category with this name already exists here")]
    CategoryNameTaken,
    #[error("the category still has subcategories; move or delete them first")]
    CategoryHasChildren,
    #[error("the category still has products; move them first")]
    CategoryHasProducts,
    #[error("a category cannot move under itself or its own subcategories")]
    CategoryCycle,
    #[error("categories nest at most {0} levels deep")]
    CategoryTooDeep(usize),
    #[error("a product has at most {0} images; remove one first")]
    TooManyImages(usize),
    #[error("{}", short_detail(.0))]
    InsufficientStock(Vec<ShortLine>, Uuid),
    #[error("this hold id was already used for other lines; use a new id for a new hold")]
    HoldIdReused,
    #[error("the hold is {0}")]
    HoldNotActive(&'static str),
    #[error("you are holding {0} units or more already; finish or release a checkout first")]
    HoldLimit(i64),
    #[error("the page cursor is not valid for this list; start from the first page")]
    BadCursor,
    #[error("{0}")]
    Image(MediaError),
    #[error(transparent)]
    Auth(#[from] agora_http::AuthError),
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error(transparent)]
    Event(#[from] agora_bus::EmitError),
    #[error("{0}")]
    Internal(String),
}

fn short_detail(lines: &[ShortLine]) -> String {
    let named: Vec<String> =
        lines.iter().map(|l| format!("{:?} ({} requested, {} available)", l.title, l.requested, l.available)).collect();
    format!("not enough stock of {}", named.join(", "))
}

impl From<sqlx::Error> for CatalogError {
    fn from(err: sqlx::Error) -> Self {
        CatalogError::Db(err.into())
    }
}

impl From<MediaError> for CatalogError {
    fn from(err: MediaError) -> Self {
        CatalogError::Image(err)
    }
}

impl CatalogError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> CatalogError {
        CatalogError::Invalid(vec![FieldError::new(field, message)])
    }

    /// The error with its field messages, for a terminal or a log.
    pub fn explain(&self) -> String {
        match self {
            CatalogError::Invalid(fields) => FieldError::explain(fields),
            other => other.to_string(),
        }
    }
}

impl ApiError for CatalogError {
    fn kind(&self) -> ErrorKind {
        use CatalogError::*;
        match self {
            Invalid(_) | BadCursor | CategoryCycle | CategoryTooDeep(_) => ErrorKind::Invalid,
            ProductNotFound | CategoryNotFound | ImageNotFound | HoldNotFound | ReviewNotFound => ErrorKind::NotFound,
            NotOwner | SellerSuspended | ReviewNotAllowed => ErrorKind::Forbidden,
            HiddenByAdmin(_)
            | CategoryNameTaken
            | CategoryHasChildren
            | CategoryHasProducts
            | TooManyImages(_)
            | InsufficientStock(..)
            | HoldIdReused
            | HoldNotActive(_)
            | AlreadyReviewed
            | AlreadyReplied => ErrorKind::Conflict,
            HoldLimit(_) => ErrorKind::RateLimited,
            Image(err) if err.is_bad_input() => ErrorKind::Invalid,
            // A storage failure's text names paths and buckets: logged, never shown.
            Image(_) => ErrorKind::Internal,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use CatalogError::*;
        match self {
            Invalid(_) => "invalid_input",
            ProductNotFound => "product_not_found",
            CategoryNotFound => "category_not_found",
            ImageNotFound => "image_not_found",
            HoldNotFound => "hold_not_found",
            ReviewNotFound => "review_not_found",
            ReviewNotAllowed => "review_not_allowed",
            AlreadyReviewed => "already_reviewed",
            AlreadyReplied => "already_replied",
            NotOwner => "not_product_owner",
            SellerSuspended => "seller_suspended",
            HiddenByAdmin(_) => "hidden_by_admin",
            CategoryNameTaken => "category_name_taken",
            CategoryHasChildren => "category_has_children",
            CategoryHasProducts => "category_has_products",
            CategoryCycle => "category_cycle",
            CategoryTooDeep(_) => "category_too_deep",
            TooManyImages(_) => "too_many_images",
            InsufficientStock(..) => "insufficient_stock",
            HoldIdReused => "hold_id_reused",
            HoldNotActive(_) => "hold_not_active",
            HoldLimit(_) => "hold_limit",
            BadCursor => "bad_cursor",
            Image(err) => err.code(),
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            CatalogError::Invalid(fields) => fields.clone(),
            CatalogError::Image(err) if err.is_bad_input() => vec![FieldError::new("image", err.to_string())],
            CatalogError::CategoryNameTaken => vec![FieldError::new("name", self.to_string())],
            _ => Vec::new(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        if let CatalogError::InsufficientStock(short, hold_id) = self {
            map.insert("hold_id".into(), serde_json::json!(hold_id));
            map.insert("short_lines".into(), serde_json::to_value(short).unwrap_or_default());
        }
        map
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            CatalogError::Db(err) => err.retry_after(),
            CatalogError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for CatalogError {
    fn into_response(self) -> Response {
        Problem::from_error(&self).into_response()
    }
}
