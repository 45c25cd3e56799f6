//! Admin endpoints. The token must carry the admin role (403 otherwise); the use case checks it again in the
//! database, so an admin whose account was disabled a minute ago cannot act.

use agora_core::{Cursor, Page, PageSize};
use agora_http::{Caller, JsonBody, Role};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{ApplicationView, Identity, UserView};
use crate::domain::{ApplicationStatus, IdentityError, UserStatus};
use crate::store::users::UserFilter;

fn admin(caller: &Caller) -> Result<(), IdentityError> {
    Ok(caller.require(Role::Admin)?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    q: Option<String>,
    role: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/admin/users", tag = "admin", params(UserQuery),
    responses((status = 200, description = "Users, newest first", body = Page<UserView>), super::Invalid, super::Unauthenticated, super::Forbidden), security(("bearer" = [])))]
pub async fn users(
    State(identity): State<Identity>,
    caller: Caller,
    Query(query): Query<UserQuery>,
) -> Result<Json<Page<UserView>>, IdentityError> {
    admin(&caller)?;
    let role = match query.role.as_deref().filter(|r| !r.is_empty()) {
        Some(text) => Some(Role::parse(text).ok_or_else(|| bad("role", "use buyer, seller or admin"))?),
        None => None,
    };
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        Some("active") => Some(UserStatus::Active),
        Some("disabled") => Some(UserStatus::Disabled),
        Some(_) => return Err(bad("status", "use active or disabled")),
        None => None,
    };
    let filter = UserFilter { query: query.q.filter(|q| !q.trim().is_empty()), role, status };
    let cursor = query.cursor.map(Cursor::from);
    let page = identity.list_users(caller.user_id, &filter, PageSize::clamp(query.limit), cursor.as_ref()).await?;
    Ok(Json(Page { items: page.items.iter().map(UserView::from).collect(), next_cursor: page.next_cursor }))
}

fn bad(field: &str, message: &str) -> IdentityError {
    IdentityError::field(field, message)
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ReasonBody {
    #[serde(default)]
    reason: String,
}

#[utoipa::path(post, path = "/admin/users/{user_id}/disable", tag = "admin", request_body = ReasonBody, params(("user_id" = Uuid, Path)),
    responses((status = 200, description = "Disabled; its sessions have ended", body = UserView), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound), security(("bearer" = [])))]
pub async fn disable(
    State(identity): State<Identity>,
    caller: Caller,
    Path(user_id): Path<Uuid>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Result<Json<UserView>, IdentityError> {
    admin(&caller)?;
    let user = identity.disable(caller.user_id, user_id, &body.reason).await?;
    Ok(Json(UserView::from(&user)))
}

#[utoipa::path(post, path = "/admin/users/{user_id}/enable", tag = "admin", params(("user_id" = Uuid, Path)),
    responses((status = 200, description = "Enabled", body = UserView), super::Unauthenticated, super::Forbidden, super::NotFound), security(("bearer" = [])))]
pub async fn enable(
    State(identity): State<Identity>,
    caller: Caller,
    Path(user_id): Path<Uuid>,
) -> Result<Json<UserView>, IdentityError> {
    admin(&caller)?;
    let user = identity.enable(caller.user_id, user_id).await?;
    Ok(Json(UserView::from(&user)))
}

#[utoipa::path(post, path = "/admin/users/{user_id}/revoke-seller", tag = "admin", request_body = ReasonBody, params(("user_id" = Uuid, Path)),
    responses((status = 204, description = "No longer a seller"), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict), security(("bearer" = [])))]
pub async fn revoke_seller(
    State(identity): State<Identity>,
    caller: Caller,
    Path(user_id): Path<Uuid>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Result<StatusCode, IdentityError> {
    admin(&caller)?;
    identity.revoke_seller(caller.user_id, user_id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    status: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/admin/seller-applications", tag = "admin", params(ApplicationQuery),
    responses((status = 200, description = "Applications, oldest first", body = Page<ApplicationView>), super::Invalid, super::Unauthenticated, super::Forbidden), security(("bearer" = [])))]
pub async fn applications(
    State(identity): State<Identity>,
    caller: Caller,
    Query(query): Query<ApplicationQuery>,
) -> Result<Json<Page<ApplicationView>>, IdentityError> {
    admin(&caller)?;
    let status = match query.status.as_deref() {
        None | Some("") => ApplicationStatus::Pending,
        Some(text) => {
            ApplicationStatus::parse(text).ok_or_else(|| bad("status", "use pending, approved or rejected"))?
        }
    };
    let cursor = query.cursor.map(Cursor::from);
    let page = identity.applications(caller.user_id, status, PageSize::clamp(query.limit), cursor.as_ref()).await?;
    Ok(Json(Page { items: page.items.iter().map(ApplicationView::from).collect(), next_cursor: page.next_cursor }))
}

#[utoipa::path(post, path = "/admin/seller-applications/{id}/approve", tag = "admin", request_body(content = ReasonBody, description = "Optional"), params(("id" = Uuid, Path)),
    responses((status = 200, description = "Approved: the applicant has the seller role", body = ApplicationView), super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict), security(("bearer" = [])))]
pub async fn approve(
    State(identity): State<Identity>,
    caller: Caller,
    Path(id): Path<Uuid>,
    body: Option<JsonBody<ReasonBody>>,
) -> Result<Json<ApplicationView>, IdentityError> {
    admin(&caller)?;
    let reason = body.map(|b| b.0.reason).unwrap_or_default();
    let decided = identity.decide(caller.user_id, id, true, &reason).await?;
    Ok(Json(ApplicationView::from(&decided)))
}

#[utoipa::path(post, path = "/admin/seller-applications/{id}/reject", tag = "admin", request_body = ReasonBody, params(("id" = Uuid, Path)),
    responses((status = 200, description = "Rejected", body = ApplicationView), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict), security(("bearer" = [])))]
pub async fn reject(
    State(identity): State<Identity>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Result<Json<ApplicationView>, IdentityError> {
    admin(&caller)?;
    let decided = identity.decide(caller.user_id, id, false, &body.reason).await?;
    Ok(Json(ApplicationView::from(&decided)))
}

#[utoipa::path(post, path = "/admin/signing-keys/rotate", tag = "admin",
    responses((status = 200, description = "The new key id; tokens signed by older keys stay valid until they expire", body = Object), super::Unauthenticated, super::Forbidden), security(("bearer" = [])))]
pub async fn rotate_key(
    State(identity): State<Identity>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, IdentityError> {
    admin(&caller)?;
    let kid = identity.rotate_signing_key(caller.user_id).await?;
    Ok(Json(serde_json::json!({ "kid": kid })))
}
