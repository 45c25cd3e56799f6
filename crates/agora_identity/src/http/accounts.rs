//! Registration, sessions, the caller's own account, and the public key set.

use agora_http::{AuthError, Caller, ClientAddr, JsonBody};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;

use crate::app::UserView;
use crate::app::{Identity, Me, Registration, TokenPair};
use crate::domain::IdentityError;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: String,
}

#[utoipa::path(post, path = "/users", tag = "accounts", request_body = RegisterBody,
    responses((status = 201, description = "The new account (a buyer)", body = UserView), super::Invalid, super::Conflict, super::RateLimited))]
pub async fn register(
    State(identity): State<Identity>,
    ClientAddr(client): ClientAddr,
    JsonBody(body): JsonBody<RegisterBody>,
) -> Result<impl IntoResponse, IdentityError> {
    let input = Registration { email: body.email, password: body.password, display_name: body.display_name };
    let user = identity.register(input, client).await?;
    let location = format!("/api/identity/users/{}", user.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(UserView::from(&user))))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignInBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[utoipa::path(post, path = "/sessions", tag = "sessions", request_body = SignInBody,
    responses((status = 200, description = "Signed in", body = TokenPair), super::Invalid, super::Unauthenticated, super::Forbidden, super::RateLimited))]
pub async fn sign_in(
    State(identity): State<Identity>,
    ClientAddr(client): ClientAddr,
    JsonBody(body): JsonBody<SignInBody>,
) -> Result<Json<TokenPair>, IdentityError> {
    Ok(Json(identity.sign_in(&body.email, &body.password, client).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefreshBody {
    #[serde(default)]
    refresh_token: String,
}

#[utoipa::path(post, path = "/sessions/refresh", tag = "sessions", request_body = RefreshBody,
    responses((status = 200, description = "A new pair; the refresh token sent is used up", body = TokenPair), super::Invalid, super::Unauthenticated, super::Forbidden))]
pub async fn refresh(
    State(identity): State<Identity>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<Json<TokenPair>, IdentityError> {
    if body.refresh_token.is_empty() {
        return Err(IdentityError::field("refresh_token", "send the refresh token"));
    }
    Ok(Json(identity.refresh(&body.refresh_token).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct SignOutBody {
    #[serde(default)]
    refresh_token: String,
}

/// Ends the session of the refresh token sent, or of the access token when none is sent.
#[utoipa::path(post, path = "/sessions/sign-out", tag = "sessions", request_body(content = SignOutBody, description = "Optional with an access token"),
    responses((status = 204, description = "The session has ended"), super::Invalid, super::Unauthenticated), security((), ("bearer" = [])))]
pub async fn sign_out(
    State(identity): State<Identity>,
    caller: Result<Option<Caller>, AuthError>,
    body: Option<JsonBody<SignOutBody>>,
) -> Result<StatusCode, IdentityError> {
    let token = body.map(|b| b.0.refresh_token).unwrap_or_default();
    // With a refresh token the access token does not matter: an expired one must not stop a sign-out.
    if !token.is_empty() {
        identity.sign_out(&token).await?;
    } else if let Some(caller) = caller? {
        identity.end_session(caller.user_id, caller.session_id).await?;
    } else {
        return Err(IdentityError::field("refresh_token", "send the refresh token or an access token"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/me", tag = "accounts",
    responses((status = 200, description = "The caller", body = Me), super::Unauthenticated), security(("bearer" = [])))]
pub async fn me(State(identity): State<Identity>, caller: Caller) -> Result<Json<Me>, IdentityError> {
    Ok(Json(identity.me(caller.user_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

#[utoipa::path(put, path = "/me/password", tag = "accounts", request_body = PasswordBody,
    responses((status = 204, description = "Changed; every other session has ended"), super::Invalid, super::Unauthenticated, super::RateLimited), security(("bearer" = [])))]
pub async fn change_password(
    State(identity): State<Identity>,
    caller: Caller,
    JsonBody(body): JsonBody<PasswordBody>,
) -> Result<StatusCode, IdentityError> {
    if body.current_password.is_empty() {
        return Err(IdentityError::field("current_password", "enter your current password"));
    }
    identity.change_password(caller.user_id, caller.session_id, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/jwks.json", tag = "keys",
    responses((status = 200, description = "The public keys that verify access tokens (RFC 7517)", body = Object)))]
pub async fn jwks(State(identity): State<Identity>) -> Result<impl IntoResponse, IdentityError> {
    let keys = identity.keys.jwks().await?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Json(keys)))
}
