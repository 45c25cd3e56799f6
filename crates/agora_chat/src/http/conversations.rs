//! The caller's conversations: open one about a product, list them, show one, mark one read, and the unread
//! totals.

use agora_core::{Cursor, PageSize};
use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use super::params;
use crate::app::{Chats, ConversationPage, ConversationView};
use crate::domain::ChatError;
use crate::store::unread::Unread;

/// The product to ask its seller about.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OpenInput {
    pub product_id: Uuid,
}

/// How far the caller has read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReadInput {
    /// The caller has read every message up to this seq (capped at the last message; never moves back).
    pub up_to_seq: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    /// Page size (1–100, default 20).
    pub limit: Option<String>,
}

#[utoipa::path(post, path = "/conversations", tag = "chat", request_body = OpenInput,
    responses((status = 201, description = "Opened: the caller is its buyer", body = ConversationView),
        (status = 200, description = "The caller's conversation about this product existed already", body = ConversationView),
        super::Invalid, super::Unauthenticated, super::ProductNotFound, super::Unavailable),
    security(("bearer" = [])))]
pub async fn open(
    State(chats): State<Chats>,
    caller: Caller,
    JsonBody(input): JsonBody<OpenInput>,
) -> Result<(StatusCode, Json<ConversationView>), ChatError> {
    let opened = chats.open(&caller, input.product_id).await?;
    let status = if opened.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(opened.conversation)))
}

#[utoipa::path(get, path = "/conversations", tag = "chat", params(PageParams),
    responses((status = 200, description = "The caller's conversations, as buyer or seller, most recent activity first", body = ConversationPage),
        super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn list(
    State(chats): State<Chats>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> Result<Json<ConversationPage>, ChatError> {
    let size = PageSize::clamp(params::limit(page.limit.as_deref())?);
    let cursor = page.cursor.map(Cursor::from);
    Ok(Json(chats.conversations(&caller, cursor.as_ref(), size).await?))
}

#[utoipa::path(get, path = "/conversations/{id}", tag = "chat",
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses((status = 200, description = "One of the caller's conversations", body = ConversationView),
        super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn show(
    State(chats): State<Chats>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ConversationView>, ChatError> {
    Ok(Json(chats.conversation(&caller, params::conversation_id(&id)?).await?))
}

#[utoipa::path(post, path = "/conversations/{id}/read", tag = "chat", request_body = ReadInput,
    params(("id" = Uuid, Path, description = "Conversation id")),
    responses((status = 200, description = "Marked read (a read receipt goes to the other side when it moved)", body = ConversationView),
        super::Invalid, super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn mark_read(
    State(chats): State<Chats>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReadInput>,
) -> Result<Json<ConversationView>, ChatError> {
    let id = params::conversation_id(&id)?;
    Ok(Json(chats.mark_read(&caller, id, input.up_to_seq).await?))
}

#[utoipa::path(get, path = "/unread", tag = "chat",
    responses((status = 200, description = "The caller's unread messages over all their conversations", body = Unread),
        super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn unread(State(chats): State<Chats>, caller: Caller) -> Result<Json<Unread>, ChatError> {
    Ok(Json(chats.unread(caller.user_id).await?))
}
