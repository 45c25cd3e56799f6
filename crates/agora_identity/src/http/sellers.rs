//! Applying to sell and seller profiles.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{ApplicationView, Identity, SellerView};
use crate::domain::IdentityError;

#[derive(Deserialize)]
pub struct ApplyBody {
    #[serde(default)]
    shop_name: String,
    #[serde(default)]
    description: String,
}

pub async fn apply(
    State(identity): State<Identity>,
    caller: Caller,
    JsonBody(body): JsonBody<ApplyBody>,
) -> Result<(StatusCode, Json<ApplicationView>), IdentityError> {
    let application = identity.apply(caller.user_id, &body.shop_name, &body.description).await?;
    Ok((StatusCode::CREATED, Json(ApplicationView::from(&application))))
}

pub async fn mine(State(identity): State<Identity>, caller: Caller) -> Result<Json<ApplicationView>, IdentityError> {
    Ok(Json(ApplicationView::from(&identity.my_application(caller.user_id).await?)))
}

/// Public: other services and visitors look sellers up by user id.
pub async fn profile(
    State(identity): State<Identity>,
    Path(user_id): Path<Uuid>,
) -> Result<Json<SellerView>, IdentityError> {
    Ok(Json(SellerView::from(&identity.seller(user_id).await?)))
}
