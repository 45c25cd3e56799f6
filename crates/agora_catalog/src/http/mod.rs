//! Catalog's REST API under `/api/catalog`. Handlers are thin: parse, call a use case, shape the answer.
//! The seller of a new product, the owner of a hold and the author of a review are the caller, never a
//! field of the body.

mod admin;
mod categories;
mod holds;
mod images;
mod products;
mod reviews;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use utoipa::openapi::OpenApi;

use crate::app::Catalog;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        products::search, products::get_one, products::batch, products::create, products::update, products::remove,
        products::hide, products::show, products::mine, images::upload, images::remove, images::serve,
        categories::tree, categories::create, categories::update, categories::remove, admin::list, admin::hide,
        admin::show, admin::feature, holds::place, holds::get_one, holds::confirm, holds::release, reviews::list,
        reviews::mine, reviews::post, reviews::edit, reviews::reply, reviews::remove
    ),
    tags(
        (name = "products", description = "Searching, browsing and sellers' own products"),
        (name = "images", description = "Product pictures"),
        (name = "categories", description = "The category tree (changed by admins)"),
        (name = "moderation", description = "Hiding and featuring any product (admin role)"),
        (name = "holds", description = "Stock set aside for a checkout"),
        (name = "reviews", description = "Reviews by buyers of delivered orders, sellers' replies, admins' removals"),
    )
)]
struct CatalogApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<CatalogApi as utoipa::OpenApi>::openapi(), "catalog")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (also 400 malformed, 413 too large, 415 wrong type)";
    Unauthenticated = 401, "No token, or a bad or expired one";
    Forbidden = 403, "The caller may not do this (`forbidden`, `not_product_owner`, `seller_suspended`, `review_not_allowed`)";
    NotFound = 404, "No such resource (or not one the caller may see)";
    Conflict = 409, "Conflicts with the current state (`insufficient_stock` with `short_lines`, `hold_not_active`, `already_reviewed`…)";
}

pub fn router(catalog: Catalog) -> Router {
    let upload_limit = catalog.settings.media.max_upload_bytes;
    Router::new()
        .route("/products", get(products::search).post(products::create))
        .route("/products/batch", get(products::batch))
        .route("/products/{id}", get(products::get_one).put(products::update).delete(products::remove))
        .route("/products/{id}/hide", post(products::hide))
        .route("/products/{id}/show", post(products::show))
        .route(
            "/products/{id}/images",
            // The upload's own limit (checked while reading) replaces the server-wide body limit.
            post(images::upload).layer(DefaultBodyLimit::max(upload_limit.saturating_add(1))),
        )
        .route("/products/{id}/images/{image_id}", delete(images::remove))
        .route("/images/{key}", get(images::serve))
        .route("/me/products", get(products::mine))
        .route("/categories", get(categories::tree).post(categories::create))
        .route("/categories/{id}", axum::routing::put(categories::update).delete(categories::remove))
        .route("/admin/products", get(admin::list))
        .route("/admin/products/{id}/hide", post(admin::hide))
        .route("/admin/products/{id}/show", post(admin::show))
        .route("/admin/products/{id}/feature", post(admin::feature))
        .route("/products/{id}/reviews", get(reviews::list).post(reviews::post))
        .route("/products/{id}/reviews/mine", get(reviews::mine))
        .route("/reviews/{id}", axum::routing::put(reviews::edit).delete(reviews::remove))
        .route("/reviews/{id}/reply", post(reviews::reply))
        .route("/holds", post(holds::place))
        .route("/holds/{id}", get(holds::get_one))
        .route("/holds/{id}/confirm", post(holds::confirm))
        .route("/holds/{id}/release", post(holds::release))
        .with_state(catalog)
}
