//! Registering, signing in and signing out. Signing in (a new account too) brings along what the visitor
//! put in their cart.

use agora_http::ClientAddr;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::cart::shopper::adopt_guest_cart;
use super::{FormErrors, local_path, rejected, render, render_with};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::session::Session;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    email: String,
    display_name: String,
    /// Where to go once the account is made (a local path).
    next: String,
    errors: FormErrors,
    form_error: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    email: String,
    password: String,
    display_name: String,
    next: String,
}

pub async fn register_form(Extension(session): Extension<Session>, Query(query): Query<NextQuery>) -> Response {
    if session.user().is_some() {
        return Redirect::to(local_path(&query.next)).into_response();
    }
    render(&RegisterPage {
        chrome: Chrome::new(&session, "Create your account", "/register"),
        email: String::new(),
        display_name: String::new(),
        next: local_path(&query.next).to_owned(),
        errors: FormErrors::default(),
        form_error: String::new(),
    })
}

/// Creates the account and signs it in.
pub async fn register(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    ClientAddr(client): ClientAddr,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<Response, PageError> {
    let result = app.identity.register(&form.email, &form.password, &form.display_name, client).await;
    let signed_in = match result {
        Ok(_) => match app.identity.sign_in(&form.email, &form.password, client).await {
            Ok(tokens) => Ok(tokens),
            // The account exists; only the automatic sign-in failed. Never show the form again as if it had not.
            Err(err) => {
                tracing::warn!(error = %err, "signing in a new account failed");
                session.flash("success", "Your account is ready. Please sign in.");
                return Ok(Redirect::to("/sign-in").into_response());
            }
        },
        Err(err) => Err(err),
    };
    match signed_in {
        Ok(tokens) => {
            session.sign_in(&tokens);
            adopt_guest_cart(&app, &session).await;
            session.flash("success", format!("Welcome to Agora, {}!", tokens.user.display_name));
            Ok(Redirect::to(local_path(&form.next)).into_response())
        }
        Err(err) => {
            let rejected = rejected(err)?;
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterPage {
                    chrome: Chrome::new(&session, "Create your account", "/register"),
                    email: form.email,
                    display_name: form.display_name,
                    next: local_path(&form.next).to_owned(),
                    errors: rejected.fields,
                    form_error: rejected.message,
                },
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    email: String,
    next: String,
    errors: FormErrors,
    form_error: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn sign_in_form(Extension(session): Extension<Session>, Query(query): Query<NextQuery>) -> Response {
    if session.user().is_some() {
        return Redirect::to(local_path(&query.next)).into_response();
    }
    render(&SignInPage {
        chrome: Chrome::new(&session, "Sign in", "/sign-in"),
        email: String::new(),
        next: local_path(&query.next).to_owned(),
        errors: FormErrors::default(),
        form_error: String::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    next: String,
}

pub async fn sign_in(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    ClientAddr(client): ClientAddr,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, PageError> {
    match app.identity.sign_in(&form.email, &form.password, client).await {
        Ok(tokens) => {
            session.sign_in(&tokens);
            adopt_guest_cart(&app, &session).await;
            session.flash("success", format!("Signed in as {}.", tokens.user.display_name));
            Ok(Redirect::to(local_path(&form.next)).into_response())
        }
        Err(err) => {
            let rejected = rejected(err)?;
            let status = if rejected.message.starts_with("Too many") {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok(render_with(
                status,
                &SignInPage {
                    chrome: Chrome::new(&session, "Sign in", "/sign-in"),
                    email: form.email,
                    next: local_path(&form.next).to_owned(),
                    errors: rejected.fields,
                    form_error: rejected.message,
                },
            ))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct Empty {}

/// Ends the session at identity too, so the refresh token is worthless even if the cookie was copied.
pub async fn sign_out(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    if let Some(user) = session.sign_out()
        && let Err(err) = app.identity.sign_out(&user.refresh_token).await
    {
        tracing::warn!(error = %err, "identity did not confirm the sign-out; the local session is gone anyway");
    }
    session.flash("info", "You have signed out.");
    Redirect::to("/").into_response()
}
