//! What a failing step tells the test's reader.

use std::time::Duration;

use agora_testkit::Browser;

use crate::page::serve;

/// Runs `step` on its own task and returns the message it panicked with.
async fn panic_message<F>(step: F) -> String
where
    F: Future<Output = ()> + Send + 'static,
{
    let panic = tokio::spawn(step).await.expect_err("the step should have failed").into_panic();
    panic.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[tokio::test]
async fn waiting_for_text_that_never_comes_names_the_page_its_text_and_a_screenshot() {
    let Some(mut browser) = Browser::launch("waiting_for_text_that_never_comes").await else {
        return;
    };
    browser.set_wait_timeout(Duration::from_millis(300));
    let base = serve().await;
    browser.goto(&base).await;

    // The browser moves into the failing task and is dropped there while the panic unwinds.
    let message = panic_message(async move {
        browser.wait_for_text("h1", "Goodbye").await;
    })
    .await;

    assert!(message.contains(r#"no "h1" showed "Goodbye" within 300ms (they showed ["Echo"])"#), "{message}");
    assert!(message.contains(&format!("page: {base}/")), "{message}");
    assert!(message.contains("text: Echo"), "{message}");
    assert!(message.contains("01-failure.png"), "{message}");
}

#[tokio::test]
async fn a_label_that_is_not_on_the_page_fails_the_fill() {
    let Some(mut browser) = Browser::launch("a_label_that_is_not_on_the_page_fails_the_fill").await else {
        return;
    };
    browser.set_wait_timeout(Duration::from_millis(300));
    browser.goto(&serve().await).await;

    let message = panic_message(async move {
        browser.fill_labelled("Shop owner", "Ada").await;
    })
    .await;

    assert!(message.contains(r#"found no field labelled "Shop owner" within 300ms"#), "{message}");
}
