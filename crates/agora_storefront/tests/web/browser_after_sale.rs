//! After the sale in real headless Chromium, with a screenshot per step under
//! `target/browser-artifacts/after_sale_journey/`: a seller ships an order with a tracking number and marks
//! it delivered, and reads the overview → the buyer follows the order's timeline and reviews the product,
//! which appears on its page → the buyer cancels another order, whose page follows the refund by itself.

use agora_testkit::Browser;
use agora_testkit::api::PASSWORD;

use crate::browser::{at_phone_width, sign_in, sign_out};
use crate::market::Market;

#[tokio::test]
async fn a_seller_ships_and_delivers_the_buyer_reviews_it_and_cancels_another_order_that_is_refunded() {
    let market = Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    let bowl = market.product(&ken, "Kettle Corner", "Tea bowl", 1250, 3).await;
    let ada = market.buyer("ada@example.com").await;
    let delivered = ada.buy(sencha, "2").await;
    let cancelled = ada.buy(bowl, "1").await;
    let app = &market.app;
    let Some(browser) = Browser::launch("after_sale_journey").await else { return };

    sign_in(&browser, app, "ken@example.com", PASSWORD).await;
    browser.click("nav a[href='/sell/orders']").await;
    browser.wait_for_text(".seller-orders", "2 × Sencha leaves").await;
    browser.screenshot("seller-orders").await;
    browser.click(&format!("a[href='/sell/orders/{delivered}']")).await;
    browser.wait_for_text("h2", "Ship it").await;
    browser.fill_labelled("Carrier", "DHL").await;
    browser.fill_labelled("Tracking number", "JD014600006281").await;
    browser.screenshot("ship-form").await;
    browser.click_button("Mark as shipped").await;
    browser.wait_for_text(".flash", "Shipped with DHL, tracking number JD014600006281.").await;
    browser.click_button("Mark as delivered").await;
    browser.wait_for_text(".flash", "Marked as delivered.").await;
    assert!(browser.text(".badge").await.contains("Delivered"));
    browser.screenshot("delivered").await;
    at_phone_width(&browser, "seller-order-phone").await;

    browser.click("nav a[href='/sell/overview']").await;
    browser.wait_for_text("h1", "Sales overview").await;
    assert_eq!(browser.text(".figure-orders").await, "2");
    assert!(browser.text(".figure-revenue").await.contains("29.50 EUR"));
    browser.screenshot("overview").await;
    at_phone_width(&browser, "overview-phone").await;
    sign_out(&browser).await;

    sign_in(&browser, app, "ada@example.com", PASSWORD).await;
    browser.click("nav a[href='/orders']").await;
    browser.click(&format!("a[href='/orders/{delivered}']")).await;
    let facts = browser.wait_for_text(".order-facts", "JD014600006281").await;
    assert!(facts.contains("with DHL") && facts.contains("Delivered"), "{facts}");
    let timeline = browser.text(".timeline").await;
    let at = |step: &str| timeline.find(step).unwrap_or_else(|| panic!("no {step:?} in {timeline:?}"));
    assert!(at("Placed") < at("Paid") && at("Paid") < at("Shipped") && at("Shipped") < at("Delivered"), "{timeline}");
    browser.screenshot("buyer-order-delivered").await;

    // Catalog hears of the delivery by event; once it has, the product page offers the review form.
    ada.wait_for_page(&format!("/p/{sencha}"), ">Post review</button>").await;
    browser.click(".review-links a").await;
    browser.wait_for_text("h3", "Review this product").await;
    browser.click("#rating-5").await;
    browser.fill_labelled("Your review", "Fresh and grassy; lovely at 70 °C.").await;
    browser.screenshot("review-form").await;
    browser.click_button("Post review").await;
    browser.wait_for_text(".flash", "Thank you: your review is posted.").await;
    let review = browser.wait_for_text(".review-list", "Fresh and grassy; lovely at 70 °C.").await;
    assert!(review.contains("Ada Lovelace"), "{review}");
    assert!(browser.text(".rating-summary").await.contains("5.0 out of 5 · 1 review"));
    browser.screenshot("review-posted").await;
    at_phone_width(&browser, "product-with-review-phone").await;

    browser.goto(&app.url(&format!("/orders/{cancelled}"))).await;
    browser.fill_labelled("Why are you cancelling? (optional)", "Ordered the wrong colour").await;
    browser.click_button("Cancel order").await;
    browser.wait_for_text(".flash", "The order is cancelled.").await;
    browser.screenshot("cancelled").await;
    // The page reloads itself until payment has refunded the order.
    browser.wait_for_text(".badge", "Refunded").await;
    let facts = browser.text(".order-facts").await;
    assert!(facts.contains("by you") && facts.contains("12.50 EUR refunded on"), "{facts}");
    browser.screenshot("refunded").await;
    browser.close().await;
}
