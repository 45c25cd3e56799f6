//! Static files, compiled into the binary: no CDN, nothing to deploy beside it.

use axum::http::header;
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("../static/agora.css");
/// The live parts of signed-in pages: sockets, badges, toasts, messages arriving (see the file's header).
const LIVE_SCRIPT: &str = include_str!("../static/live.js");

pub async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
}

pub async fn live_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        LIVE_SCRIPT,
    )
}
