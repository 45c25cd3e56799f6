//! The caller's shipping addresses.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::app::Orders;
use crate::domain::address::SavedAddress;
use crate::domain::{AddressInput, OrderError};

#[utoipa::path(get, path = "/addresses", tag = "addresses",
    responses((status = 200, description = "The caller's addresses, oldest first", body = Vec<SavedAddress>), super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn list(State(orders): State<Orders>, caller: Caller) -> Result<Json<Vec<SavedAddress>>, OrderError> {
    Ok(Json(orders.addresses(&caller).await?))
}

#[utoipa::path(post, path = "/addresses", tag = "addresses", request_body = AddressInput,
    responses((status = 201, description = "Saved", body = SavedAddress), super::Invalid, super::Unauthenticated, super::Conflict),
    security(("bearer" = [])))]
pub async fn create(
    State(orders): State<Orders>,
    caller: Caller,
    JsonBody(input): JsonBody<AddressInput>,
) -> Result<(StatusCode, Json<SavedAddress>), OrderError> {
    Ok((StatusCode::CREATED, Json(orders.add_address(&caller, &input).await?)))
}

#[utoipa::path(put, path = "/addresses/{id}", tag = "addresses", request_body = AddressInput, params(("id" = Uuid, Path, description = "Address id")),
    responses((status = 200, description = "Replaced", body = SavedAddress), super::Invalid, super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn update(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<AddressInput>,
) -> Result<Json<SavedAddress>, OrderError> {
    Ok(Json(orders.update_address(&caller, id, &input).await?))
}

#[utoipa::path(delete, path = "/addresses/{id}", tag = "addresses", params(("id" = Uuid, Path, description = "Address id")),
    responses((status = 204, description = "Deleted (orders keep their copy)"), super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn remove(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, OrderError> {
    orders.delete_address(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
