//! Journeys in real headless Chromium, with a screenshot per step under `target/browser-artifacts/<journey>/`:
//! - identity: register → sign in → apply to sell → an admin made by the CLI approves → the new seller sees
//!   the seller navigation → sign out; also the phone-width layout;
//! - selling: a seller lists a product with a picture → a signed-out visitor finds it with the header's
//!   search box and opens its page, pictures loaded; also the results at phone width;
//! - buying: a visitor fills a cart from two shops → signs in and keeps it → adds an address and places the
//!   order → pays by card → the result page follows the payment by itself → two paid orders with timelines;
//! - after the sale (in `browser_after_sale`).

use agora_testkit::{Browser, TestApp};
use serde_json::json;

use crate::support;

const SELLER_PASSWORD: &str = "salvage and sawdust 9";
const ADMIN_PASSWORD: &str = "root of all trust 7";

pub async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/sign-in")).await;
    browser.fill_labelled("Email address", email).await;
    browser.fill_labelled("Password", password).await;
    browser.click_button("Sign in").await;
    browser.wait_for_text(".flash", "Signed in as").await;
}

pub async fn sign_out(browser: &Browser) {
    browser.click_button("Sign out").await;
    browser.wait_for_text(".flash", "You have signed out.").await;
}

#[tokio::test]
async fn a_buyer_applies_an_admin_approves_and_the_seller_sees_seller_navigation() {
    let app = TestApp::builder().services("identity,catalog,storefront").start().await.unwrap();
    agora::admin::create(&app.config, "admin@example.com", "Ada Admin", ADMIN_PASSWORD).await.unwrap();
    let Some(browser) = Browser::launch("identity_journey").await else { return };

    browser.goto(&app.url("/register")).await;
    browser.fill_labelled("Your name", "Sam Sawyer").await;
    browser.fill_labelled("Email address", "sam@example.com").await;
    browser.fill_labelled("Password", SELLER_PASSWORD).await;
    browser.screenshot("register-form").await;
    browser.click_button("Create account").await;
    browser.wait_for_text(".flash", "Welcome to Agora, Sam Sawyer!").await;
    browser.screenshot("registered").await;

    sign_out(&browser).await;
    sign_in(&browser, &app, "sam@example.com", SELLER_PASSWORD).await;
    browser.screenshot("signed-in").await;

    browser.click("a[href='/sell']").await;
    browser.fill_labelled("Shop name", "Sam's Salvage").await;
    browser.fill_labelled("What do you sell?", "Reclaimed oak furniture, restored by hand in our workshop.").await;
    browser.click_button("Apply to sell").await;
    browser.wait_for_text(".flash", "Your application for Sam's Salvage has been sent for review.").await;
    browser.wait_for_text("main", "Your application is being reviewed").await;
    browser.screenshot("applied").await;
    sign_out(&browser).await;

    sign_in(&browser, &app, "admin@example.com", ADMIN_PASSWORD).await;
    browser.click("a[href='/admin/applications']").await;
    browser.wait_for_text("main", "Sam's Salvage").await;
    browser.screenshot("admin-applications").await;
    browser.click_button("Approve Sam's Salvage").await;
    browser.wait_for_text(".flash", "Approved: the applicant is now a seller.").await;
    browser.screenshot("approved").await;
    sign_out(&browser).await;

    sign_in(&browser, &app, "sam@example.com", SELLER_PASSWORD).await;
    browser.wait_for_text("nav[aria-label='Main']", "My shop").await;
    assert!(!browser.text("nav[aria-label='Main']").await.contains("Users"), "no admin links for a seller");
    browser.click("a[href='/sell']").await;
    browser.wait_for_text("main", "Approved seller since").await;
    browser.screenshot("seller-navigation").await;

    browser.set_viewport(375, 800).await;
    browser.screenshot("phone-width").await;
    let overflow = browser
        .client()
        .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
        .await
        .unwrap();
    assert!(overflow.as_i64().unwrap_or(1) <= 0, "the page scrolls sideways at phone width: {overflow}");

    sign_out(&browser).await;
    browser.wait_for_text("header", "Sign in").await;
    browser.screenshot("signed-out").await;
    browser.close().await;
}

