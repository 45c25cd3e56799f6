//! A conversation's messages: its history, a page at a time backwards or forwards, and posting one.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::params;
use crate::app::{Chats, MessageView, MessagesPage, Window};
use crate::domain::ChatError;

/// A message to post.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PostInput {
    /// 1 to `max_message_chars` characters once trimmed; stored as sent.
    pub body: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Messages before this seq, newest first (from the newest when absent); ascending within the page.
    pub before: Option<String>,
    /// Instead of `before`: the messages after this seq, ascending (catching up).
    pub after: Option<String>,
    /// Page size (1–200, default `page_size`).
    pub limit: Option<String>,
}

#[utoipa::path(get, path = "/conversations/{id}/messages", tag = "chat", params(("id" = uuid::Uuid, Path, description = "Conversation id"), HistoryParams),
    responses((status = 200, description = "`{items, next_before}` going backwards, or `{items, next_after}` with `after`", body = MessagesPage),
        super::Invalid, super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn history(
    State(chats): State<Chats>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HistoryParams>,
) -> Result<Json<MessagesPage>, ChatError> {
    let id = params::conversation_id(&id)?;
    let before = params::number("before", query.before.as_deref(), 1)?;
    let after = params::number("after", query.after.as_deref(), 0)?;
    let window = match (before, after) {
        (Some(_), Some(_)) => {
            return Err(ChatError::field("after", "ask for messages before or after a seq, not both"));
        }
        (before, None) => Window::Before(before),
        (None, Some(after)) => Window::After(after),
    };
    let limit = params::limit(query.limit.as_deref())?.unwrap_or(chats.settings.page_size);
    Ok(Json(chats.messages(&caller, id, window, limit).await?))
}

#[utoipa::path(post, path = "/conversations/{id}/messages", tag = "chat", request_body = PostInput,
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    responses((status = 201, description = "Posted, and pushed to both participants' sockets", body = MessageView),
        super::Invalid, super::Unauthenticated, super::NotFound, super::RateLimited),
    security(("bearer" = [])))]
pub async fn post(
    State(chats): State<Chats>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<PostInput>,
) -> Result<(StatusCode, Json<MessageView>), ChatError> {
    let id = params::conversation_id(&id)?;
    Ok((StatusCode::CREATED, Json(chats.post(&caller, id, &input.body).await?)))
}
