//! The account page: who you are, and changing your password.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{FormErrors, Rejected, rejected, render_with, signed_in};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::identity::Me;
use crate::session::Session;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    me: Me,
    roles: String,
    errors: FormErrors,
    form_error: String,
}

async fn page(
    app: &Storefront,
    session: &Session,
    uri: &Uri,
    status: StatusCode,
    rejected: Option<Rejected>,
) -> Result<Response, PageError> {
    let user = signed_in(session, uri)?;
    let me = app.identity.me(&user.access_token).await?;
    let roles = me.account.roles.join(", ");
    let (errors, form_error) = rejected.map(|r| (r.fields, r.message)).unwrap_or_default();
    Ok(render_with(
        status,
        &AccountPage { chrome: Chrome::new(session, "Your account", "/account"), me, roles, errors, form_error },
    ))
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
) -> Result<Response, PageError> {
    page(&app, &session, &uri, StatusCode::OK, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    if form.current_password.is_empty() {
        let mut fields = FormErrors::default();
        fields.0.insert("current_password".into(), "Enter your current password.".into());
        let rejected = Rejected { fields, message: "Please correct the highlighted fields.".into() };
        return page(&app, &session, &uri, StatusCode::UNPROCESSABLE_ENTITY, Some(rejected)).await;
    }
    match app.identity.change_password(&user.access_token, &form.current_password, &form.new_password).await {
        Ok(()) => {
            session.flash("success", "Your password has been changed. Other devices have been signed out.");
            Ok(Redirect::to("/account").into_response())
        }
        Err(err) => {
            let rejected = rejected(err)?;
            page(&app, &session, &uri, StatusCode::UNPROCESSABLE_ENTITY, Some(rejected)).await
        }
    }
}
