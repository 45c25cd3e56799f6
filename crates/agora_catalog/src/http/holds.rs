//! Stock holds over REST. The hold's owner is the caller; its id, chosen by the caller, makes a repeated
//! request return the first outcome.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::app::{Catalog, HoldView};
use crate::domain::CatalogError;
use crate::domain::hold::HoldInput;

#[utoipa::path(post, path = "/holds", tag = "holds", request_body = HoldInput,
    responses((status = 201, description = "Every line held until `expires_at` (admins only; checkouts hold through events)", body = HoldView), super::Invalid, super::Unauthenticated, super::Forbidden,
        (status = 409, description = "`insufficient_stock`: nothing held; `short_lines` names each short product (the same id answers the same)", content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn place(
    State(catalog): State<Catalog>,
    caller: Caller,
    JsonBody(input): JsonBody<HoldInput>,
) -> Result<(StatusCode, Json<HoldView>), CatalogError> {
    let hold = catalog.place_hold(&caller, &input).await?;
    Ok((StatusCode::CREATED, Json(HoldView::from(&hold))))
}

#[utoipa::path(get, path = "/holds/{id}", tag = "holds", params(("id" = Uuid, Path, description = "Hold id")),
    responses((status = 200, description = "The hold (its owner or an admin)", body = HoldView), super::Unauthenticated, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn get_one(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<HoldView>, CatalogError> {
    Ok(Json(HoldView::from(&catalog.hold(&caller, id).await?)))
}

#[utoipa::path(post, path = "/holds/{id}/confirm", tag = "holds", params(("id" = Uuid, Path, description = "Hold id")),
    responses((status = 200, description = "Held units are sold (admin; checkouts confirm through payment events)", body = HoldView), super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn confirm(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<HoldView>, CatalogError> {
    Ok(Json(HoldView::from(&catalog.confirm_hold(&caller, id).await?)))
}

#[utoipa::path(post, path = "/holds/{id}/release", tag = "holds", params(("id" = Uuid, Path, description = "Hold id")),
    responses((status = 200, description = "Held units are available again", body = HoldView), super::Unauthenticated, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn release(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<HoldView>, CatalogError> {
    Ok(Json(HoldView::from(&catalog.release_hold(&caller, id).await?)))
}
