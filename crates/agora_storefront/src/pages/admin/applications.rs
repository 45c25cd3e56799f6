//! Seller applications: approve or reject.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{ReasonForm, admin, api_query, refusal};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::identity::Application;
use crate::pages::paging::next_link;
use crate::pages::{path_id, render};
use crate::session::Session;

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
    let id = path_id(&id)?;
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
