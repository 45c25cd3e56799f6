//! The notifications page, `/notifications`: the user's inbox from notify, newest first a page at a time,
//! unread ones marked, each with its link; "Mark read" on each unread one and "Mark all read"; and which
//! kinds to mute (a checkbox per category). Every action is a plain form that comes back to the page. While
//! notify does not answer, the page says so.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::notify::{Inbox, Notification, Preferences};
use crate::pages::paging::{PageQuery, next_link};
use crate::pages::{capitalise, local_path, path_id, render_with, signed_in};
use crate::session::Session;
use agora_http::client::ClientError;

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct NotificationsPage {
    chrome: Chrome,
    /// None: notify could not be asked.
    inbox: Option<Inbox>,
    preferences: Option<Preferences>,
    notice: String,
    first_page: Option<String>,
    next_page: Option<String>,
    /// This page's address, where its forms come back to.
    back: String,
}

impl NotificationsPage {
    /// Where a notification leads: its storefront path, or nowhere when it names anything else.
    fn link(&self, notification: &Notification) -> String {
        storefront_link(&notification.link)
    }
}

/// `link` when it is a path of this site; empty otherwise (never `javascript:` or another site).
fn storefront_link(link: &str) -> String {
    let link = link.trim();
    if link.is_empty() || local_path(link) != link { String::new() } else { link.to_owned() }
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let back = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let first_page = (!query.cursor.is_empty()).then(|| "/notifications".to_owned());
    let token = &user.access_token;
    let (inbox, preferences) = tokio::join!(app.notify.inbox(token, &query.cursor), app.notify.preferences(token));
    let (status, inbox, notice) = match inbox {
        Ok(inbox) => (StatusCode::OK, Some(inbox), String::new()),
        Err(ClientError::Problem(problem)) if problem.status == 401 => return Err(PageError::SessionEnded),
        Err(ClientError::Problem(problem)) if problem.status == 400 || problem.status == 422 => {
            let notice = "This page of your notifications is no longer available. Start again from the first page.";
            (StatusCode::BAD_REQUEST, None, notice.to_owned())
        }
        Err(err) => {
            tracing::warn!(error = %err, "the notifications page is shown without the inbox");
            let notice = "Your notifications cannot be shown right now. Nothing is lost: please try again in a minute.";
            (StatusCode::SERVICE_UNAVAILABLE, None, notice.to_owned())
        }
    };
    let preferences = preferences
        .inspect_err(|err| tracing::info!(error = %err, "the notifications page is shown without preferences"))
        .ok();
    // The inbox's count is newer than the header's (asked before it).
    if let Some(inbox) = &inbox {
        let mut unread = session.unread();
        unread.notifications = Some(inbox.unread);
        session.set_unread(unread);
    }
    let next_page = next_link("/notifications", &[], inbox.as_ref().and_then(|i| i.next_cursor.clone()));
    let page = NotificationsPage {
        chrome: Chrome::new(&session, "Notifications", "/notifications"),
        inbox,
        preferences,
        notice,
        first_page,
        next_page,
        back,
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BackForm {
    back: String,
}

pub async fn read(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let id = path_id(&id)?;
    match app.notify.read(&user.access_token, id).await {
        Ok(()) => {}
        Err(ClientError::Problem(problem)) if problem.status == 404 => return Err(PageError::NotFound),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(back_to(&form.back)).into_response())
}

pub async fn read_all(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    match app.notify.read_all(&user.access_token).await {
        Ok(()) => session.flash("success", "All notifications are marked read."),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(back_to(&form.back)).into_response())
}

/// Saves the mute checkboxes: the categories checked are muted, the others not.
pub async fn mute(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let muted: Vec<String> = form.iter().filter(|(k, _)| k == "muted").map(|(_, v)| v.clone()).collect();
    let back = form.iter().find(|(k, _)| k == "back").map_or("", |(_, v)| v.as_str());
    match app.notify.set_muted(&user.access_token, &muted).await {
        Ok(preferences) => {
            let names: Vec<&str> =
                preferences.categories.iter().filter(|c| c.muted).map(|c| c.label.as_str()).collect();
            let message = if names.is_empty() {
                "Saved: you are told about everything.".to_owned()
            } else {
                format!("Saved: you are no longer told about {}.", names.join(", ").to_lowercase())
            };
            session.flash("success", message);
        }
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(&format!("{}#preferences", back_to(back))).into_response())
}

/// Where a form goes back to: the local page it names, else the notifications.
fn back_to(back: &str) -> &str {
    if back.is_empty() { "/notifications" } else { local_path(back) }
}

/// What to tell the user when notify refuses or does not answer; a token it no longer accepts ends the
/// session.
fn refusal(err: ClientError) -> Result<String, PageError> {
    let ClientError::Problem(problem) = err else {
        tracing::warn!(error = %err, "notifications could not be changed");
        return Ok("Your notifications cannot be changed right now. Please try again in a minute.".to_owned());
    };
    match problem.status {
        401 => Err(PageError::SessionEnded),
        _ => Ok(problem
            .errors
            .first()
            .map(|e| capitalise(&e.message))
            .unwrap_or_else(|| capitalise(problem.detail.as_deref().unwrap_or("That could not be done.")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_go_back_only_to_local_pages() {
        assert_eq!(back_to("/notifications?cursor=abc"), "/notifications?cursor=abc");
        assert_eq!(back_to("https://evil.example"), "/");
        assert_eq!(back_to(""), "/notifications");
    }

    #[test]
    fn a_notification_links_only_to_a_storefront_page() {
        assert_eq!(storefront_link("/orders/42"), "/orders/42");
        for outside in ["javascript:alert(1)", "https://evil.example/", "//evil.example", ""] {
            assert_eq!(storefront_link(outside), "", "{outside}");
        }
    }
}
