//! `GET /ws`: the caller's live socket (see [`crate::live`] for what it carries).

use std::sync::Arc;

use agora_http::live::{self, Hub, LiveHandler};
use agora_http::{Caller, TokenVerifier};
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;

use super::Api;

/// This instance's sockets and what they need.
#[derive(Clone)]
pub struct Sockets {
    pub hub: Hub,
    pub tokens: TokenVerifier,
    pub handler: Arc<dyn LiveHandler>,
}

#[utoipa::path(get, path = "/ws", tag = "notify",
    responses((status = 101, description = "A WebSocket. Authenticate with a bearer header, or a first frame `{\"type\":\"auth\",\"token\":\"<access token>\"}`. The server sends `ready`, then `{\"type\":\"unread\",\"unread\":n}`, then `{\"type\":\"notification\",\"notification\":<NotificationView>,\"unread\":n}` for each new notification of the caller and `unread` frames when they read some. Send `{\"type\":\"resume\",\"after\":\"<notification id>\"}` after reconnecting to get the ones created since (an id not yours: error `not_found`)."),
        super::Unauthenticated),
    security((), ("bearer" = [])))]
pub async fn socket(State(api): State<Api>, ws: WebSocketUpgrade, caller: Option<Caller>) -> Response {
    let sockets = api.sockets;
    live::upgrade(ws, caller, sockets.tokens, sockets.hub, sockets.handler)
}
