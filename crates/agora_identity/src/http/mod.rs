//! Identity's REST API under `/api/identity`. Handlers are thin: parse, call a use case, shape the answer.
//! The caller's id always comes from the verified token, never from the body.

mod accounts;
mod admin;
mod sellers;

use axum::Router;
use axum::routing::{get, post, put};

use crate::app::Identity;

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
