//! Filling and submitting a labelled form, screenshots, and a phone-width viewport.

use std::path::Path;

use agora_testkit::Browser;

use crate::page::serve;

fn assert_png(path: &Path) {
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
    let filled = browser.screenshot("filled").await;
    browser.click_button("Save shop").await;
    let saved = browser.wait_for_text("#saved", "Tidy Teapots").await;
    let shown = browser.screenshot("saved").await;

    assert_eq!(saved, "Saved Tidy Teapots: steeped");
    assert_eq!(browser.current_path().await, "/echo");
    assert!(filled.ends_with("01-filled.png") && shown.ends_with("02-saved.png"), "{filled:?} {shown:?}");
    assert!(
        filled
            .parent()
            .unwrap()
            .ends_with("browser-artifacts/a_labelled_form_is_filled_submitted_and_its_answer_shown")
    );
    assert_png(&filled);
    assert_png(&shown);
    browser.close().await;
}

#[tokio::test]
async fn fill_by_selector_replaces_what_the_field_held() {
    let Some(browser) = Browser::launch("fill_by_selector_replaces_what_the_field_held").await else {
        return;
    };
    browser.goto(&serve().await).await;

    browser.fill("#shop-name", "Quiet Quills").await;
    browser.click("button[type=submit]").await;

    assert_eq!(browser.wait_for_text("#saved", "Saved").await, "Saved Quiet Quills:");
    assert!(browser.page_source().await.contains("Quiet Quills"));
    browser.close().await;
}

#[tokio::test]
async fn the_viewport_can_be_narrowed_to_a_phone() {
    let Some(browser) = Browser::launch("the_viewport_can_be_narrowed_to_a_phone").await else {
        return;
    };
    browser.goto(&serve().await).await;

    browser.set_viewport(375, 800).await;

    let size = browser.client().execute("return [window.innerWidth, window.innerHeight];", vec![]).await.unwrap();
    assert_eq!(size, serde_json::json!([375, 800]));
    assert_eq!(browser.text("h1").await, "Echo");
    assert_png(&browser.screenshot("phone").await);
    browser.close().await;
}
