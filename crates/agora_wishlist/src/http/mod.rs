//! Wishlist's REST API under `/api/wishlist`. Whose wishlist a request is about comes from its bearer token,
//! never from a path or a body; handlers are thin.

mod items;

use axum::Router;
use axum::routing::{get, put};
use utoipa::openapi::OpenApi;

use crate::app::Wishlists;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(items::list, items::save, items::remove, items::contains),
    tags((name = "wishlist", description = "The caller's saved products and their price-drop and back-in-stock alerts"))
)]
struct WishlistApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<WishlistApi as utoipa::OpenApi>::openapi(), "wishlist")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (`invalid_input`, `bad_cursor`; also 400 malformed, 415 wrong type)";
    Unauthenticated = 401, "No token, or a bad or expired one";
    NotFound = 404, "`product_not_found`: catalog never listed it, or it was deleted";
    Conflict = 409, "`wishlist_full` (with `max_items`): remove a product first";
}

pub fn router(wishlists: Wishlists) -> Router {
    Router::new()
        .route("/", get(items::list))
        .route("/contains", get(items::contains))
        .route("/items/{product_id}", put(items::save).delete(items::remove))
        .with_state(wishlists)
}
