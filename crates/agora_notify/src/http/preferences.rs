//! The caller's muted categories.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::State;

use super::Api;
use crate::app::{PreferencesInput, PreferencesView};
use crate::domain::NotifyError;

#[utoipa::path(get, path = "/preferences", tag = "notify",
    responses((status = 200, description = "Every category, and whether the caller muted it", body = PreferencesView), super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn show(State(api): State<Api>, caller: Caller) -> Result<Json<PreferencesView>, NotifyError> {
    Ok(Json(api.inbox.preferences(&caller).await?))
}

#[utoipa::path(put, path = "/preferences", tag = "notify", request_body = PreferencesInput,
    responses((status = 200, description = "Muted exactly these categories; their events make no notification from now on", body = PreferencesView),
        super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn change(
    State(api): State<Api>,
    caller: Caller,
    JsonBody(input): JsonBody<PreferencesInput>,
) -> Result<Json<PreferencesView>, NotifyError> {
    Ok(Json(api.inbox.set_preferences(&caller, &input).await?))
}
