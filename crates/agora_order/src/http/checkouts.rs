//! Placing, previewing and following checkouts.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use uuid::Uuid;

use crate::app::{CheckoutInput, CheckoutView, Orders};
use crate::domain::OrderError;

#[utoipa::path(post, path = "/checkouts", tag = "checkouts", request_body = CheckoutInput,
    params(("Idempotency-Key" = String, Header, description = "Chosen by the client for this checkout; the same key always answers the same checkout")),
    responses((status = 201, description = "Placed: stock is being held (`pending`)", body = CheckoutView),
        (status = 200, description = "This key placed a checkout before: that checkout", body = CheckoutView),
        super::Invalid, super::Unauthenticated, super::NotFound, super::Conflict, super::Unavailable),
    security(("bearer" = [])))]
pub async fn place(
    State(orders): State<Orders>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(input): JsonBody<CheckoutInput>,
) -> Result<(StatusCode, Json<CheckoutView>), OrderError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let (view, created) = orders.place_checkout(&caller, super::token(&headers), key, &input).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(view)))
}

#[utoipa::path(post, path = "/checkouts/preview", tag = "checkouts",
    responses((status = 200, description = "The caller's cart priced as a checkout would be now, split by seller", body = CheckoutView),
        super::Unauthenticated, super::Unavailable),
    security(("bearer" = [])))]
pub async fn preview(
    State(orders): State<Orders>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Json<CheckoutView>, OrderError> {
    Ok(Json(orders.preview(&caller, super::token(&headers)).await?))
}

#[utoipa::path(get, path = "/checkouts/{id}", tag = "checkouts", params(("id" = Uuid, Path, description = "Checkout id")),
    responses((status = 200, description = "The checkout (its buyer or an admin)", body = CheckoutView), super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn get_one(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<CheckoutView>, OrderError> {
    Ok(Json(orders.checkout(&caller, id).await?))
}
