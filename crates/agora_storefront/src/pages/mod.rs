//! The pages and what they share: rendering, form errors, ids in the address, the sign-in guard, security
//! headers, and turning an [`ErrorPage`] left by a handler into a page with the visitor's navigation.

mod account;
mod admin;
mod auth;
mod cart;
mod catalog;
mod checkout;
mod messages;
mod notifications;
pub mod orders;
mod paging;
mod sell;
mod seller;
pub mod wishlist;

use std::collections::BTreeMap;

use agora_http::Problem;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use uuid::Uuid;

use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::{ErrorPage, PageError, SessionEnded};
use crate::session::{self, Session, SignedIn};
use agora_http::client::{ClientError, Problem as ServiceProblem};

pub fn router(app: Storefront) -> Router {
    let upload_limit = app.max_upload_bytes.saturating_add(seller::images::MULTIPART_OVERHEAD);
    Router::new()
        .route("/", get(catalog::home::show))
        .route("/search", get(catalog::search::show))
        .route("/c/{slug}", get(catalog::category::show))
        .route("/p/{id}", get(catalog::product::show))
        .route("/p/{id}/reviews", post(catalog::review_forms::post))
        .route("/p/{id}/reviews/{review}", post(catalog::review_forms::edit))
        .route("/p/{id}/reviews/{review}/reply", post(catalog::review_forms::reply))
        .route("/p/{id}/reviews/{review}/remove", post(catalog::review_forms::remove))
        .route("/register", get(auth::register_form).post(auth::register))
        .route("/sign-in", get(auth::sign_in_form).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/cart", get(cart::show))
        .route("/cart/items", post(cart::add))
        .route("/cart/items/{id}", post(cart::update))
        .route("/cart/items/{id}/remove", post(cart::remove))
        .route("/cart/acknowledge", post(cart::acknowledge))
        .route("/wishlist", get(wishlist::show))
        .route("/wishlist/items", post(wishlist::save))
        .route("/wishlist/items/{id}/remove", post(wishlist::remove))
        .route("/checkout", get(checkout::show).post(checkout::place))
        .route("/checkout/addresses", post(checkout::add_address))
        .route("/checkout/{id}", get(checkout::status))
        .route("/checkout/{id}/pay", post(checkout::pay))
        .route("/checkout/{id}/result", get(checkout::result))
        .route("/orders", get(orders::list))
        .route("/orders/{id}", get(orders::show))
        .route("/orders/{id}/cancel", post(orders::cancel))
        .route("/messages", get(messages::list).post(messages::open))
        .route("/messages/{id}", get(messages::show).post(messages::send))
        .route("/notifications", get(notifications::show))
        .route("/notifications/read-all", post(notifications::read_all))
        .route("/notifications/preferences", post(notifications::mute))
        .route("/notifications/{id}/read", post(notifications::read))
        .route("/live/token", post(crate::live::token))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/sell", get(sell::show).post(sell::apply))
        .route("/sell/products", get(seller::products::list).post(seller::edit::create))
        .route("/sell/products/new", get(seller::edit::new_form))
        .route("/sell/products/{id}", post(seller::edit::update))
        .route("/sell/products/{id}/edit", get(seller::edit::edit_form))
        .route("/sell/products/{id}/delete", get(seller::products::confirm_delete).post(seller::products::delete))
        .route("/sell/products/{id}/{action}", post(seller::products::set_hidden))
        .route(
            "/sell/products/{id}/images",
            // Only this route takes a body as large as a picture.
            post(seller::images::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/sell/products/{id}/images/{image_id}/delete", post(seller::images::remove))
        .route("/sell/orders", get(seller::orders::list))
        .route("/sell/orders/{id}", get(seller::order::show))
        .route("/sell/orders/{id}/ship", post(seller::order::ship))
        .route("/sell/orders/{id}/deliver", post(seller::order::deliver))
        .route("/sell/orders/{id}/cancel", post(seller::order::cancel))
        .route("/sell/overview", get(seller::overview::show))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{id}/{action}", post(admin::user_action))
        .route("/admin/applications", get(admin::applications))
        .route("/admin/applications/{id}/{action}", post(admin::application_action))
        .route("/admin/categories", get(admin::categories).post(admin::create_category))
        .route("/admin/categories/{id}", post(admin::update_category))
        .route("/admin/categories/{id}/delete", post(admin::delete_category))
        .route("/admin/products", get(admin::products))
        .route("/admin/products/{id}/{action}", post(admin::moderate))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { PageError::MethodNotAllowed })
        .layer(middleware::from_fn(error_pages))
        .layer(middleware::from_fn_with_state(app.clone(), crate::live::header_counts))
        .layer(middleware::from_fn_with_state(app.clone(), session::middleware))
        .with_state(app)
        // Static files stay outside the session: publicly cacheable answers must never carry a cookie.
        .route("/static/agora.css", get(crate::assets::stylesheet))
        .route("/static/live.js", get(crate::assets::live_script))
        .layer(middleware::from_fn(security_headers))
}

/// Unknown API paths get problem+json; anything else a page.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        Problem::not_found().into_response()
    } else {
        PageError::NotFound.into_response()
    }
}

