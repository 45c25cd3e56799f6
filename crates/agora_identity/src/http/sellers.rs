//! Applying to sell and seller profiles.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{ApplicationView, Identity, SellerView};
use crate::domain::IdentityError;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApplyBody {
    #[serde(default)]
    shop_name: String,
    #[serde(default)]
    description: String,
}

#[utoipa::path(post, path = "/seller-applications", tag = "sellers", request_body = ApplyBody,
    responses((status = 201, description = "Pending review", body = ApplicationView), super::Invalid, super::Unauthenticated, super::Conflict), security(("bearer" = [])))]
pub async fn apply(
    State(identity): State<Identity>,
    caller: Caller,
    JsonBody(body): JsonBody<ApplyBody>,
) -> Result<(StatusCode, Json<ApplicationView>), IdentityError> {
    let application = identity.apply(caller.user_id, &body.shop_name, &body.description).await?;
    Ok((StatusCode::CREATED, Json(ApplicationView::from(&application))))
}

#[utoipa::path(get, path = "/seller-applications/mine", tag = "sellers",
    responses((status = 200, description = "The caller's latest application", body = ApplicationView), super::Unauthenticated, super::NotFound), security(("bearer" = [])))]
pub async fn mine(State(identity): State<Identity>, caller: Caller) -> Result<Json<ApplicationView>, IdentityError> {
    Ok(Json(ApplicationView::from(&identity.my_application(caller.user_id).await?)))
}

/// Public: other services and visitors look sellers up by user id.
#[utoipa::path(get, path = "/sellers/{user_id}", tag = "sellers", params(("user_id" = Uuid, Path, description = "The seller's user id")),
    responses((status = 200, description = "An active seller's public profile", body = SellerView), super::NotFound))]
pub async fn profile(
    State(identity): State<Identity>,
    Path(user_id): Path<Uuid>,
) -> Result<Json<SellerView>, IdentityError> {
    Ok(Json(SellerView::from(&identity.seller(user_id).await?)))
}
