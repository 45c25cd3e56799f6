//! The caller's notifications: a page of them, the unread count, and marking one or all read.

use agora_core::Cursor;
use agora_http::{Caller, FieldError};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use uuid::Uuid;

use super::Api;
use crate::app::{InboxPage, ListQuery, NotificationView, UnreadView};
use crate::domain::NotifyError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// From `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// Page size (1–100; default `settings.notify.page_size`, 30).
    pub limit: Option<String>,
    /// `true`: only unread notifications (default `false`).
    pub unread: Option<String>,
}

impl ListParams {
    fn parse(self) -> Result<ListQuery, NotifyError> {
        let mut errors = Vec::new();
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new("limit", "a page size from 1 to 100"));
                    None
                }
            },
        };
        let unread_only = match self.unread.as_deref().map(str::trim) {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.push(FieldError::new("unread", "true or false"));
                false
            }
        };
        if !errors.is_empty() {
            return Err(NotifyError::Invalid(errors));
        }
        Ok(ListQuery { cursor: self.cursor.filter(|c| !c.is_empty()).map(Cursor::from), limit, unread_only })
    }
}

#[utoipa::path(get, path = "/notifications", tag = "notify", params(ListParams),
    responses((status = 200, description = "The caller's notifications, newest first, and their unread count", body = InboxPage),
        super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn list(
    State(api): State<Api>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> Result<Json<InboxPage>, NotifyError> {
    Ok(Json(api.inbox.list(&caller, &params.parse()?).await?))
}

#[utoipa::path(get, path = "/unread", tag = "notify",
    responses((status = 200, description = "The caller's unread count, for the badge", body = UnreadView), super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn unread(State(api): State<Api>, caller: Caller) -> Result<Json<UnreadView>, NotifyError> {
    Ok(Json(UnreadView { unread: api.inbox.unread(caller.user_id).await? }))
}

#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notify",
    params(("id" = Uuid, Path, description = "Notification id")),
    responses((status = 200, description = "Read (marking it again changes nothing); the caller's other pages get the new unread count", body = NotificationView),
        super::Invalid, super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn read(
    State(api): State<Api>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<NotificationView>, NotifyError> {
    Ok(Json(api.inbox.mark_read(&caller, id).await?))
}

#[utoipa::path(post, path = "/notifications/read-all", tag = "notify",
    responses((status = 200, description = "Every notification of the caller is read", body = UnreadView), super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn read_all(State(api): State<Api>, caller: Caller) -> Result<Json<UnreadView>, NotifyError> {
    Ok(Json(UnreadView { unread: api.inbox.mark_all_read(&caller).await? }))
}
