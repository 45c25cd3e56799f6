//! Notify's REST API under `/api/notify` (and its socket, `/ws`). Whose inbox a request is about comes from
//! its bearer token, never from a path or a body; handlers are thin.

mod notifications;
mod preferences;
mod ws;

use axum::Router;
use axum::routing::{get, post};
use utoipa::openapi::OpenApi;

pub use ws::Sockets;

use crate::app::Inbox;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        notifications::list,
        notifications::unread,
        notifications::read,
        notifications::read_all,
        preferences::show,
        preferences::change,
        ws::socket
    ),
    tags((name = "notify", description = "The caller's notification inbox, unread badge, muted categories and live socket"))
)]
struct NotifyApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<NotifyApi as utoipa::OpenApi>::openapi(), "notify")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (`invalid_input`, `bad_cursor`; also 400 malformed, 415 wrong type)";
    Unauthenticated = 401, "No token, or a bad or expired one";
    NotFound = 404, "`notification_not_found`: no such notification in the caller's inbox";
}

/// The state every handler shares.
#[derive(Clone)]
pub struct Api {
    pub inbox: Inbox,
    pub sockets: Sockets,
}

pub fn router(api: Api) -> Router {
    Router::new()
        .route("/notifications", get(notifications::list))
        .route("/notifications/read-all", post(notifications::read_all))
        .route("/notifications/{id}/read", post(notifications::read))
        .route("/unread", get(notifications::unread))
        .route("/preferences", get(preferences::show).put(preferences::change))
        .route("/ws", get(ws::socket))
        .with_state(api)
}
