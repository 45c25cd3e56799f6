//! Cart's REST API under `/api/cart`. Whose cart a request is about comes from its bearer token (a buyer)
//! or its `X-Cart-Token` header (a visitor), never from a path or a body; handlers are thin.

mod cart;
mod guests;
mod shopper;

use axum::Router;
use axum::routing::{get, post, put};
use utoipa::openapi::OpenApi;

use crate::app::Carts;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        cart::show, cart::clear, cart::add, cart::set, cart::remove, cart::acknowledge, guests::create,
        guests::merge
    ),
    tags(
        (name = "cart", description = "The caller's cart: a signed-in buyer's (bearer token), or a visitor's (X-Cart-Token)"),
        (name = "guest carts", description = "Visitors' carts and merging them on sign-in"),
    )
)]
struct CartApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<CartApi as utoipa::OpenApi>::openapi(), "cart")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (also 400 malformed, 413 too large, 415 wrong type)";
    Unauthenticated = 401, "No bearer token and no X-Cart-Token, or a bad or expired bearer token";
    NotFound = 404, "`cart_not_found`: the visitor's cart expired, was merged or never existed (mint a new one); `product_not_found`";
    Conflict = 409, "`insufficient_stock` (with `product_id`, `requested`, `available`), `cart_full`, `own_product`";
    Unavailable = 503, "`catalog_unavailable`: nothing changed; `store_unavailable`";
}

pub fn router(carts: Carts) -> Router {
    Router::new()
        .route("/cart", get(cart::show).delete(cart::clear))
        .route("/cart/items", post(cart::add))
        .route("/cart/items/{product_id}", put(cart::set).delete(cart::remove))
        .route("/cart/acknowledge", post(cart::acknowledge))
        .route("/cart/merge", post(guests::merge))
        .route("/guest-carts", post(guests::create))
        .with_state(carts)
}
