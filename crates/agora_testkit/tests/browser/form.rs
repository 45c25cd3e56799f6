//! Filling and submitting a labelled form, screenshots, and a phone-width viewport.

use std::collections::HashMap;

use agora_testkit::Browser;
use axum::routing::get;
use axum::{Form, Router, response::Html};

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
    let name = fields.get("shop_name").map(String::as_str).unwrap_or_default();
    let motto = fields.get("motto").map(String::as_str).unwrap_or_default();
    // The test only sends plain words; a real page would escape them.
    Html(format!(r#"<!doctype html><p id="saved">Saved {name}: {motto}</p>"#))
}

/// Serves the form on a free port and returns its base URL.
async fn serve() -> String {
    let app = Router::new().route("/", get(|| async { Html(FORM) })).route("/echo", get(|| async { "" }).post(echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn assert_png(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", path.display());
}

#[tokio::test]
async fn a_labelled_form_is_filled_submitted_and_its_answer_shown() {
    let Some(browser) = Browser::launch("a_labelled_form_is_filled_submitted_and_its_answer_shown").await else {
        return;
    };
    let base = serve().await;

    browser.goto(&base).await;
    browser.fill_labelled("Shop name", "Tidy Teapots").await;
    browser.fill_labelled("Motto", "steeped").await;
    let before = browser.screenshot("filled").await;
    browser.click_button("Save shop").await;
    let saved = browser.wait_for_text("#saved", "Tidy Teapots").await;
    let after = browser.screenshot("saved").await;

    assert_eq!(saved, "Saved Tidy Teapots: steeped");
    assert_eq!(browser.current_path().await, "/echo");
    assert!(before.ends_with("01-filled.png") && after.ends_with("02-saved.png"), "{before:?} {after:?}");
    assert_png(&before);
    assert_png(&after);
    browser.close().await;
}

#[tokio::test]
async fn the_viewport_can_be_narrowed_to_a_phone() {
    let Some(browser) = Browser::launch("the_viewport_can_be_narrowed_to_a_phone").await else {
        return;
    };
    let base = serve().await;
    browser.goto(&base).await;

    browser.set_viewport(375, 800).await;

    let size = browser.client().execute("return [window.innerWidth, window.innerHeight];", vec![]).await.unwrap();
    assert_eq!(size, serde_json::json!([375, 800]));
    assert_eq!(browser.text("h1").await, "Echo");
    assert_png(&browser.screenshot("phone").await);
    browser.close().await;
}
