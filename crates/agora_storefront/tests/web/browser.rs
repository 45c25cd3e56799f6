//! The identity journey in real headless Chromium, with a screenshot per step under
//! `target/browser-artifacts/identity_journey/`: register → sign in → apply to sell → an admin made by the CLI
//! approves → the new seller sees the seller navigation → sign out. Also the phone-width layout.

use agora_testkit::{Browser, TestApp};

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
    let app = TestApp::builder().services("identity,storefront").start().await.unwrap();
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
