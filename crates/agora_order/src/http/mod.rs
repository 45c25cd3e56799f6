//! Order's REST API under `/api/order`. Handlers are thin: parse, call a use case, shape the answer. The
//! buyer is always the caller; a checkout's lines come from their cart and its prices from order's read model.

mod addresses;
mod checkouts;
mod fulfilment;
mod orders;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use utoipa::openapi::OpenApi;

use crate::app::Orders;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        checkouts::place, checkouts::preview, checkouts::get_one, orders::mine, orders::get_one, addresses::list,
        addresses::create, addresses::update, addresses::remove, fulfilment::ship, fulfilment::deliver,
        fulfilment::cancel, fulfilment::seller_orders, fulfilment::overview
    ),
    tags(
        (name = "checkouts", description = "Checking out the caller's cart: one order per seller, one payment"),
        (name = "orders", description = "The caller's orders and their timelines"),
        (name = "fulfilment", description = "Shipping, delivering and cancelling orders; sellers' orders and overview"),
        (name = "addresses", description = "The caller's shipping addresses"),
    )
)]
struct OrderApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<OrderApi as utoipa::OpenApi>::openapi(), "order")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (also 400 malformed, 413 too large, 415 wrong type)";
    Unauthenticated = 401, "No token, or a bad or expired one";
    Forbidden = 403, "The caller may not do this (`forbidden`: not a seller, or not the order's seller)";
    NotFound = 404, "No such resource (or not one the caller may see)";
    Conflict = 409, "Conflicts with the current state (`cart_empty`, `products_unavailable` with `unavailable_lines`, `illegal_transition` with the order's `current_status`…)";
    Unavailable = 503, "A service this needs is down (`cart_unavailable`); nothing changed";
}

pub fn router(orders: Orders) -> Router {
    Router::new()
        .route("/checkouts", post(checkouts::place))
        .route("/checkouts/preview", post(checkouts::preview))
        .route("/checkouts/{id}", get(checkouts::get_one))
        .route("/orders", get(orders::mine))
        .route("/orders/{id}", get(orders::get_one))
        .route("/orders/{id}/ship", post(fulfilment::ship))
        .route("/orders/{id}/deliver", post(fulfilment::deliver))
        .route("/orders/{id}/cancel", post(fulfilment::cancel))
        .route("/seller/orders", get(fulfilment::seller_orders))
        .route("/seller/overview", get(fulfilment::overview))
        .route("/addresses", get(addresses::list).post(addresses::create))
        .route("/addresses/{id}", put(addresses::update).delete(addresses::remove))
        .with_state(orders)
}

/// The caller's own token, passed on to the cart service (the `Caller` extractor has checked it).
fn token(headers: &HeaderMap) -> &str {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, token)| token.trim())
        .unwrap_or_default()
}
