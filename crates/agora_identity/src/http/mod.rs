//! Identity's REST API under `/api/identity`. Handlers are thin: parse, call a use case, shape the answer.
//! The caller's id always comes from the verified token, never from the body.

mod accounts;
mod admin;
mod sellers;

use axum::Router;
use axum::routing::{get, post, put};

use utoipa::openapi::OpenApi;

use crate::app::Identity;

/// Identity's REST API, for its OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        accounts::register, accounts::sign_in, accounts::refresh, accounts::sign_out, accounts::me,
        accounts::change_password, accounts::jwks, sellers::apply, sellers::mine, sellers::profile, admin::users,
        admin::disable, admin::enable, admin::revoke_seller, admin::applications, admin::approve, admin::reject,
        admin::rotate_key
    ),
    tags(
        (name = "accounts", description = "Registering and the caller's own account"),
        (name = "sessions", description = "Signing in and out; access and refresh tokens"),
        (name = "sellers", description = "Applying to sell; public seller profiles"),
        (name = "admin", description = "Users and seller applications (admin role)"),
        (name = "keys", description = "The public keys that verify access tokens"),
    )
)]
struct IdentityApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<IdentityApi as utoipa::OpenApi>::openapi(), "identity")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (also 400 malformed JSON, 413 too large, 415 not JSON)";
    Unauthenticated = 401, "No token, a bad or expired one, or wrong credentials";
    Forbidden = 403, "The caller may not do this (`forbidden`, `account_disabled`, `own_account`…)";
    NotFound = 404, "No such resource";
    Conflict = 409, "Conflicts with the current state (`email_taken`, `application_pending`…)";
    RateLimited = 429, "Too many attempts; see `Retry-After`";
}

pub fn router(identity: Identity) -> Router {
    Router::new()
        .route("/jwks.json", get(accounts::jwks))
        .route("/users", post(accounts::register))
        .route("/sessions", post(accounts::sign_in))
        .route("/sessions/refresh", post(accounts::refresh))
        .route("/sessions/sign-out", post(accounts::sign_out))
        .route("/me", get(accounts::me))
        .route("/me/password", put(accounts::change_password))
        .route("/seller-applications", post(sellers::apply))
        .route("/seller-applications/mine", get(sellers::mine))
        .route("/sellers/{user_id}", get(sellers::profile))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{user_id}/disable", post(admin::disable))
        .route("/admin/users/{user_id}/enable", post(admin::enable))
        .route("/admin/users/{user_id}/revoke-seller", post(admin::revoke_seller))
        .route("/admin/seller-applications", get(admin::applications))
        .route("/admin/seller-applications/{id}/approve", post(admin::approve))
        .route("/admin/seller-applications/{id}/reject", post(admin::reject))
        .route("/admin/signing-keys/rotate", post(admin::rotate_key))
        .with_state(identity)
}
