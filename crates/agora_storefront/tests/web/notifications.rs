//! The bell and the notifications page over plain HTTP: messages to a seller who has no page open become
//! notifications (through notify), counted on the bell, listed newest first a page at a time with their
//! links, marked read one at a time or all at once; the mute checkboxes are kept; another user's
//! notification cannot be marked.

use crate::market::eventually;
use crate::messages::{Shop, badge};
use crate::support::Visitor;

/// The notification ids on a notifications page, in order.
fn notification_ids(page: &str) -> Vec<String> {
    page.split("data-notification-id=\"").skip(1).map(|rest| rest.split('"').next().unwrap().to_owned()).collect()
}

fn unread_items(page: &str) -> usize {
    page.matches("class=\"notification unread\"").count()
}

impl Visitor {
    /// Waits until the bell shows `count`.
    async fn wait_for_bell(&self, count: &str) {
        eventually(&format!("the bell to show {count}"), || async {
            badge(&self.page("/orders").await, "notify-unread").as_deref() == Some(count)
        })
        .await;
    }
}

#[tokio::test]
async fn the_bell_counts_notifications_and_the_page_lists_marks_read_and_mutes() {
    let Shop { market: _running, product, ken, ada, .. } = Shop::open(&[("settings.notify.page_size", "3")]).await;
    let conversation = ada.conversation_about(product).await;
    for text in ["Is it fresh?", "Do you ship to Lisbon?", "<i>Thanks</i>"] {
        assert_eq!(ada.send_message(&conversation, text).await.status(), 303);
    }
    // Ken has no page open: each message is a notification for him, after the one saying his shop is approved.
    ken.wait_for_bell("4").await;

    let page = ken.page("/notifications").await;
    let first_page = notification_ids(&page);
    assert_eq!(first_page.len(), 3, "a page of three: {page}");
    assert_eq!(unread_items(&page), 3);
    assert!(page.contains("4 unread") && page.contains("Mark all read"), "{page}");
    assert!(page.contains("New message from Ada Lovelace") && page.contains("&#60;i&#62;Thanks"), "escaped");
    assert!(page.contains(&format!("<a href=\"{conversation}\">")), "each links to the conversation: {page}");
    assert!(page.contains("rel=\"next\""), "a next page");
    let next = page.split("href=\"/notifications?cursor=").nth(1).unwrap().split('"').next().unwrap();
    let older = ken.page(&format!("/notifications?cursor={next}")).await;
    let second_page = notification_ids(&older);
    assert_eq!(second_page.len(), 1, "{older}");
    assert!(older.contains("Kettle Corner") && older.contains("href=\"/sell\""), "the approval: {older}");
    assert!(!first_page.contains(&second_page[0]), "no notification twice");
    assert!(first_page.windows(2).all(|w| w[0] > w[1]) && first_page[2] > second_page[0], "newest first");

    let newest = &first_page[0];
    let marked =
        ken.submit("/notifications", &format!("/notifications/{newest}/read"), &[("back", "/notifications")]).await;
    assert_eq!(marked.headers()["location"], "/notifications");
    let page = ken.page("/notifications").await;
    assert_eq!(unread_items(&page), 2, "{page}");
    assert!(
        page.contains(&format!("class=\"notification\" data-notification-id=\"{newest}\"")),
        "read, not highlighted"
    );
    assert_eq!(badge(&page, "notify-unread").as_deref(), Some("3"));

    let foreign = ada.submit("/orders", &format!("/notifications/{newest}/read"), &[]).await;
    assert_eq!(foreign.status(), 404, "ada cannot mark ken's");

    let all = ken.submit("/notifications", "/notifications/read-all", &[("back", "/notifications")]).await;
    assert_eq!(all.status(), 303);
    let page = ken.page("/notifications").await;
    assert!(page.contains("All notifications are marked read.") && unread_items(&page) == 0, "{page}");
    assert!(!page.contains("Mark all read"));
    assert_eq!(badge(&page, "notify-unread"), None);

    assert!(page.contains("name=\"muted\" value=\"messages\""), "a checkbox per category: {page}");
    let muted = ken
        .submit(
            "/notifications",
            "/notifications/preferences",
            &[("muted", "messages"), ("muted", "orders"), ("back", "/notifications")],
        )
        .await;
    assert_eq!(muted.headers()["location"], "/notifications#preferences");
    let page = ken.page("/notifications").await;
    assert!(page.contains("Saved: you are no longer told about "), "{page}");
    assert!(page.contains("value=\"messages\" checked") && page.contains("value=\"orders\" checked"));
    assert!(!page.contains("value=\"wishlist\" checked"));
    ken.submit("/notifications", "/notifications/preferences", &[("back", "/notifications")]).await;
    let page = ken.page("/notifications").await;
    assert!(page.contains("Saved: you are told about everything.") && !page.contains(" checked>"), "{page}");
}

#[tokio::test]
async fn a_notification_page_with_nothing_says_so() {
    let Shop { market: _running, ada, .. } = Shop::open(&[]).await;
    let page = ada.get("/notifications").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Nothing yet") && !page.contains("Mark all read"), "{page}");
    assert!(page.contains("aria-current=\"page\"><svg"), "the bell is the current page");
    assert_eq!(badge(&page, "notify-unread"), None);
}
