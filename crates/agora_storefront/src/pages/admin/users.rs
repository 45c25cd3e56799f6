//! Users: search, disable, enable, revoke a seller.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{ReasonForm, admin, api_query, refusal};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::identity::Account;
use crate::pages::paging::next_link;
use crate::pages::{path_id, render};
use crate::session::Session;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    me: Uuid,
    users: Vec<Account>,
    q: String,
    role: String,
    status: String,
    next_page: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    role: String,
    status: String,
    cursor: String,
}

pub async fn users(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(query): Query<UsersQuery>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let params = [("q", query.q.as_str()), ("role", query.role.as_str()), ("status", query.status.as_str())];
    let mut call = api_query(&params, &query.cursor);
    call.push(("limit", "25"));
    let page = app.identity.users(&user.access_token, &call).await?;
    let next_page = next_link("/admin/users", &params, page.next_cursor);
    Ok(render(&UsersPage {
        chrome: Chrome::new(&session, "Users", "/admin/users"),
        me: user.user_id,
        users: page.items,
        q: query.q,
        role: query.role,
        status: query.status,
        next_page,
    }))
}

pub async fn user_action(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id = path_id(&id)?;
    let (path, reason, done) = match action.as_str() {
        "disable" => (
            format!("/admin/users/{id}/disable"),
            Some(form.reason.as_str()),
            "The account is disabled and signed out.",
        ),
        "enable" => (format!("/admin/users/{id}/enable"), None, "The account is enabled again."),
        "revoke-seller" => {
            (format!("/admin/users/{id}/revoke-seller"), Some(form.reason.as_str()), "The seller role was revoked.")
        }
        _ => return Err(PageError::NotFound),
    };
    match app.identity.admin_action(&user.access_token, &path, reason).await {
        Ok(()) => session.flash("success", done),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to("/admin/users").into_response())
}
