//! Whose cart: [`Shopper`] takes the buyer from a bearer token, else the visitor from `X-Cart-Token`; a
//! bearer wins over a token. A token that cannot be one the service minted is a cart that does not exist.

use agora_http::Caller;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::domain::{CartError, CartOwner, GuestToken};

/// The header a visitor's cart token travels in (never the URL, which ends up in logs).
pub const CART_TOKEN: &str = "x-cart-token";

/// The header, for the OpenAPI document.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "describes a header in the OpenAPI document")]
pub struct CartTokenHeader {
    /// A visitor's cart token from `POST /guest-carts`; ignored when a bearer token is sent.
    #[param(rename = "X-Cart-Token")]
    token: Option<String>,
}

/// The owner of the cart a request is about.
pub struct Shopper(pub CartOwner);

impl<S: Send + Sync> FromRequestParts<S> for Shopper {
    type Rejection = CartError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Shopper, CartError> {
        if let Some(caller) = <Caller as OptionalFromRequestParts<S>>::from_request_parts(parts, state).await? {
            return Ok(Shopper(CartOwner::Buyer(caller.user_id)));
        }
        match cart_token(&parts.headers) {
            Some(Some(token)) => Ok(Shopper(CartOwner::Guest(token))),
            Some(None) => Err(CartError::CartNotFound),
            None => Err(CartError::NoShopper),
        }
    }
}

/// The `X-Cart-Token` header: absent, or present and well-formed or not.
pub fn cart_token(headers: &HeaderMap) -> Option<Option<GuestToken>> {
    let value = headers.get(CART_TOKEN)?;
    Some(value.to_str().ok().and_then(GuestToken::parse))
}
