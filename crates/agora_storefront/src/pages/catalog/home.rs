//! The home page.

use askama::Template;
use axum::Extension;
use axum::response::Response;

use super::render;
use crate::chrome::Chrome;
use crate::session::Session;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    signed_in: bool,
    is_seller: bool,
}

pub async fn show(Extension(session): Extension<Session>) -> Response {
    let user = session.user();
    render(&HomePage {
        chrome: Chrome::new(&session, "Welcome", "/"),
        signed_in: user.is_some(),
        is_seller: user.is_some_and(|u| u.has("seller")),
    })
}