/// Renders a template, or the error page if rendering fails.
pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => PageError::Internal(format!("template failed: {err}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    message: &'static str,
}

async fn error_pages(Extension(session): Extension<Session>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if response.extensions().get::<SessionEnded>().is_some() {
        session.sign_out();
        session.flash("info", "Your session has ended. Please sign in again.");
    }
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else { return response };
    let template = ErrorTemplate {
        chrome: Chrome::new(&session, page.title, &path),
        status: page.status.as_u16(),
        title: page.title,
        message: page.message,
    };
    match template.render() {
        Ok(html) => (page.status, Html(html)).into_response(),
        Err(_) => (page.status, page.message).into_response(),
    }
}

/// No framing, no foreign scripts or styles, no MIME sniffing, no referrer leaks; connections (the live
/// script's `fetch` and its sockets) only to this site.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in set {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html")) {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

/// The signed-in visitor, or a redirect to sign in and come back.
pub fn signed_in(session: &Session, uri: &Uri) -> Result<SignedIn, PageError> {
    match session.user() {
        Some(user) => Ok(user),
        None => {
            session.flash("info", "Please sign in to continue.");
            Err(PageError::SignIn(uri.path().to_owned()))
        }
    }
}

/// An id from the address (a product, an order, a picture…); anything else is not a page.
pub fn path_id(text: &str) -> Result<Uuid, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

/// Field messages of a form, by field name.
#[derive(Debug, Default)]
pub struct FormErrors(BTreeMap<String, String>);

impl FormErrors {
    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes the messages about fields the form does not have, and returns them (to show above it).
    pub fn remove_unknown(&mut self, known: &[&str]) -> Vec<String> {
        let unknown: Vec<String> = self.0.keys().filter(|k| !known.contains(&k.as_str())).cloned().collect();
        unknown.iter().filter_map(|field| self.0.remove(field)).collect()
    }

    /// Sets the field's message, unless it has one already.
    pub fn insert(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_insert_with(|| message.into());
    }
}

/// What a failed form submission shows: messages next to fields, or one message above the form.
pub struct Rejected {
    pub fields: FormErrors,
    pub message: String,
}

impl Rejected {
    /// One line for a flash message: the form message, else the first field's.
    pub fn message_or(self, fallback: &str) -> String {
        let first_field = self.fields.0.into_values().next();
        match (self.message.as_str(), first_field) {
            ("Please correct the highlighted fields.", Some(field)) => field,
            ("", Some(field)) => field,
            ("", None) => fallback.to_owned(),
            (message, _) => message.to_owned(),
        }
    }
}

/// Sorts a service's answer to a form into field messages and a form message; errors that are not about the
/// form become error pages.
pub fn rejected(err: ClientError) -> Result<Rejected, PageError> {
    match err {
        ClientError::Problem(problem) if matches!(problem.status, 400 | 409 | 413 | 415 | 422 | 429) => {
            Ok(describe(&problem))
        }
        ClientError::Problem(ServiceProblem { status: 401, code, .. })
            if code == "bad_credentials" || code == "wrong_password" =>
        {
            let message = if code == "bad_credentials" {
                "That email and password do not match an account."
            } else {
                "Your current password is not right."
            };
            let mut fields = FormErrors::default();
            if code == "wrong_password" {
                fields.0.insert("current_password".into(), message.into());
            }
            Ok(Rejected { fields, message: if code == "bad_credentials" { message.into() } else { String::new() } })
        }
        ClientError::Problem(problem) if problem.code == "account_disabled" => {
            Ok(Rejected { fields: FormErrors::default(), message: "This account has been disabled.".into() })
        }
        other => Err(other.into()),
    }
}

fn describe(problem: &ServiceProblem) -> Rejected {
    let mut fields = FormErrors::default();
    for error in &problem.errors {
        fields.0.entry(error.field.clone()).or_insert_with(|| capitalise(&error.message));
    }
    let message = if problem.status == 429 {
        let minutes = problem.retry_after.map(|s| s.div_ceil(60)).unwrap_or(1);
        format!("Too many attempts. Please wait {minutes} minute{} and try again.", if minutes == 1 { "" } else { "s" })
    } else if fields.is_empty() {
        capitalise(problem.detail.as_deref().unwrap_or("Please check the form."))
    } else {
        "Please correct the highlighted fields.".to_owned()
    };
    Rejected { fields, message }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let rest: String = chars.collect();
            let sentence = format!("{}{rest}", first.to_uppercase());
            if sentence.ends_with('.') { sentence } else { format!("{sentence}.") }
        }
        None => String::new(),
    }
}

/// A safe place to return to after signing in: a local path, never another site (browsers drop tabs and
/// newlines, so `/\t/evil.example` would become `//evil.example`).
pub fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::{FormErrors, local_path};

    #[test]
    fn messages_about_fields_a_form_lacks_are_taken_out() {
        let mut errors = FormErrors::default();
        errors.insert("title", "Too short.");
        errors.insert("expected_available", "Not a number.");
        assert_eq!(errors.remove_unknown(&["title", "price"]), ["Not a number."]);
        assert_eq!(errors.get("title"), "Too short.");
        assert_eq!(errors.get("expected_available"), "");
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path("/account"), "/account");
        for outside in ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example", "", "account"]
        {
            assert_eq!(local_path(outside), "/", "{outside:?}");
        }
    }
}
