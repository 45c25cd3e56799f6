//! Visitors' carts: minting a token, and merging its cart into the buyer's on sign-in.

use agora_http::Caller;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use super::shopper::{CartTokenHeader, cart_token};
use crate::app::{CartView, Carts, GuestCart};
use crate::domain::CartError;

#[utoipa::path(post, path = "/guest-carts", tag = "guest carts",
    responses((status = 201, description = "A new, empty visitor's cart and its token", body = GuestCart), super::Unavailable))]
pub async fn create(State(carts): State<Carts>) -> Result<(StatusCode, Json<GuestCart>), CartError> {
    Ok((StatusCode::CREATED, Json(carts.create_guest_cart().await?)))
}

#[utoipa::path(post, path = "/cart/merge", tag = "guest carts", params(CartTokenHeader),
    responses((status = 200, description = "The visitor's lines are in the buyer's cart (quantities added, at most the per-line maximum) and the visitor's cart is gone; a token without a cart changes nothing", body = CartView),
        super::Invalid, super::Unauthenticated, super::Unavailable),
    security(("bearer" = [])))]
pub async fn merge(
    State(carts): State<Carts>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Json<CartView>, CartError> {
    let token =
        cart_token(&headers).ok_or_else(|| CartError::field("X-Cart-Token", "send the visitor's cart token"))?;
    Ok(Json(carts.merge(caller.user_id, token.as_ref()).await?))
}
