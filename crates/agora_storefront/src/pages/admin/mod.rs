//! Admin pages: users (search, disable, enable, revoke a seller) and seller applications (approve, reject).
//! The pages only show what the admin API allows; identity checks the admin role again on every call.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{rejected, render, signed_in};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::identity::ClientError;
use crate::identity::{Account, Application};
use crate::session::{Session, SignedIn};

fn admin(session: &Session, uri: &Uri) -> Result<SignedIn, PageError> {
    let user = signed_in(session, uri)?;
    if user.has("admin") { Ok(user) } else { Err(PageError::Forbidden) }
}

/// The query of an admin API call: the page's filters that are set, and the cursor if any.
fn api_query<'a>(params: &[(&'a str, &'a str)], cursor: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut query: Vec<(&str, &str)> = params.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    if !cursor.is_empty() {
        query.push(("cursor", cursor));
    }
    query
}

fn next_link(base: &str, params: &[(&str, &str)], cursor: Option<String>) -> Option<String> {
    let cursor = cursor?;
    let mut pairs: Vec<(&str, &str)> = params.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    pairs.push(("cursor", &cursor));
    serde_urlencoded::to_string(&pairs).ok().map(|query| format!("{base}?{query}"))
}

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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

pub async fn user_action(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
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

#[derive(Template)]
#[template(path = "admin/applications.html")]
struct ApplicationsPage {
    chrome: Chrome,
    status: String,
    applications: Vec<Application>,
    next_page: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplicationsQuery {
    status: String,
    cursor: String,
}

pub async fn applications(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(query): Query<ApplicationsQuery>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let status = if query.status.is_empty() { "pending".to_owned() } else { query.status };
    let call = api_query(&[("status", status.as_str())], &query.cursor);
    let page = app.identity.applications(&user.access_token, &call).await?;
    let next_page = next_link("/admin/applications", &[("status", status.as_str())], page.next_cursor);
    Ok(render(&ApplicationsPage {
        chrome: Chrome::new(&session, "Seller applications", "/admin/applications"),
        status,
        applications: page.items,
        next_page,
    }))
}

pub async fn application_action(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let (reason, done) = match action.as_str() {
        "approve" => (None, "Approved: the applicant is now a seller."),
        "reject" => (Some(form.reason.as_str()), "Rejected: the applicant has been told why."),
        _ => return Err(PageError::NotFound),
    };
    let path = format!("/admin/seller-applications/{id}/{action}");
    match app.identity.admin_action(&user.access_token, &path, reason).await {
        Ok(()) => session.flash("success", done),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to("/admin/applications").into_response())
}

/// What to tell the admin when identity refused an action (a decided application, their own account…).
fn refusal(err: ClientError) -> Result<String, PageError> {
    match err {
        ClientError::Problem(problem) if problem.status == 403 && problem.code != "forbidden" => {
            Ok(problem.detail.map(|d| super::capitalise(&d)).unwrap_or_else(|| "That is not allowed.".to_owned()))
        }
        ClientError::Problem(problem) if problem.status == 404 => Ok("It no longer exists.".to_owned()),
        other => Ok(rejected(other)?.message_or("That did not work.")),
    }
}
