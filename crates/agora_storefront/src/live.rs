//! What the live parts of the pages need from the storefront: the header's unread counts, asked of chat
//! and notify before a page renders (a short timeout each, in parallel; a service that does not answer only
//! loses its badge), and `POST /live/token`, which hands the page's script the signed-in user's access token
//! to authenticate its sockets (`/api/chat/ws`, `/api/notify/ws`) and renew them.

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Storefront;
use crate::session::{self, Session, Unread};

/// The header the script sends the page's CSRF token in (from `<meta name="csrf-token">`).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A token handed to the script has more than this many seconds left, so its renewal (~60 s before
/// expiry) never asks again at once: one with less is refreshed first, as pages refresh theirs.
const TOKEN_MARGIN_SECS: i64 = 90;

/// Asks chat and notify for the signed-in user's unread counts before a page is rendered.
pub async fn header_counts(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    request: Request,
    next: Next,
) -> Response {
    if wants_counts(&request)
        && let Some(user) = session.user()
    {
        let (messages, notifications) =
            tokio::join!(app.chat.unread(&user.access_token), app.notify.unread(&user.access_token));
        session.set_unread(Unread { messages, notifications });
    }
    next.run(request).await
}

/// Pages (GET) have a header; forms answer with a redirect, and the static files and the token have none.
fn wants_counts(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET && !path.starts_with("/static/") && !path.starts_with("/live/")
}

/// `POST /live/token`: `{token, expires_at, expires_in}` for the signed-in user (refreshed first when it is
/// close to expiring), never cached; 401 when signed out, 403 without the page's CSRF token.
pub async fn token(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Response {
    let signed_out = || answer(StatusCode::UNAUTHORIZED, json!({ "code": "signed_out", "detail": "sign in again" }));
    if session.user().is_none() {
        return signed_out();
    }
    let submitted = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !session.csrf_matches(submitted) {
        return answer(StatusCode::FORBIDDEN, json!({ "code": "csrf", "detail": "reload the page" }));
    }
    session::keep_fresh(&app, &session, TOKEN_MARGIN_SECS).await;
    // Identity may have refused the refresh and ended the session.
    let Some(user) = session.user() else { return signed_out() };
    let expires_in = (user.expires_at - session::now_secs()).max(0);
    answer(
        StatusCode::OK,
        json!({ "token": user.access_token, "expires_at": user.expires_at, "expires_in": expires_in }),
    )
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
