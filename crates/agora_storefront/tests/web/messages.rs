//! Messages over plain HTTP, as a browser without script uses them: "Message the seller" opens one
//! conversation and goes to it, messages sent with the form show (escaped) on both sides, the header's
//! badge counts what is unread and looking at a conversation reads it, "Seen" follows, refused messages come
//! back in the form with the reason, history pages backwards, and nobody else can open a conversation.

use agora_testkit::api::{PASSWORD, Session};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::market::Market;
use crate::support::Visitor;

/// The services these pages use: everything, as the full app runs it.
pub const REAL_TIME: &str = "identity,catalog,cart,order,payment,wishlist,chat,notify,storefront";

/// A market with chat and notify, and these settings besides the usual ones.
pub async fn market_with(settings: &[(&'static str, &str)]) -> Market {
    Market::start_services(REAL_TIME, settings).await
}

/// Ken's shop with one product, and Ada, a buyer signed in at the storefront. Keep `market` bound while
/// the test runs: dropping it stops the app.
pub struct Shop {
    pub market: Market,
    pub ken_api: Session,
    pub product: Uuid,
    pub ken: Visitor,
    pub ada: Visitor,
}

impl Shop {
    pub async fn open(settings: &[(&'static str, &str)]) -> Shop {
        let market = market_with(settings).await;
        let ken_api = market.seller("ken@example.com", "Kettle Corner").await;
        let product = market.product(&ken_api, "Kettle Corner", "Sencha leaves", 850, 10).await;
        let ken = market.signed_in("ken@example.com").await;
        let ada = market.account("ada@example.com").await;
        ada.sign_in("ada@example.com", PASSWORD).await;
        Shop { market, ken_api, product, ken, ada }
    }
}

impl Visitor {
    /// "Message the seller" on the product's page; answers the redirect.
    pub async fn message_seller(&self, product: Uuid) -> reqwest::Response {
        self.submit(&format!("/p/{product}"), "/messages", &[("product_id", &product.to_string())]).await
    }

    /// Opens the conversation about `product`; answers its page's path.
    pub async fn conversation_about(&self, product: Uuid) -> String {
        let response = self.message_seller(product).await;
        assert_eq!(response.status(), 303, "opening: {}", response.text().await.unwrap());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/messages/"), "sent to {location}");
        location
    }

    /// Sends `body` with the conversation page's form; answers the response.
    pub async fn send_message(&self, conversation: &str, body: &str) -> reqwest::Response {
        self.submit(conversation, conversation, &[("body", body)]).await
    }
}

/// Whether the page has a "Message the seller" form for the product.
fn message_form_for(page: &str, product: Uuid) -> bool {
    let field = format!("name=\"product_id\" value=\"{product}\"");
    page.split("action=\"/messages\"").skip(1).any(|form| {
        form.split("</form>").next().is_some_and(|f| f.contains(&field) && f.contains("Message the seller"))
    })
}

/// The number the header's badge `name` shows, or None when it is hidden.
pub fn badge(page: &str, name: &str) -> Option<String> {
    let marker = format!("data-live=\"{name}\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} badge in {page}")) + marker.len();
    let rest = &page[start..];
    if rest.starts_with(" hidden>") {
        return None;
    }
    let text = rest.trim_start_matches('>').split('<').next().unwrap();
    Some(text.to_owned())
}

/// The messages of a conversation page in order: (seq, body as the page has it).
fn messages_on(page: &str) -> Vec<(i64, String)> {
    page.split("data-seq=\"")
        .skip(1)
        .map(|rest| {
            let seq = rest.split('"').next().unwrap().parse().unwrap();
            let body = rest.split("<p class=\"message-body\">").nth(1).unwrap().split("</p>").next().unwrap();
            (seq, body.to_owned())
        })
        .collect()
}

fn conversation_id(path: &str) -> &str {
    path.trim_start_matches("/messages/")
}

#[tokio::test]
async fn messaging_the_seller_opens_one_conversation_and_goes_to_it() {
    let Shop { market, product, ken, ada, .. } = Shop::open(&[]).await;

    let page = ada.page(&format!("/p/{product}")).await;
    assert!(message_form_for(&page, product), "a buyer gets the form: {page}");
    let conversation = ada.conversation_about(product).await;
    assert_eq!(ada.conversation_about(product).await, conversation, "the same conversation again, not a second");
    let opened = ada.page(&conversation).await;
    assert!(opened.contains("<a href=\"/p/") && opened.contains("Sencha leaves"), "about the product: {opened}");
    assert!(opened.contains("No messages yet.") && opened.contains("id=\"send-form\""), "{opened}");
    let list = ada.page("/messages").await;
    assert_eq!(list.matches(&format!("href=\"{conversation}\"")).count(), 1, "listed once: {list}");

    let own = ken.page(&format!("/p/{product}")).await;
    assert!(!message_form_for(&own, product) && !own.contains("Message the seller"), "not on one's own product");
    let refused = ken.submit("/messages", "/messages", &[("product_id", &product.to_string())]).await;
    assert_eq!(refused.headers()["location"], format!("/p/{product}").as_str());
    assert!(ken.page(&format!("/p/{product}")).await.contains("This is your own product"));

    let unknown = Uuid::now_v7();
    let gone = ada.submit("/messages", "/messages", &[("product_id", &unknown.to_string())]).await;
    assert_eq!(gone.headers()["location"], format!("/p/{unknown}").as_str());
    let gone = ada.get(&format!("/p/{unknown}")).await;
    assert_eq!(gone.status(), 404);
    assert!(gone.text().await.unwrap().contains("This product is not for sale any more"), "told why");

    let visitor = Visitor::new(&market.app);
    let page = visitor.page(&format!("/p/{product}")).await;
    let link = format!("href=\"/sign-in?next=%2Fp%2F{product}\">Message the seller</a>");
    assert!(page.contains(&link) && !message_form_for(&page, product), "a visitor signs in first: {page}");
}

#[tokio::test]
async fn a_message_sent_with_the_form_shows_escaped_counts_as_unread_and_is_seen() {
    let Shop { market: _running, product, ken, ada, .. } = Shop::open(&[]).await;
    let conversation = ada.conversation_about(product).await;

    let text = "<script>alert('tea')</script> Is it this year's harvest?";
    let sent = ada.send_message(&conversation, text).await;
    assert_eq!(sent.status(), 303);
    assert_eq!(sent.headers()["location"], format!("{conversation}#m1").as_str(), "back to the conversation");
    let page = ada.page(&conversation).await;
    let escaped = "&#60;script&#62;alert(&#39;tea&#39;)&#60;/script&#62; Is it this year&#39;s harvest?";
    assert_eq!(messages_on(&page), [(1, escaped.to_owned())], "{page}");
    assert!(!page.contains("<script>alert"), "never as markup");
    assert!(page.contains("class=\"message mine\"") && !page.contains("class=\"seen\""), "not seen yet");

    assert_eq!(badge(&ken.page("/sell").await, "chat-unread").as_deref(), Some("1"), "the seller has one unread");
    let list = ken.page("/messages").await;
    assert!(list.contains("conversation-row unread") && list.contains("Sencha leaves"), "{list}");
    assert!(list.contains("&#60;script&#62;alert") && list.contains("1<span class=\"visually-hidden\"> unread"));

    let read = ken.page(&conversation).await;
    assert!(read.contains("class=\"message theirs\""), "{read}");
    assert_eq!(badge(&read, "chat-unread"), None, "looking at it reads it, and the header says so");
    assert_eq!(badge(&ken.page("/sell").await, "chat-unread"), None);
    assert!(!ken.page("/messages").await.contains("conversation-row unread"));
    let seen = ada.page(&conversation).await;
    assert!(seen.contains("<p class=\"seen\">Seen</p>"), "ada sees it was read: {seen}");

    assert_eq!(ken.send_message(&conversation, "Yes: picked in May.\nSteep it at 70 °C.").await.status(), 303);
    assert_eq!(badge(&ada.page("/").await, "chat-unread").as_deref(), Some("1"));
    let reply = ada.page(&conversation).await;
    let bodies: Vec<String> = messages_on(&reply).into_iter().map(|(_, body)| body).collect();
    assert_eq!(bodies, [escaped, "Yes: picked in May.\nSteep it at 70 °C."]);
    assert_eq!(reply.matches("class=\"seen\"").count(), 1, "one Seen, under ada's last read message");
}

#[tokio::test]
async fn someone_elses_conversation_is_a_page_not_found() {
    let Shop { market, product, ada, .. } = Shop::open(&[]).await;
    let conversation = ada.conversation_about(product).await;
    assert_eq!(ada.send_message(&conversation, "Hello Ken").await.status(), 303);
    let eve = market.account("eve@example.com").await;
    eve.sign_in("eve@example.com", PASSWORD).await;

    let page = eve.get(&conversation).await;
    assert_eq!(page.status(), 404);
    let page = page.text().await.unwrap();
    assert!(page.contains("Page not found") && !page.contains("Hello Ken"), "{page}");
    assert_eq!(eve.get(&format!("{conversation}?before=2")).await.status(), 404);
    let posted = eve.submit("/messages", &conversation, &[("body", "Let me in")]).await;
    assert_eq!(posted.status(), 404, "eve cannot post to it either");
    assert!(!eve.page("/messages").await.contains(conversation_id(&conversation)), "nor see it listed");
    assert_eq!(ada.page(&conversation).await.matches("data-seq=").count(), 1, "nothing of eve's arrived");

    assert_eq!(eve.get("/messages/not-an-id").await.status(), 404);
    assert_eq!(ada.get(&format!("{conversation}?before=soon")).await.status(), 400);
    let visitor = Visitor::new(&market.app);
    assert_eq!(
        visitor.get(&conversation).await.headers()["location"],
        format!("/sign-in?next={conversation}").as_str()
    );
}

#[tokio::test]
async fn a_refused_message_comes_back_in_the_form_with_the_reason() {
    let Shop { market: _running, product, ada, .. } =
        Shop::open(&[("settings.chat.rate_limit", "2"), ("settings.chat.rate_window_secs", "600")]).await;
    let conversation = ada.conversation_about(product).await;

    let empty = ada.send_message(&conversation, "   ").await;
    assert_eq!(empty.status(), 422);
    let empty = empty.text().await.unwrap();
    assert!(empty.contains("aria-invalid=\"true\"") && empty.contains("role=\"alert\">Your message"), "{empty}");

    for text in ["First", "Second"] {
        assert_eq!(ada.send_message(&conversation, text).await.status(), 303);
    }
    let limited = ada.send_message(&conversation, "Third <b>already</b>").await;
    assert_eq!(limited.status(), 429);
    let limited = limited.text().await.unwrap();
    assert!(limited.contains("You are sending messages too fast. Please wait "), "{limited}");
    assert!(limited.contains(">Third &#60;b&#62;already&#60;/b&#62;</textarea>"), "the draft is kept: {limited}");
    let bodies: Vec<String> = messages_on(&limited).into_iter().map(|(_, body)| body).collect();
    assert_eq!(bodies, ["First", "Second"]);
}

#[tokio::test]
async fn history_pages_backwards_with_earlier_messages() {
    let Shop { market, product, ada, .. } = Shop::open(&[("settings.chat.page_size", "2")]).await;
    let conversation = ada.conversation_about(product).await;
    let id = conversation_id(&conversation);
    let token = market.app.sign_in("ada@example.com", PASSWORD).await;
    for n in 1..=5 {
        let path = format!("/api/chat/conversations/{id}/messages");
        market
            .app
            .request(Method::POST, &path)
            .bearer(&token.access)
            .json(&json!({ "body": format!("Note {n}") }))
            .send()
            .await
            .ok(201);
    }

    let newest = ada.page(&conversation).await;
    let seqs = |page: &str| messages_on(page).into_iter().map(|(seq, _)| seq).collect::<Vec<_>>();
    assert_eq!(seqs(&newest), [4, 5]);
    assert!(newest.contains(&format!("href=\"{conversation}?before=4\">Earlier messages")), "{newest}");
    assert!(newest.contains("data-live-append=\"true\"") && newest.contains("id=\"send-form\""));

    let earlier = ada.page(&format!("{conversation}?before=4")).await;
    assert_eq!(seqs(&earlier), [2, 3]);
    assert!(earlier.contains(&format!("href=\"{conversation}?before=2\">Earlier messages")), "{earlier}");
    assert!(earlier.contains(&format!("href=\"{conversation}\">Latest messages")) && !earlier.contains("send-form"));
    assert!(earlier.contains("data-live-append=\"false\""), "new messages do not land on an old page");

    let first = ada.page(&format!("{conversation}?before=2")).await;
    assert_eq!(seqs(&first), [1]);
    assert!(!first.contains("Earlier messages"), "the beginning: {first}");
}
