//! Email over SMTP, against a minimal SMTP server in the test: off by default (nothing sent); on, one email
//! per notification to its recipient's address (none for a muted category); retried while the relay is
//! down and sent once it is back; and a start refused when it is on without a relay.

use agora_testkit::{Backends, TestAppBuilder};

use crate::harness::{Notify, builder, eventually, message, price_drop};
use crate::smtp::{Received, SmtpServer};

/// Email on, through `smtp`, looking for work often and retrying soon.
fn with_email(smtp: &SmtpServer) -> TestAppBuilder {
    builder(Backends::EMBEDDED)
        .set("settings.notify.email.enabled", "true")
        .set("settings.notify.email.smtp_url", smtp.url())
        .set("settings.notify.email.from", "Agora <no-reply@shop.example>")
        .set("settings.notify.email.site_url", "https://shop.example")
        .set("settings.notify.email.poll_ms", "50")
        .set("settings.notify.email.retry_initial_ms", "100")
        .set("settings.notify.email.retry_max_secs", "1")
}

async fn wait_for_emails(smtp: &SmtpServer, count: usize) -> Vec<Received> {
    eventually(&format!("{count} emails"), || async { smtp.received().len() >= count }).await;
    smtp.received()
}

#[tokio::test]
async fn email_is_off_by_default_and_sends_nothing() {
    let smtp = SmtpServer::start(true).await;
    // The same data directory and topic prefix twice: first with email off (a relay configured, but email
    // not turned on), then on.
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let prefix = agora_testkit::unique_prefix();
    let off = builder(Backends::EMBEDDED)
        .set("data_dir", data_dir.clone())
        .set("bus.topic_prefix", prefix.clone())
        .set("settings.notify.email.smtp_url", smtp.url());
    let notify = Notify::start_with(off).await.unwrap();
    let carol = notify.app.buyer("carol@example.com").await;
    notify.feed(&[price_drop(&carol, "Sencha", 1250, 900), price_drop(&carol, "Bancha", 800, 700)]).await;
    notify.wait_for(&carol, 2).await;
    notify.app.stop().await;
    assert_eq!(smtp.connections(), 0, "no email was tried");

    // Had anything been queued while email was off, it would go out first (oldest first) now that it is on.
    let on = with_email(&smtp).set("data_dir", data_dir).set("bus.topic_prefix", prefix);
    let notify = Notify::start_with(on).await.unwrap();
    let carol = notify.app.sign_in("carol@example.com", agora_testkit::api::PASSWORD).await;
    notify.feed(&[price_drop(&carol, "Matcha", 2000, 1500)]).await;
    let emails = wait_for_emails(&smtp, 1).await;
    assert_eq!(emails[0].subject(), "Matcha is now 15.00 EUR", "nothing from while email was off");
    assert_eq!(notify.inbox(&carol).await.len(), 3);
}

#[tokio::test]
async fn each_notification_is_emailed_once_to_its_recipient() {
    let smtp = SmtpServer::start(true).await;
    let notify = Notify::start_with(with_email(&smtp)).await.unwrap();
    let carol = notify.app.buyer("carol@example.com").await;
    let dave = notify.app.buyer("dave@example.com").await;
    notify.mute(&carol, &["messages"]).await.ok(200);

    let drop = price_drop(&carol, "Sencha", 1250, 900);
    let product = match &drop {
        agora_events::wishlist::WishlistAlert::PriceDropped(alert) => alert.product_id,
        agora_events::wishlist::WishlistAlert::BackInStock(alert) => alert.product_id,
    };
    notify.feed(&[drop]).await;
    let first = wait_for_emails(&smtp, 1).await;
    let email = &first[0];
    assert_eq!(email.to, vec!["carol@example.com"]);
    assert_eq!(email.from, "no-reply@shop.example");
    assert_eq!(email.subject(), "Sencha is now 9.00 EUR");
    let body = email.body();
    assert!(body.starts_with("Hello Ada Lovelace,"), "{body}");
    assert!(body.contains("It was 12.50 EUR."), "{body}");
    assert!(body.contains(&format!("https://shop.example/p/{product}")), "{body}");

    // A muted message to Carol, then a notification to Dave: once Dave's email is in, Carol's would have been.
    let conversation = uuid::Uuid::now_v7();
    notify.feed(&[message(conversation, &dave, &carol, "Hello?", false)]).await;
    notify.feed(&[price_drop(&dave, "Bancha", 800, 700)]).await;
    let emails = wait_for_emails(&smtp, 2).await;
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert_eq!(emails[1].to, vec!["dave@example.com"]);
    assert_eq!(emails[1].subject(), "Bancha is now 7.00 EUR");
    assert_eq!(notify.inbox(&carol).await.len(), 1, "the muted message made no notification either");
}

#[tokio::test]
async fn an_email_is_retried_while_smtp_is_down_and_sent_once_it_is_back() {
    let smtp = SmtpServer::start(false).await;
    let notify = Notify::start_with(with_email(&smtp)).await.unwrap();
    let carol = notify.app.buyer("carol@example.com").await;
    notify.feed(&[price_drop(&carol, "Sencha", 1250, 900)]).await;
    eventually("two refused attempts", || async { smtp.refused() >= 2 }).await;
    assert!(smtp.received().is_empty());

    smtp.set_up(true);
    let emails = wait_for_emails(&smtp, 1).await;
    assert_eq!(
        (emails[0].to.as_slice(), emails[0].subject()),
        (&["carol@example.com".to_owned()][..], "Sencha is now 9.00 EUR".into())
    );
    // A later notification's email: once it is in, a second copy of the first would be too.
    notify.feed(&[price_drop(&carol, "Bancha", 800, 700)]).await;
    let emails = wait_for_emails(&smtp, 2).await;
    let subjects: Vec<String> = emails.iter().map(Received::subject).collect();
    assert_eq!(subjects, vec!["Sencha is now 9.00 EUR", "Bancha is now 7.00 EUR"]);
}

#[tokio::test]
async fn email_enabled_without_an_smtp_url_refuses_to_start() {
    let builder = builder(Backends::EMBEDDED).set("settings.notify.email.enabled", "true");
    let started = tokio::spawn(async move { builder.start().await.map(drop) }).await;
    let panic = started.expect_err("the app must not start").into_panic();
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    assert!(message.contains("settings.notify.email.smtp_url"), "{message}");
}
