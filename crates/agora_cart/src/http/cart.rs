//! The caller's cart and its lines. Every answer is the whole cart's view.

use agora_http::JsonBody;
use axum::Json;
use axum::extract::{Path, Query, State};
use uuid::Uuid;

use super::shopper::{CartTokenHeader, Shopper};
use crate::app::{CartView, Carts, ItemInput, QuantityInput};
use crate::domain::CartError;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowParams {
    /// `false`: the lines as saved, without asking catalog (what a checkout needs: products, quantities and
    /// the prices the shopper saw). Default `true`.
    pub priced: Option<bool>,
}

#[utoipa::path(get, path = "/cart", tag = "cart", params(CartTokenHeader, ShowParams),
    responses((status = 200, description = "The cart, priced by catalog now (a buyer who has none: empty)", body = CartView),
        super::Unauthenticated, super::NotFound, super::Unavailable),
    security((), ("bearer" = [])))]
pub async fn show(
    State(carts): State<Carts>,
    Shopper(owner): Shopper,
    Query(params): Query<ShowParams>,
) -> Result<Json<CartView>, CartError> {
    if params.priced == Some(false) {
        return Ok(Json(carts.saved(&owner).await?));
    }
    Ok(Json(carts.view(&owner).await?))
}

#[utoipa::path(delete, path = "/cart", tag = "cart", params(CartTokenHeader),
    responses((status = 200, description = "Emptied (a visitor's token keeps working)", body = CartView),
        super::Unauthenticated, super::NotFound, super::Unavailable),
    security((), ("bearer" = [])))]
pub async fn clear(State(carts): State<Carts>, Shopper(owner): Shopper) -> Result<Json<CartView>, CartError> {
    Ok(Json(carts.clear(&owner).await?))
}

#[utoipa::path(post, path = "/cart/items", tag = "cart", params(CartTokenHeader), request_body = ItemInput,
    responses((status = 200, description = "Added (to the product's line, if there is one)", body = CartView),
        super::Invalid, super::Unauthenticated, super::NotFound, super::Conflict, super::Unavailable),
    security((), ("bearer" = [])))]
pub async fn add(
    State(carts): State<Carts>,
    Shopper(owner): Shopper,
    JsonBody(input): JsonBody<ItemInput>,
) -> Result<Json<CartView>, CartError> {
    Ok(Json(carts.add(&owner, &input).await?))
}

#[utoipa::path(put, path = "/cart/items/{product_id}", tag = "cart", request_body = QuantityInput,
    params(("product_id" = Uuid, Path, description = "Product id"), CartTokenHeader),
    responses((status = 200, description = "The line holds this quantity now (added if it was not in the cart; 0 removes it)", body = CartView),
        super::Invalid, super::Unauthenticated, super::NotFound, super::Conflict, super::Unavailable),
    security((), ("bearer" = [])))]
pub async fn set(
    State(carts): State<Carts>,
    Shopper(owner): Shopper,
    Path(product_id): Path<Uuid>,
    JsonBody(input): JsonBody<QuantityInput>,
) -> Result<Json<CartView>, CartError> {
    Ok(Json(carts.set(&owner, product_id, &input).await?))
}

#[utoipa::path(delete, path = "/cart/items/{product_id}", tag = "cart",
    params(("product_id" = Uuid, Path, description = "Product id"), CartTokenHeader),
    responses((status = 200, description = "The product is not in the cart (any more)", body = CartView),
        super::Unauthenticated, super::NotFound, super::Unavailable),
    security((), ("bearer" = [])))]
pub async fn remove(
    State(carts): State<Carts>,
    Shopper(owner): Shopper,
    Path(product_id): Path<Uuid>,
) -> Result<Json<CartView>, CartError> {
    Ok(Json(carts.remove(&owner, product_id).await?))
}

#[utoipa::path(post, path = "/cart/acknowledge", tag = "cart", params(CartTokenHeader),
    responses((status = 200, description = "Every line's `added_price` is the current price: `price_changed` is false", body = CartView),
        super::Unauthenticated, super::NotFound, super::Unavailable),
    security((), ("bearer" = [])))]
pub async fn acknowledge(State(carts): State<Carts>, Shopper(owner): Shopper) -> Result<Json<CartView>, CartError> {
    Ok(Json(carts.acknowledge(&owner).await?))
}