/// Whether every picture matching `css` has loaded (each decoded, with a width); waits for them to decode.
async fn pictures_loaded(browser: &Browser, css: &str) -> bool {
    let script = "const pictures = [...document.querySelectorAll(arguments[0])];
        return Promise.all(pictures.map((p) => p.decode().then(() => p.naturalWidth > 0, () => false)))
            .then((loaded) => loaded.length > 0 && loaded.every(Boolean));";
    browser.client().execute(script, vec![json!(css)]).await.unwrap() == json!(true)
}

/// Looks at the page at phone width (a screenshot, no sideways scrolling), then back at desktop width.
pub async fn at_phone_width(browser: &Browser, screenshot: &str) {
    browser.set_viewport(375, 800).await;
    browser.screenshot(screenshot).await;
    assert_no_sideways_scroll(browser).await;
    browser.set_viewport(1280, 900).await;
}

async fn assert_no_sideways_scroll(browser: &Browser) {
    let overflow = browser
        .client()
        .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
        .await
        .unwrap();
    assert!(overflow.as_i64().unwrap_or(1) <= 0, "the page scrolls sideways at phone width: {overflow}");
}

#[tokio::test]
async fn a_seller_lists_a_product_with_a_picture_that_a_visitor_finds_and_sees() {
    let app = support::start().await;
    let admin = support::admin(&app).await;
    let (tea, _) = support::category(&app, &admin, "Tea", None).await;
    support::seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let picture = app.data_dir().join("sencha.png");
    std::fs::write(&picture, support::picture(42)).unwrap();
    let Some(browser) = Browser::launch("selling_journey").await else { return };

    sign_in(&browser, &app, "ken@example.com", support::SELLER_PASSWORD).await;
    browser.click("nav a[href='/sell/products']").await;
    browser.wait_for_text("main", "You have no products yet").await;
    browser.click("main a[href='/sell/products/new']").await;
    browser.fill_labelled("Title", "Sencha leaves").await;
    browser.fill_labelled("Description", "First flush from Shizuoka.\nSteep two minutes at 70 °C.").await;
    browser.fill_labelled("Price", "8.50").await;
    browser.click(&format!("#category_id option[value='{tea}']")).await;
    browser.fill_labelled("Details", "Weight: 100 g").await;
    browser.fill_labelled("Units for sale", "12").await;
    browser.screenshot("new-product-form").await;
    browser.click_button("List product").await;
    browser.wait_for_text(".flash", "“Sencha leaves” is listed. Add pictures below.").await;
    let edit_path = browser.current_path().await;
    let id: uuid::Uuid = edit_path.trim_start_matches("/sell/products/").trim_end_matches("/edit").parse().unwrap();

    browser.fill("#image", &picture.display().to_string()).await;
    browser.click_button("Upload picture").await;
    browser.wait_for_text(".flash", "The picture is added.").await;
    assert!(pictures_loaded(&browser, ".picture-list img").await, "the seller sees the picture");
    browser.screenshot("picture-added").await;
    browser.click("nav a[href='/sell/products']").await;
    browser.wait_for_text(".seller-products", "12 available").await;
    browser.screenshot("your-products").await;
    at_phone_width(&browser, "your-products-phone").await;
    sign_out(&browser).await;

    support::wait_for_shop_name(&app, id, "Kettle Corner").await;
    browser.fill_labelled("Search products", "sencha").await;
    browser.click_button("Search").await;
    let card = browser.wait_for_text(".product-card", "Sencha leaves").await;
    assert!(card.contains("8.50 EUR") && card.contains("In stock") && card.contains("by Kettle Corner"), "{card}");
    assert!(pictures_loaded(&browser, ".product-card img").await, "the thumbnail loads");
    browser.screenshot("search-results").await;

    at_phone_width(&browser, "search-results-phone").await;

    browser.click(".product-link").await;
    browser.wait_for_text("h1", "Sencha leaves").await;
    assert_eq!(browser.current_path().await, format!("/p/{id}"));
    let summary = browser.text(".summary").await;
    assert!(summary.contains("Sold by Kettle Corner") && summary.contains("Weight"), "{summary}");
    assert!(browser.text(".description").await.contains("First flush from Shizuoka.\nSteep two minutes"));
    assert!(pictures_loaded(&browser, "img.main-picture").await, "the product picture loads");
    browser.screenshot("product-page").await;
    browser.close().await;
}

