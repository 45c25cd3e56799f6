//! The caller's wishlist: list it, save and remove products, and ask which products are saved.

use agora_core::{Cursor, PageSize};
use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{AlertsInput, ContainsView, ItemView, WishlistView, Wishlists};
use crate::domain::{ProductIds, WishlistError};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    /// Page size (1–100, default 20).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContainsParams {
    /// Product ids separated by commas (at most 100).
    pub ids: Option<String>,
}

#[utoipa::path(get, path = "/", tag = "wishlist", params(PageParams),
    responses((status = 200, description = "The caller's saved products (at `/api/wishlist`, no trailing slash), newest first, with their current details from catalog (`catalog_available: false`: as last known, when catalog does not answer)", body = WishlistView),
        super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn list(
    State(wishlists): State<Wishlists>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> Result<Json<WishlistView>, WishlistError> {
    let cursor = page.cursor.map(Cursor::from);
    Ok(Json(wishlists.view(&caller, cursor.as_ref(), PageSize::clamp(page.limit)).await?))
}

#[utoipa::path(put, path = "/items/{product_id}", tag = "wishlist", request_body(content = Option<AlertsInput>, description = "Optional: which alerts to get (both by default)"),
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses((status = 201, description = "Saved, at catalog's current price", body = ItemView),
        (status = 200, description = "Saved already: the item as it was first saved", body = ItemView),
        super::Invalid, super::Unauthenticated, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn save(
    State(wishlists): State<Wishlists>,
    caller: Caller,
    Path(product_id): Path<Uuid>,
    input: Option<JsonBody<AlertsInput>>,
) -> Result<(StatusCode, Json<ItemView>), WishlistError> {
    let input = input.map(|JsonBody(input)| input).unwrap_or_default();
    let saved = wishlists.save(&caller, product_id, &input).await?;
    let status = if saved.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(saved.item)))
}

#[utoipa::path(delete, path = "/items/{product_id}", tag = "wishlist",
    params(("product_id" = Uuid, Path, description = "Product id")),
    responses((status = 204, description = "The product is not on the caller's wishlist (any more)"),
        super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn remove(
    State(wishlists): State<Wishlists>,
    caller: Caller,
    Path(product_id): Path<Uuid>,
) -> Result<StatusCode, WishlistError> {
    wishlists.remove(&caller, product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/contains", tag = "wishlist", params(ContainsParams),
    responses((status = 200, description = "Which of the products the caller saved, in the order asked", body = ContainsView),
        super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn contains(
    State(wishlists): State<Wishlists>,
    caller: Caller,
    Query(params): Query<ContainsParams>,
) -> Result<Json<ContainsView>, WishlistError> {
    let ids = params.ids.ok_or_else(|| WishlistError::field("ids", "give product ids separated by commas"))?;
    let ids = ProductIds::parse("ids", &ids)?;
    Ok(Json(ContainsView { saved: wishlists.contains(&caller, &ids).await? }))
}
