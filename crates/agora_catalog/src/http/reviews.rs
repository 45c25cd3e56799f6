//! Reviews of products: read by everyone; posted and edited by buyers of delivered orders, answered by the
//! product's seller, removed by admins. The author and the replying seller are the caller.

use agora_core::{Cursor, PageSize};
use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use uuid::Uuid;

use super::products::PageParams;
use crate::app::{Catalog, MyReview, ReviewPage, ReviewView};
use crate::domain::CatalogError;
use crate::domain::review::{RemoveInput, ReplyInput, ReviewInput};

#[utoipa::path(get, path = "/products/{id}/reviews", tag = "reviews", params(("id" = Uuid, Path, description = "Product id"), PageParams),
    responses((status = 200, description = "The product's reviews newest first (removed ones left out) and their summary", body = ReviewPage), super::Invalid, super::NotFound))]
pub async fn list(
    State(catalog): State<Catalog>,
    caller: Option<Caller>,
    Path(id): Path<Uuid>,
    Query(page): Query<PageParams>,
) -> Result<Json<ReviewPage>, CatalogError> {
    let cursor = page.cursor.map(Cursor::from);
    Ok(Json(catalog.reviews(caller.as_ref(), id, cursor.as_ref(), PageSize::clamp(page.limit)).await?))
}

#[utoipa::path(get, path = "/products/{id}/reviews/mine", tag = "reviews", params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "Whether the caller may review the product, and their review", body = MyReview), super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn mine(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<MyReview>, CatalogError> {
    Ok(Json(catalog.my_review(&caller, id).await?))
}

#[utoipa::path(post, path = "/products/{id}/reviews", tag = "reviews", request_body = ReviewInput, params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 201, description = "Posted; the author is the caller", body = ReviewView), super::Invalid, super::Unauthenticated,
        (status = 403, description = "`review_not_allowed`: no order of the caller delivered this product", content_type = "application/problem+json"),
        super::NotFound,
        (status = 409, description = "`already_reviewed`: the caller has reviewed this product (edit it instead)", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn post(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<ReviewInput>,
) -> Result<(StatusCode, Json<ReviewView>), CatalogError> {
    Ok((StatusCode::CREATED, Json(catalog.post_review(&caller, id, &input).await?)))
}

#[utoipa::path(put, path = "/reviews/{id}", tag = "reviews", request_body = ReviewInput, params(("id" = Uuid, Path, description = "Review id")),
    responses((status = 200, description = "Edited (`edited_at` set)", body = ReviewView), super::Invalid, super::Unauthenticated,
        (status = 404, description = "No such review, or not the caller's", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn edit(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<ReviewInput>,
) -> Result<Json<ReviewView>, CatalogError> {
    Ok(Json(catalog.edit_review(&caller, id, &input).await?))
}

#[utoipa::path(post, path = "/reviews/{id}/reply", tag = "reviews", request_body = ReplyInput, params(("id" = Uuid, Path, description = "Review id")),
    responses((status = 200, description = "Answered", body = ReviewView), super::Invalid, super::Unauthenticated,
        (status = 403, description = "`not_product_owner`: only the product's seller answers; `seller_suspended`", content_type = "application/problem+json"),
        super::NotFound,
        (status = 409, description = "`already_replied`: the review has its answer", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn reply(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<ReplyInput>,
) -> Result<Json<ReviewView>, CatalogError> {
    Ok(Json(catalog.reply_to_review(&caller, id, &input).await?))
}

#[utoipa::path(delete, path = "/reviews/{id}", tag = "reviews", params(("id" = Uuid, Path, description = "Review id"), RemoveInput),
    request_body(content = Option<RemoveInput>, description = "Optional: the reason, instead of the query's"),
    responses((status = 204, description = "Removed: no longer shown or counted (removing again changes nothing)"), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn remove(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Query(query): Query<RemoveInput>,
    body: Option<JsonBody<RemoveInput>>,
) -> Result<StatusCode, CatalogError> {
    let input = match body {
        Some(JsonBody(body)) if body.reason.is_some() => body,
        _ => query,
    };
    catalog.remove_review(&caller, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