#[tokio::test]
async fn a_visitor_fills_a_cart_from_two_shops_signs_in_checks_out_pays_and_sees_two_paid_orders() {
    let market = crate::market::Market::start().await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let pia = market.seller("pia@example.com", "Pia Pottery").await;
    let sencha = market.product(&ken, "Kettle Corner", "Sencha leaves", 850, 10).await;
    market.product(&pia, "Pia Pottery", "Tea bowl", 1250, 3).await;
    market.app.register("ada@example.com").await;
    let app = &market.app;
    let Some(browser) = Browser::launch("buying_journey").await else { return };

    browser.goto(&app.url(&format!("/p/{sencha}"))).await;
    browser.fill_labelled("Quantity", "2").await;
    browser.click_button("Add to cart").await;
    browser.wait_for_text(".flash", "“Sencha leaves” is in your cart.").await;
    browser.wait_for_text(".cart-link", "Cart (2)").await;
    browser.fill_labelled("Search products", "bowl").await;
    browser.click_button("Search").await;
    browser.wait_for_text(".product-card", "Tea bowl").await;
    browser.click(".card-add button").await;
    browser.wait_for_text(".flash", "“Tea bowl” is in your cart.").await;
    assert_eq!(browser.current_path().await, "/search", "back to the results");
    browser.screenshot("added-from-results").await;

    browser.click(".cart-link").await;
    let cart = browser.wait_for_text(".cart-lines", "Tea bowl").await;
    assert!(cart.contains("Sencha leaves") && cart.contains("Sold by Pia Pottery"), "{cart}");
    browser.screenshot("cart").await;
    at_phone_width(&browser, "cart-phone").await;

    browser.click("main a[href='/checkout']").await;
    browser.wait_for_text(".flash", "Please sign in to continue.").await;
    browser.fill_labelled("Email address", "ada@example.com").await;
    browser.fill_labelled("Password", agora_testkit::api::PASSWORD).await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("h1", "Check out").await;
    let summary = browser.wait_for_text(".checkout-summary", "From Pia Pottery").await;
    assert!(summary.contains("From Kettle Corner") && summary.contains("29.50 EUR"), "the cart came along: {summary}");

    browser.fill_labelled("Full name", "Ada Lovelace").await;
    browser.fill_labelled("Street and number", "12 St James's Square").await;
    browser.fill_labelled("Postal code", "SW1Y 4JH").await;
    browser.fill_labelled("City", "London").await;
    browser.fill_labelled("Country code", "GB").await;
    browser.click_button("Save address").await;
    browser.wait_for_text(".flash", "The address is saved").await;
    browser.screenshot("checkout").await;
    at_phone_width(&browser, "checkout-phone").await;
    browser.click_button("Place order").await;

    browser.wait_for_text("h2", "Pay by card").await;
    browser.screenshot("pay").await;
    browser.fill_labelled("Card number", "4242 4242 4242 4242").await;
    browser.fill_labelled("Expiry month", "12").await;
    browser.fill_labelled("Expiry year", "2040").await;
    browser.fill_labelled("Security code", "123").await;
    browser.fill_labelled("Name on the card", "Ada Lovelace").await;
    browser.click_button("Pay 29.50 EUR").await;
    // The result page reloads itself until the payment and both orders are confirmed.
    browser.wait_for_text("h1", "Thank you for your order!").await;
    browser.screenshot("thank-you").await;
    let result_path = browser.current_path().await;
    assert!(result_path.ends_with("/result"), "{result_path}");

    let mut shops = Vec::new();
    for n in 1..=2 {
        browser.goto(&app.url(&result_path)).await;
        browser.click(&format!(".paid-orders li:nth-child({n}) a")).await;
        let heading = browser.wait_for_text("h1", "Order from").await;
        let timeline = browser.wait_for_text(".timeline", "Paid").await;
        let at = |step: &str| timeline.find(step).unwrap_or_else(|| panic!("no {step:?} in {timeline:?}"));
        assert!(at("Placed") < at("Items reserved") && at("Items reserved") < at("Paid"), "{timeline}");
        assert!(browser.text(".badge").await.contains("Paid"));
        browser.screenshot(&format!("order-{n}")).await;
        shops.push(heading.trim_start_matches("Order from ").to_owned());
    }
    shops.sort();
    assert_eq!(shops, ["Kettle Corner", "Pia Pottery"]);
    browser.click("nav a[href='/orders']").await;
    browser.wait_for_text("main", "Your orders").await;
    browser.screenshot("orders").await;
    browser.close().await;
}
