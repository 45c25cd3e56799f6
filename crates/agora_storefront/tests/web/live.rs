//! What the live script relies on, over plain HTTP: `POST /live/token` (the page's CSRF token in a header,
//! the user's own access token back, refreshed when close to expiring, never cached), the script itself and
//! a policy that lets it connect to this site; and pages that keep working, without badges, while chat and
//! notify are down or hang.

use std::time::{Duration, Instant};

use agora_testkit::TestApp;
use reqwest::Method;
use serde_json::Value;

use crate::messages::badge;
use crate::support::{Visitor, list_product, seller, start, start_with};

/// The page's `<meta name="csrf-token">`.
fn meta_csrf(page: &str) -> String {
    let marker = "<meta name=\"csrf-token\" content=\"";
    let start = page.find(marker).unwrap_or_else(|| panic!("no csrf meta in {page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

impl Visitor {
    async fn live_token(&self, csrf: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(format!("{}/live/token", self.base()));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send().await.unwrap()
    }
}

/// Who identity says the token belongs to.
async fn whose(app: &TestApp, token: &str) -> String {
    let me = app.request(Method::GET, "/api/identity/me").bearer(token).send().await;
    me.ok(200)["email"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_live_token_is_the_users_own_refreshed_near_expiry_and_never_cached() {
    // Tokens live 60 s: less than the margin the live token keeps, so every ask refreshes.
    let app = start_with(&[("settings.identity.access_token_ttl_secs", "60")]).await;
    let visitor = Visitor::new(&app);
    assert_eq!(visitor.live_token(Some("anything")).await.status(), 401, "signed out");
    visitor.register("Ada", "ada@example.com", "analytical engine 1843").await;
    let page = visitor.page("/").await;
    let csrf = meta_csrf(&page);
    assert!(page.contains("<script src=\"/static/live.js\" defer></script>"), "signed-in pages load the script");

    assert_eq!(visitor.live_token(None).await.status(), 403, "the page's token is required");
    assert_eq!(visitor.live_token(Some("forged")).await.status(), 403);
    let first = visitor.live_token(Some(&csrf)).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first: Value = first.json().await.unwrap();
    let expires_in = first["expires_in"].as_i64().unwrap();
    assert!((50..=60).contains(&expires_in), "a fresh token: {first}");
    assert!(first["expires_at"].as_i64().unwrap() > 0);
    let first_token = first["token"].as_str().unwrap();
    assert_eq!(whose(&app, first_token).await, "ada@example.com");

    let second: Value = visitor.live_token(Some(&csrf)).await.json().await.unwrap();
    let second_token = second["token"].as_str().unwrap();
    assert_ne!(second_token, first_token, "refreshed through the session's refresh token");
    assert_eq!(whose(&app, second_token).await, "ada@example.com");
    assert!(visitor.page("/account").await.contains("ada@example.com"), "the session goes on with the new tokens");

    let signed_out = visitor.submit("/", "/sign-out", &[]).await;
    assert_eq!(signed_out.status(), 303);
    let after = visitor.live_token(Some(&csrf)).await;
    assert_eq!(after.status(), 401);
    assert_eq!(after.json::<Value>().await.unwrap()["code"], "signed_out");
}

#[tokio::test]
async fn a_token_with_time_left_is_handed_out_as_it_is() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    visitor.register("Ada", "ada@example.com", "analytical engine 1843").await;
    let csrf = meta_csrf(&visitor.page("/").await);
    let first: Value = visitor.live_token(Some(&csrf)).await.json().await.unwrap();
    let second: Value = visitor.live_token(Some(&csrf)).await.json().await.unwrap();
    assert_eq!(first["token"], second["token"], "five minutes left: no refresh");
    assert!(second["expires_in"].as_i64().unwrap() > 250, "{second}");
}

#[tokio::test]
async fn the_script_is_served_and_may_connect_only_to_this_site() {
    let app = start().await;
    let visitor = Visitor::new(&app);
    let script = visitor.get("/static/live.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(script.headers().get("set-cookie").is_none(), "no session on a static file");
    let script = script.text().await.unwrap();
    for part in ["/api/chat/ws", "/api/notify/ws", "/live/token", "x-csrf-token", "'resume'", "chat-unread"] {
        assert!(script.contains(part), "the script has {part}");
    }
    assert!(!script.contains("innerHTML") && !script.contains("insertAdjacentHTML"), "text only, never markup");

    let page = visitor.get("/").await;
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("connect-src 'self'") && policy.contains("script-src 'self'"), "{policy}");
    let page = page.text().await.unwrap();
    assert!(!page.contains("live.js") && !page.contains("csrf-token"), "visitors get no script");
}

#[tokio::test]
async fn without_chat_and_notify_pages_render_without_badges_and_say_what_is_unavailable() {
    let app = start().await;
    let admin = crate::support::admin(&app).await;
    let (tea, _) = crate::support::category(&app, &admin, "Tea", None).await;
    let ken = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let tea = tea.to_string();
    let fields =
        [("title", "Sencha"), ("description", "Leaves."), ("price", "8.50"), ("category_id", &tea), ("stock", "3")];
    let sencha = list_product(&ken, &fields).await;
    let visitor = Visitor::new(&app);
    visitor.register("Ada", "ada@example.com", "analytical engine 1843").await;

    let home = visitor.get("/").await;
    assert_eq!(home.status(), 200);
    let home = home.text().await.unwrap();
    assert!(home.contains("href=\"/messages\"") && home.contains("href=\"/notifications\""), "the links stay");
    assert_eq!((badge(&home, "chat-unread"), badge(&home, "notify-unread")), (None, None));

    let messages = visitor.get("/messages").await;
    assert_eq!(messages.status(), 503);
    assert!(messages.text().await.unwrap().contains("Your messages cannot be shown right now."));
    let notifications = visitor.get("/notifications").await;
    assert_eq!(notifications.status(), 503);
    let notifications = notifications.text().await.unwrap();
    assert!(notifications.contains("Your notifications cannot be shown right now."), "{notifications}");
    assert!(notifications.contains("Your preferences cannot be shown right now."));

    let opened = visitor.message_seller(sencha).await;
    assert_eq!(opened.headers()["location"], format!("/p/{sencha}").as_str());
    let product = visitor.get(&format!("/p/{sencha}")).await;
    assert_eq!(product.status(), 200);
    assert!(product.text().await.unwrap().contains("Messaging the seller is not possible right now."));
}

#[tokio::test]
async fn a_service_that_hangs_costs_the_header_its_badge_not_the_page() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let chat = format!("http://{address}/api/chat");
    let notify = format!("http://{address}/api/notify");
    let app = start_with(&[
        ("urls.chat", &chat),
        ("urls.notify", &notify),
        ("settings.storefront.header_timeout_ms", "300"),
        ("settings.storefront.service_timeout_ms", "20000"),
    ])
    .await;
    let visitor = Visitor::new(&app);
    visitor.register("Ada", "ada@example.com", "analytical engine 1843").await;

    let started = Instant::now();
    let home = visitor.get("/").await;
    let took = started.elapsed();
    assert_eq!(home.status(), 200);
    let home = home.text().await.unwrap();
    assert_eq!((badge(&home, "chat-unread"), badge(&home, "notify-unread")), (None, None));
    assert!(took < Duration::from_secs(5), "the header waited {took:?}, not the services' 20 s");
    held.abort();
}
