//! `GET /api/chat/ws`: the live socket (see `crate::live::socket` for chat's frames).

use std::sync::Arc;

use agora_http::Caller;
use agora_http::live;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;

use crate::app::Chats;
use crate::live::socket::ChatSocket;

#[utoipa::path(get, path = "/ws", tag = "chat",
    responses((status = 101, description = "A WebSocket. Authenticate with an `Authorization: Bearer` header, or send `{\"type\":\"auth\",\"token\":\"..\"}` first (within `live.auth_timeout_secs`). Server frames: `ready`, `unread`, `message`, `read`, `sent`, `resumed`, `renewed`, `error`; client frames: `auth`, `send`, `read`, `resume`."),
        super::Unauthenticated))]
pub async fn socket(State(chats): State<Chats>, ws: WebSocketUpgrade, caller: Option<Caller>) -> Response {
    let hub = chats.live.hub.clone();
    let tokens = chats.tokens.clone();
    live::upgrade(ws, caller, tokens, hub, Arc::new(ChatSocket { chats }))
}
