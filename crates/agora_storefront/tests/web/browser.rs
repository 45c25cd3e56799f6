//! Journeys in real headless Chromium, with a screenshot per step under `target/browser-artifacts/<journey>/`:
//! - identity: register → sign in → apply to sell → an admin made by the CLI approves → the new seller sees
//!   the seller navigation → sign out; also the phone-width layout;
//! - selling: a seller lists a product with a picture → a signed-out visitor finds it with the header's
//!   search box and opens its page, pictures loaded; also the results at phone width.

use agora_testkit::{Browser, TestApp};
use serde_json::json;

use crate::support;

const SELLER_PASSWORD: &str = "salvage and sawdust 9";
const ADMIN_PASSWORD: &str = "root of all trust 7";

async fn sign_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/sign-in")).await;
    browser.fill_labelled("Email address", email).await;
    browser.fill_labelled("Password", password).await;
    browser.click_button("Sign in").await;
    browser.wait_for_text(".flash", "Signed in as").await;
}

async fn sign_out(browser: &Browser) {
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
    browser.set_viewport(375, 800).await;
    browser.screenshot("your-products-phone").await;
    assert_no_sideways_scroll(&browser).await;
    browser.set_viewport(1280, 900).await;
    sign_out(&browser).await;

    support::wait_for_shop_name(&app, id, "Kettle Corner").await;
    browser.fill_labelled("Search products", "sencha").await;
    browser.click_button("Search").await;
    let card = browser.wait_for_text(".product-card", "Sencha leaves").await;
    assert!(card.contains("8.50 EUR") && card.contains("In stock") && card.contains("by Kettle Corner"), "{card}");
    assert!(pictures_loaded(&browser, ".product-card img").await, "the thumbnail loads");
    browser.screenshot("search-results").await;

    browser.set_viewport(375, 800).await;
    browser.screenshot("search-results-phone").await;
    assert_no_sideways_scroll(&browser).await;
    browser.set_viewport(1280, 900).await;

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
