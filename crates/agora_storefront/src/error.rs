//! Pages for what went wrong: not found, not allowed, a form that expired, a service that is down, and our
//! own failures. Handlers return [`PageError`]; the layout middleware renders it with the visitor's
//! navigation, since only it holds the session.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use agora_http::client::ClientError;

#[derive(Debug, Clone)]
pub enum PageError {
    NotFound,
    Forbidden,
    /// A seller tried to change another seller's product.
    NotYourProduct,
    /// The seller's shop was suspended: products cannot be listed or changed.
    ShopSuspended,
    /// A form posted without its CSRF token, or with a stale one.
    Csrf,
    /// A service the page needs did not answer.
    Unavailable,
    Internal(String),
    /// Sign in first, then come back to this path.
    SignIn(String),
    /// Identity no longer accepts the session's tokens: sign out and ask to sign in again.
    SessionEnded,
    /// A request the page cannot make sense of (a stale link, a hand-edited address).
    BadRequest,
    MethodNotAllowed,
}

/// Left in a response for the layout middleware: end the visitor's session.
#[derive(Debug, Clone, Copy)]
pub struct SessionEnded;

/// An error page to render, left in the response for the layout middleware.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: &'static str,
}

impl PageError {
    pub fn page(&self) -> ErrorPage {
        let (status, title, message) = match self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "We looked everywhere, but there is no page at this address. It may have moved, or the link may be mistyped.",
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not allowed",
                "Your account cannot open this page. If you think it should, ask an administrator.",
            ),
            PageError::NotYourProduct => (
                StatusCode::FORBIDDEN,
                "Not your product",
                "This product belongs to another seller, so you cannot change it. You can manage your own products under Your products.",
            ),
            PageError::ShopSuspended => (
                StatusCode::FORBIDDEN,
                "Your shop is suspended",
                "An administrator has suspended your shop, so products cannot be listed or changed. Contact us if you think this is a mistake.",
            ),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your safety we could not accept this form. Go back, reload the page and send it again.",
            ),
            PageError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporarily unavailable",
                "Part of Agora is not answering right now. Please try again in a minute.",
            ),
            PageError::BadRequest => (
                StatusCode::BAD_REQUEST,
                "That did not make sense to us",
                "The address or the filters of this page are not valid. Go back, or start again from the home page.",
            ),
            PageError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Not like that",
                "This page cannot be opened this way. Use the buttons and links on the site.",
            ),
            PageError::Internal(_) | PageError::SignIn(_) | PageError::SessionEnded => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Sorry — something broke on our side. It has been logged; please try again.",
            ),
        };
        ErrorPage { status, title, message }
    }
}

impl From<ClientError> for PageError {
    fn from(err: ClientError) -> PageError {
        match err {
            ClientError::Unavailable(reason) => {
                tracing::warn!(%reason, "a service did not answer the storefront");
                PageError::Unavailable
            }
            ClientError::Problem(p) if p.status == 401 => PageError::SessionEnded,
            ClientError::Problem(p) if p.status == 400 || p.status == 422 => PageError::BadRequest,
            ClientError::Problem(p) if p.status == 403 && p.code == "not_product_owner" => PageError::NotYourProduct,
            ClientError::Problem(p) if p.status == 403 && p.code == "seller_suspended" => PageError::ShopSuspended,
            ClientError::Problem(p) if p.status == 403 => PageError::Forbidden,
            ClientError::Problem(p) if p.status == 404 => PageError::NotFound,
            ClientError::Problem(p) => PageError::Internal(format!("unexpected answer {}: {}", p.status, p.code)),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn(next) => {
                let target = if next.is_empty() { "/sign-in".to_owned() } else { format!("/sign-in?next={next}") };
                Redirect::to(&target).into_response()
            }
            PageError::SessionEnded => {
                let mut response = Redirect::to("/sign-in").into_response();
                response.extensions_mut().insert(SessionEnded);
                response
            }
            other => {
                if let PageError::Internal(reason) = &other {
                    tracing::error!(%reason, "page failed");
                }
                let page = other.page();
                let mut response = page.status.into_response();
                response.extensions_mut().insert(page);
                response
            }
        }
    }
}
