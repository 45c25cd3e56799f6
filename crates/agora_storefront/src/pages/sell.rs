//! Selling: apply with a shop name and description; see the application's state; once approved, the shop.

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
#[template(path = "sell.html")]
struct SellPage {
    chrome: Chrome,
    me: Me,
    can_apply: bool,
    shop_name: String,
    description: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyForm {
    shop_name: String,
    description: String,
}

async fn page(
    app: &Storefront,
    session: &Session,
    uri: &Uri,
    status: StatusCode,
    form: ApplyForm,
    rejected: Option<Rejected>,
) -> Result<Response, PageError> {
    let user = signed_in(session, uri)?;
    let me = app.identity.me(&user.access_token).await?;
    // Approved since this token was issued: refresh now, so the seller navigation appears at once.
    if me.account.roles != user.roles
        && let Ok(tokens) = app.identity.refresh(&user.refresh_token).await
    {
        session.refreshed(&tokens);
    }
    let pending = me.application.as_ref().is_some_and(|a| a.status == "pending");
    let can_apply = me.seller.is_none() && !pending;
    if let Some(rejected) = &rejected
        && !rejected.message.is_empty()
        && rejected.fields.is_empty()
    {
        session.flash("error", rejected.message.clone());
    }
    let title = if me.seller.is_some() { "My shop" } else { "Sell on Agora" };
    let errors = rejected.map(|r| r.fields).unwrap_or_default();
    let chrome = Chrome::new(session, title, "/sell");
    Ok(render_with(
        status,
        &SellPage { chrome, me, can_apply, shop_name: form.shop_name, description: form.description, errors },
    ))
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
) -> Result<Response, PageError> {
    page(&app, &session, &uri, StatusCode::OK, ApplyForm::default(), None).await
}

pub async fn apply(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<ApplyForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    match app.identity.apply(&user.access_token, &form.shop_name, &form.description).await {
        Ok(application) => {
            session.flash(
                "success",
                format!("Thank you! Your application for {} has been sent for review.", application.shop_name),
            );
            Ok(Redirect::to("/sell").into_response())
        }
        Err(err) => {
            let rejected = rejected(err)?;
            page(&app, &session, &uri, StatusCode::UNPROCESSABLE_ENTITY, form, Some(rejected)).await
        }
    }
}
