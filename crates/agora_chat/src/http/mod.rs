//! Chat's REST API and WebSocket under `/api/chat`. Who is asking comes from the bearer token, never from a
//! path or a body; anyone but a conversation's two participants is told it does not exist. Handlers are thin.

mod conversations;
mod messages;
mod params;
mod ws;

use axum::Router;
use axum::routing::{get, post};
use utoipa::openapi::OpenApi;

use crate::app::Chats;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        conversations::open,
        conversations::list,
        conversations::show,
        conversations::mark_read,
        conversations::unread,
        messages::history,
        messages::post,
        ws::socket,
    ),
    tags((name = "chat", description = "Buyer-seller conversations about a product: messages, unread counts, read receipts, and the live socket"))
)]
struct ChatApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<ChatApi as utoipa::OpenApi>::openapi(), "chat")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (`invalid_input`, `bad_cursor`, `own_product`; also 400 malformed, 415 wrong type)";
    Unauthenticated = 401, "No token, or a bad or expired one";
    NotFound = 404, "`conversation_not_found`: no such conversation, or the caller is not one of its two participants";
    ProductNotFound = 404, "`product_not_found`: catalog does not offer this product (unknown, hidden or deleted)";
    RateLimited = 429, "`rate_limited`: too many messages; `Retry-After` and `retry_after_secs` say when to try again";
    Unavailable = 503, "`catalog_unavailable`: the product's seller cannot be asked of catalog right now";
}

pub fn router(chats: Chats) -> Router {
    Router::new()
        .route("/conversations", post(conversations::open).get(conversations::list))
        .route("/conversations/{id}", get(conversations::show))
        .route("/conversations/{id}/messages", get(messages::history).post(messages::post))
        .route("/conversations/{id}/read", post(conversations::mark_read))
        .route("/unread", get(conversations::unread))
        .route("/ws", get(ws::socket))
        .with_state(chats)
}
