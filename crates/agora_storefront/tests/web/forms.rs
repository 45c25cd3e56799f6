//! Forms, sessions and error pages over plain HTTP.

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, Visitor, csrf_of, start, start_with};

#[tokio::test]
async fn a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    visitor.page("/register").await;
    let fields = [("display_name", "Eve"), ("email", "eve@example.com"), ("password", "a long enough password")];

    let missing = visitor.post("/register", &fields).await;
    assert_eq!(missing.status(), 403);
    assert!(missing.text().await.unwrap().contains("This form has expired"));
    let mut forged = fields.to_vec();
    forged.push(("_csrf", "forged-token"));
    assert_eq!(visitor.post("/register", &forged).await.status(), 403);

    let sign_in =
        visitor.submit("/sign-in", "/sign-in", &[("email", "eve@example.com"), ("password", fields[2].1)]).await;
    assert_eq!(sign_in.status(), 422, "the account must not exist");
}

#[tokio::test]
async fn a_token_from_another_visitor_does_not_work() {
    let app = start().await;
    let attacker = Visitor::new(&app);
    let victim = Visitor::new(&app);
    let attackers_token = csrf_of(&attacker.page("/register").await);
    victim.page("/").await;
    let response = victim
        .post("/sign-in", &[("email", "x@example.com"), ("password", "whatever123"), ("_csrf", &attackers_token)])
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn bad_registration_input_re_renders_the_form_with_each_message() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    let response = visitor
        .submit("/register", "/register", &[("display_name", ""), ("email", "not-an-email"), ("password", "short")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("An email address looks like name@example.com."), "{html}");
    assert!(html.contains("Use at least 10 characters"), "{html}");
    assert!(html.contains("Enter the name other people will see."), "{html}");
    assert!(html.contains("value=\"not-an-email\""), "the typed email is kept");
    assert!(!html.contains("value=\"short\""), "a password is never echoed");
    assert!(html.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn registering_signs_in_and_the_header_shows_only_what_a_buyer_can_use() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    let anonymous = visitor.page("/").await;
    assert!(anonymous.contains("Create account") && !anonymous.contains("Sign out"));

    visitor.register("Ada Lovelace", "ada@example.com", "analytical engine 1843").await;
    let home = visitor.page("/").await;
    assert!(home.contains("Welcome to Agora, Ada Lovelace!"), "flash shown once: {home}");
    assert!(home.contains("Sign out") && home.contains("Sell on Agora") && home.contains("Account"));
    assert!(!home.contains("/admin/users"), "no admin links for a buyer");
    assert!(!visitor.page("/").await.contains("Welcome to Agora, Ada"), "a flash is shown only once");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_secure_over_https() {
    let app = start().await;
    let plain = app.client.get(app.url("/sign-in")).send().await.unwrap();
    let cookie = plain.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    let tls = app.client.get(app.url("/sign-in")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(tls.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
    assert!(!cookie.contains("eyJ"), "tokens are not readable in the cookie");
}

#[tokio::test]
async fn pages_for_signed_in_people_send_visitors_to_sign_in_and_back() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    let response = visitor.get("/account").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in?next=/account");

    visitor.register("Grace", "grace@example.com", "compilers are fun 1952").await;
    visitor.submit("/", "/sign-out", &[]).await;
    let form = visitor.page("/sign-in?next=/account").await;
    assert!(form.contains("Please sign in to continue.") || form.contains("value=\"/account\""));
    let csrf = csrf_of(&form);
    let response = visitor
        .post(
            "/sign-in",
            &[
                ("email", "grace@example.com"),
                ("password", "compilers are fun 1952"),
                ("next", "/account"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/account");
    let evil = visitor.page("/sign-in?next=//evil.example").await;
    assert!(!evil.contains("evil.example"), "only local paths are followed");
}

#[tokio::test]
async fn a_buyer_gets_a_friendly_403_on_admin_pages_and_unknown_pages_a_404() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    visitor.register("Bob", "bob@example.com", "bobs long password").await;
    let admin_page = visitor.get("/admin/users").await;
    assert_eq!(admin_page.status(), 403);
    let html = admin_page.text().await.unwrap();
    assert!(html.contains("Not allowed") && html.contains("Sign out"), "error pages keep the navigation");
    let missing = visitor.get("/no/such/page").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
    let api = app.client.get(app.url("/api/no-such-service/x")).send().await.unwrap();
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn repeated_failed_sign_ins_say_to_wait() {
    let app = start_with(&[("settings.identity.sign_in_failures_per_account", "2")]).await;
    let visitor = Visitor::new(&app);
    visitor.register("Carol", "carol@example.com", "christmas songs 1843").await;
    visitor.submit("/", "/sign-out", &[]).await;
    for _ in 0..2 {
        let wrong = visitor
            .submit("/sign-in", "/sign-in", &[("email", "carol@example.com"), ("password", "wrong guess 1")])
            .await;
        assert_eq!(wrong.status(), 422);
        assert!(wrong.text().await.unwrap().contains("That email and password do not match an account."));
    }
    let limited =
        visitor.submit("/sign-in", "/sign-in", &[("email", "carol@example.com"), ("password", "wrong guess 1")]).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.text().await.unwrap().contains("Too many attempts"));
}

#[tokio::test]
async fn an_admin_approves_an_application_and_the_seller_sees_their_shop() {
    let app = start().await;
    let seller = Visitor::new(&app);
    seller.register("Dee", "dee@example.com", "dees long password").await;
    let response = seller
        .submit(
            "/sell",
            "/sell",
            &[("shop_name", "Dee's Teas"), ("description", "Loose-leaf teas blended in small batches.")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(seller.page("/sell").await.contains("Your application is being reviewed"));

    let admin = Visitor::new(&app);
    admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let queue = admin.page("/admin/applications").await;
    assert!(queue.contains("Dee&#39;s Teas") || queue.contains("Dee&#x27;s Teas"), "{queue}");
    let start = queue.find("/admin/applications/").unwrap();
    let action = queue[start..].split('"').next().unwrap().to_owned();
    assert!(action.ends_with("/approve"));
    let decided = admin.submit("/admin/applications", &action, &[]).await;
    assert_eq!(decided.status(), 303);
    assert!(admin.page("/admin/applications").await.contains("Approved: the applicant is now a seller."));

    let shop = seller.page("/sell").await;
    assert!(shop.contains("Approved seller since"), "{shop}");
    assert!(seller.page("/").await.contains("My shop"), "the seller navigation appears");
}

#[tokio::test]
async fn an_admin_disables_a_user_who_is_then_signed_out() {
    let app = start().await;
    let user = Visitor::new(&app);
    user.register("Mallory", "mallory@example.com", "villainous plans 42").await;
    let admin = Visitor::new(&app);
    admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let users = admin.page("/admin/users?q=mallory").await;
    assert!(users.contains("mallory@example.com") && !users.contains(ADMIN_EMAIL), "search filters: {users}");
    let start = users.find("/admin/users/").unwrap();
    let action = users[start..].split('"').next().unwrap().to_owned();
    assert!(action.ends_with("/disable"), "{action}");
    let response = admin.submit("/admin/users", &action, &[("reason", "spam")]).await;
    assert_eq!(response.status(), 303);
    assert!(admin.page("/admin/users?status=disabled").await.contains("mallory@example.com"));

    user.submit("/", "/sign-out", &[]).await;
    let again = user
        .submit("/sign-in", "/sign-in", &[("email", "mallory@example.com"), ("password", "villainous plans 42")])
        .await;
    assert!(again.text().await.unwrap().contains("This account has been disabled."));
}

#[tokio::test]
async fn with_identity_down_pages_still_render_and_sign_in_says_it_is_unavailable() {
    // A storefront whose identity and catalog do not answer (nothing listens on port 9 here).
    let app = agora_testkit::TestApp::builder()
        .services("storefront")
        .set("urls.identity", "http://127.0.0.1:9/api/identity")
        .set("urls.catalog", "http://127.0.0.1:9/api/catalog")
        .set("settings.storefront.service_timeout_ms", "500")
        .start()
        .await
        .unwrap();
    let visitor = Visitor::new(&app);
    let home = visitor.get("/").await;
    assert_eq!(home.status(), 200, "the home page needs neither");
    assert!(home.text().await.unwrap().contains("Products cannot be shown right now."));
    let search = visitor.get("/search?q=tea").await;
    assert_eq!(search.status(), 503);
    assert!(search.text().await.unwrap().contains("Temporarily unavailable"));
    let response =
        visitor.submit("/sign-in", "/sign-in", &[("email", "a@example.com"), ("password", "whatever 123")]).await;
    assert_eq!(response.status(), 503);
    let html = response.text().await.unwrap();
    assert!(html.contains("Temporarily unavailable") && html.contains("Sign in"), "a friendly page: {html}");
}

#[tokio::test]
async fn the_stylesheet_is_cacheable_and_never_carries_a_session() {
    let app = start().await;
    let css = app.client.get(app.url("/static/agora.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers().get("set-cookie").is_none(), "a public answer must not set the session cookie");
    assert!(css.headers()["cache-control"].to_str().unwrap().contains("public"));
}

#[tokio::test]
async fn odd_requests_get_pages_not_json() {
    let app = start().await;
    let admin = Visitor::new(&app);
    admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let wrong_method = admin.get("/sign-out").await;
    assert_eq!(wrong_method.status(), 405);
    assert!(wrong_method.text().await.unwrap().contains("Not like that"));
    let bad_filter = admin.get("/admin/users?role=emperor").await;
    assert_eq!(bad_filter.status(), 400);
    assert!(bad_filter.text().await.unwrap().contains("That did not make sense to us"));
    let csrf = csrf_of(&admin.page("/admin/users").await);
    let bad_id = admin.post("/admin/users/not-a-uuid/disable", &[("reason", "x"), ("_csrf", &csrf)]).await;
    assert_eq!(bad_id.status(), 404);
    assert!(bad_id.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn browsing_without_a_form_sets_no_cookie_and_a_form_gets_its_token() {
    let app = start().await;
    let client = reqwest::Client::new();
    for path in ["/", "/search?q=tea"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers().get("set-cookie").is_none(), "{path} needs no session");
    }
    let form = client.get(app.url("/sign-in")).send().await.unwrap();
    assert!(form.headers().get("set-cookie").is_some(), "a form's token lives in the session");
    assert!(!csrf_of(&form.text().await.unwrap()).is_empty());
}
