//! The page under test: a labelled form that posts to an echo handler.

use std::collections::HashMap;

use axum::response::Html;
use axum::routing::{get, post};
use axum::{Form, Router};

const FORM: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Echo</title></head>
<body>
  <h1>Echo</h1>
  <form method="post" action="/echo">
    <label for="shop-name">Shop name</label>
    <input id="shop-name" name="shop_name" value="placeholder">
    <label>Motto <input name="motto"></label>
    <button type="submit">Save shop</button>
  </form>
</body>
</html>"#;

async fn echo(Form(fields): Form<HashMap<String, String>>) -> Html<String> {
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    // The tests send plain words; a real page would escape them.
    Html(format!(r#"<!doctype html><p id="saved">Saved {}: {}</p>"#, field("shop_name"), field("motto")))
}

/// Serves the page on a free port and returns its base URL.
pub async fn serve() -> String {
    let app = Router::new().route("/", get(|| async { Html(FORM) })).route("/echo", post(echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}
