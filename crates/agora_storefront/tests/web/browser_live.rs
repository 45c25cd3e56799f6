//! Real time in two real headless Chromiums (two profiles, two sessions), with screenshots under
//! `target/browser-artifacts/live_buyer/` and `live_seller/`: a buyer messages a seller from the product
//! page; the seller, on another page, sees the Messages badge count it without a reload; they chat, each
//! message appearing on the other side without a reload, and "Seen" follows; then the seller drops the price
//! of a product the buyer saved, and the buyer's bell counts it and a toast says so, without a reload.

use std::time::{Duration, Instant};

use agora_testkit::Browser;
use agora_testkit::api::PASSWORD;
use reqwest::Method;
use serde_json::json;

use crate::browser::{at_phone_width, sign_in};
use crate::market::eventually;
use crate::messages::Shop;

/// Waits until `script` returns true in the page; fails naming `what`.
async fn wait_until(browser: &Browser, script: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let value = browser.client().execute(script, vec![]).await.unwrap_or_default();
        if value == json!(true) {
            return;
        }
        assert!(Instant::now() < deadline, "waited 15 s for {what} (last answer {value})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for both sockets of the page to be authenticated.
async fn live(browser: &Browser) {
    let open = "return document.documentElement.dataset.chatSocket === 'open' \
                && document.documentElement.dataset.notifySocket === 'open';";
    wait_until(browser, open, "the page's sockets to open").await;
}

/// Marks the loaded page, so a later check can tell it was not reloaded.
async fn mark_page(browser: &Browser) {
    browser.client().execute("window.agoraSamePage = true; return true;", vec![]).await.unwrap();
}

async fn assert_same_page(browser: &Browser, what: &str) {
    let same = browser.client().execute("return window.agoraSamePage === true;", vec![]).await.unwrap();
    assert_eq!(same, json!(true), "{what} without a reload");
}

#[tokio::test]
async fn a_buyer_and_a_seller_chat_live_and_a_price_drop_rings_the_buyers_bell() {
    let Shop { market, ken_api, product, .. } = Shop::open(&[]).await;
    let app = &market.app;
    // Ada saves the product (once wishlist has heard of it), so its price drop is news for her.
    let ada_api = app.sign_in("ada@example.com", PASSWORD).await;
    let saved = format!("/api/wishlist/items/{product}");
    eventually("wishlist to hear of the product", || async {
        let reply = app.request(Method::PUT, &saved).bearer(&ada_api.access).send().await;
        reply.status == 200 || reply.status == 201
    })
    .await;
    let Some(buyer) = Browser::launch("live_buyer").await else { return };
    let Some(seller) = Browser::launch("live_seller").await else { return };

    sign_in(&seller, app, "ken@example.com", PASSWORD).await;
    seller.click("nav a[href='/sell/products']").await;
    seller.wait_for_text("main", "Sencha leaves").await;
    live(&seller).await;
    mark_page(&seller).await;
    assert!(seller.text(".messages-link").await.trim() == "Messages", "nothing unread yet");

    sign_in(&buyer, app, "ada@example.com", PASSWORD).await;
    buyer.goto(&app.url(&format!("/p/{product}"))).await;
    buyer.click_button("Message the seller").await;
    buyer.wait_for_text(".conversation-head", "Sencha leaves").await;
    let conversation = buyer.current_path().await;
    assert!(conversation.starts_with("/messages/"), "{conversation}");
    live(&buyer).await;
    mark_page(&buyer).await;
    buyer.fill_labelled("Your message", "Hello Ken! Is the <b>Sencha</b> from this year?").await;
    buyer.click_button("Send").await;
    let sent = buyer.wait_for_text(".messages", "Hello Ken!").await;
    assert!(sent.contains("<b>Sencha</b>"), "shown as text, not markup: {sent}");
    let draft = buyer.client().execute("return document.getElementById('body').value;", vec![]).await.unwrap();
    assert_eq!(draft, json!(""), "the form is cleared");
    assert_same_page(&buyer, "the message is sent").await;
    buyer.screenshot("sent").await;

    let badge = seller.wait_for_text(".messages-link [data-live='chat-unread']", "1").await;
    assert!(badge.starts_with('1'), "{badge}");
    assert_same_page(&seller, "the seller's badge counts it").await;
    seller.screenshot("messages-badge").await;

    seller.click(".messages-link").await;
    seller.wait_for_text(".conversations", "Hello Ken!").await;
    seller.screenshot("conversations").await;
    seller.click(&format!("a[href='{conversation}']")).await;
    seller.wait_for_text(".messages", "Hello Ken!").await;
    live(&seller).await;
    mark_page(&seller).await;
    buyer.wait_for_text(".message.mine .seen", "Seen").await;
    assert_same_page(&buyer, "the buyer sees it was read").await;
    buyer.screenshot("seen").await;

    seller.fill_labelled("Your message", "Yes, picked in May.").await;
    seller.click_button("Send").await;
    seller.wait_for_text(".messages", "Yes, picked in May.").await;
    buyer.wait_for_text(".message.theirs", "Yes, picked in May.").await;
    assert_same_page(&buyer, "the reply arrives").await;
    // Ada's page is open: what arrives is read at once, and Ken sees that too.
    seller.wait_for_text(".message.mine .seen", "Seen").await;
    assert_same_page(&seller, "the seller's reply is seen").await;
    buyer.screenshot("reply").await;
    seller.screenshot("conversation").await;
    at_phone_width(&seller, "conversation-phone").await;

    buyer.goto(&app.url("/wishlist")).await;
    buyer.wait_for_text("main", "Sencha leaves").await;
    live(&buyer).await;
    mark_page(&buyer).await;
    let bell = buyer
        .client()
        .execute(
            "return document.querySelector(\"[data-live='notify-unread']\").firstChild?.textContent ?? '';",
            vec![],
        )
        .await
        .unwrap();
    let before: i64 = bell.as_str().unwrap_or("").trim().parse().unwrap_or(0);
    market.reprice(&ken_api, product, 700).await;
    let toast = buyer.wait_for_text(".toast", "Sencha leaves is now").await;
    assert!(toast.contains("7.00"), "{toast}");
    let expected = (before + 1).to_string();
    let bell = buyer.wait_for_text("[data-live='notify-unread']", &expected).await;
    assert!(bell.starts_with(&expected), "{bell}");
    assert_same_page(&buyer, "the bell rings").await;
    buyer.screenshot("price-drop").await;

    buyer.click(".toast a").await;
    buyer.wait_for_text("h1", "Sencha leaves").await;
    assert_eq!(buyer.current_path().await, format!("/p/{product}"), "the toast links to the product");
    buyer.click(".bell").await;
    let notification = buyer.wait_for_text(".notification.unread", "Sencha leaves is now").await;
    assert!(notification.contains("It was 8.50"), "{notification}");
    buyer.screenshot("notifications").await;
    at_phone_width(&buyer, "notifications-phone").await;
    buyer.close().await;
    seller.close().await;
}
