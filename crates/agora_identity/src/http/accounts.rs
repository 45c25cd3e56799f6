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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: String,
}

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

#[derive(Deserialize)]
pub struct SignInBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn sign_in(
    State(identity): State<Identity>,
    ClientAddr(client): ClientAddr,
    JsonBody(body): JsonBody<SignInBody>,
) -> Result<Json<TokenPair>, IdentityError> {
    Ok(Json(identity.sign_in(&body.email, &body.password, client).await?))
}

#[derive(Deserialize)]
pub struct RefreshBody {
    #[serde(default)]
    refresh_token: String,
}

pub async fn refresh(
    State(identity): State<Identity>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<Json<TokenPair>, IdentityError> {
    if body.refresh_token.is_empty() {
        return Err(IdentityError::field("refresh_token", "send the refresh token"));
    }
    Ok(Json(identity.refresh(&body.refresh_token).await?))
}

#[derive(Deserialize, Default)]
pub struct SignOutBody {
    #[serde(default)]
    refresh_token: String,
}

/// Ends the session of the refresh token sent, or of the access token when none is sent.
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

pub async fn me(State(identity): State<Identity>, caller: Caller) -> Result<Json<Me>, IdentityError> {
    Ok(Json(identity.me(caller.user_id).await?))
}

#[derive(Deserialize)]
pub struct PasswordBody {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

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

pub async fn jwks(State(identity): State<Identity>) -> Result<impl IntoResponse, IdentityError> {
    let keys = identity.keys.jwks().await?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Json(keys)))
}
