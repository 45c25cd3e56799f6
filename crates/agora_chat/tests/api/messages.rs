//! Messages over REST: history pages backwards and catches up forwards, bodies are checked trimmed and
//! kept as sent, unread counts follow reading (never backwards, never past the last message), and a user
//! posting too fast is told when to try again.

use std::sync::Arc;

use agora_testkit::Backends;
use agora_testkit::api::Session;
use futures::future::join_all;
use reqwest::Method;

use crate::harness::{Shop, builder, eventually, seqs};

#[tokio::test]
async fn history_pages_backwards_and_catches_up_forwards() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;
    for n in 1..=7 {
        let who = if n % 2 == 1 { &carol } else { &alice };
        assert_eq!(shop.say(who, &chat, &format!("message {n}")).await, n);
    }

    let newest = shop.history(&carol, &chat, "limit=3").await;
    assert_eq!(seqs(newest.ok(200)), vec![5, 6, 7], "the newest page, ascending");
    assert_eq!(newest.body["next_before"], 5);
    assert_eq!(newest.body["items"][2]["body"], "message 7");
    assert_eq!(
        (newest.body["items"][2]["mine"].as_bool(), newest.body["items"][1]["mine"].as_bool()),
        (Some(true), Some(false))
    );
    let older = shop.history(&carol, &chat, "limit=3&before=5").await;
    assert_eq!(seqs(older.ok(200)), vec![2, 3, 4]);
    let oldest = shop.history(&alice, &chat, "limit=3&before=2").await;
    assert_eq!(seqs(oldest.ok(200)), vec![1]);
    assert!(oldest.body["next_before"].is_null(), "the first message is reached");
    assert_eq!(seqs(shop.history(&alice, &chat, "").await.ok(200)), (1..=7).collect::<Vec<_>>());

    let missed = shop.history(&carol, &chat, "after=4&limit=2").await;
    assert_eq!(seqs(missed.ok(200)), vec![5, 6]);
    assert_eq!(missed.body["next_after"], 6);
    let rest = shop.history(&carol, &chat, "after=6&limit=2").await;
    assert_eq!(seqs(rest.ok(200)), vec![7]);
    assert!(rest.body["next_after"].is_null(), "caught up");
    assert!(seqs(shop.history(&carol, &chat, "after=7").await.ok(200)).is_empty());

    let both = shop.history(&carol, &chat, "after=1&before=3").await;
    both.problem(422, "invalid_input");
    let bad = shop.history(&carol, &chat, "before=soon").await;
    bad.problem(422, "invalid_input");
    assert_eq!(bad.fields(), vec!["before"]);
    assert_eq!(
        shop.history(&carol, &chat, "limit=0").await.problem(422, "invalid_input").clone()["errors"][0]["field"],
        "limit"
    );
}

#[tokio::test]
async fn bodies_are_checked_trimmed_and_stored_as_sent() {
    let shop =
        Shop::start_with(builder(Backends::EMBEDDED).set("settings.chat.max_message_chars", "10")).await.unwrap();
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;

    let posted = shop.post(&carol, &chat, "  héllo!  \n").await;
    assert_eq!(posted.ok(201)["body"], "  héllo!  \n");
    assert_eq!((posted.body["seq"].as_i64(), posted.body["mine"].as_bool()), (Some(1), Some(true)));
    assert_eq!(posted.body["sender_id"], carol.user_id.as_str());
    for refused in ["", "   \n\t", "eleven char"] {
        let reply = shop.post(&carol, &chat, refused).await;
        reply.problem(422, "invalid_input");
        assert_eq!(reply.fields(), vec!["body"]);
    }
    assert_eq!(seqs(shop.history(&alice, &chat, "").await.ok(200)), vec![1], "nothing refused was stored");
}

#[tokio::test]
async fn unread_counts_follow_reading_never_backwards_nor_past_the_last_message() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let pot = shop.product(&alice, "Teapot").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let about_tea = shop.conversation(&carol, &tea).await;
    let about_pot = shop.conversation(&carol, &pot).await;

    shop.say(&carol, &about_tea, "Hello?").await;
    for text in ["Hi!", "It is fresh.", "Shipped daily."] {
        shop.say(&alice, &about_tea, text).await;
    }
    shop.say(&alice, &about_pot, "Pots too.").await;
    assert_eq!(shop.unread(&carol).await, (4, 2), "her own message is not unread to her");
    assert_eq!(shop.unread(&alice).await, (1, 1));
    assert_eq!(shop.show(&carol, &about_tea).await.ok(200)["unread"], 3);

    let read = shop.read(&carol, &about_tea, 3).await;
    let read = read.ok(200);
    assert_eq!((read["my_read_seq"].as_i64(), read["unread"].as_i64()), (Some(3), Some(1)));
    assert_eq!(shop.unread(&carol).await, (2, 2));
    let back = shop.read(&carol, &about_tea, 1).await;
    assert_eq!(back.ok(200)["my_read_seq"], 3, "reading never moves back");
    let past = shop.read(&carol, &about_tea, 99).await;
    assert_eq!(past.ok(200)["my_read_seq"], 4, "capped at the last message");
    assert_eq!(shop.unread(&carol).await, (1, 1));

    let alices = shop.show(&alice, &about_tea).await;
    assert_eq!(alices.ok(200)["their_read_seq"], 4, "Alice sees Carol read everything");
    assert_eq!(alices.body["my_read_seq"], 0);
    let bad = shop.read(&carol, &about_tea, -1).await;
    assert_eq!(bad.problem(422, "invalid_input").clone()["errors"][0]["field"], "up_to_seq");
}

#[tokio::test]
async fn posting_too_fast_is_refused_with_retry_after_over_all_conversations() {
    let limited =
        builder(Backends::EMBEDDED).set("settings.chat.rate_limit", "3").set("settings.chat.rate_window_secs", "60");
    let shop = Shop::start_with(limited).await.unwrap();
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let pot = shop.product(&alice, "Teapot").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let about_tea = shop.conversation(&carol, &tea).await;
    let about_pot = shop.conversation(&carol, &pot).await;

    shop.say(&carol, &about_tea, "one").await;
    shop.say(&carol, &about_pot, "two").await;
    shop.say(&carol, &about_tea, "three").await;
    let refused = shop.post(&carol, &about_pot, "four").await;
    let problem = refused.problem(429, "rate_limited").clone();
    let retry_after: u64 = refused.header("retry-after").parse().expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After: {retry_after}");
    assert_eq!(problem["retry_after_secs"], retry_after);
    assert_eq!(problem["detail"], format!("You are sending messages too fast; try again in {retry_after} seconds."));
    assert_eq!(seqs(shop.history(&carol, &about_pot, "").await.ok(200)), vec![1], "the refused message was not stored");

    // The limit is Carol's: Alice answers freely.
    shop.say(&alice, &about_pot, "Welcome!").await;
    let list = shop.chat(Method::GET, "/conversations", &carol).send().await;
    assert_eq!(list.ok(200)["items"][0]["last_seq"], 2);
}

/// Posts racing past the limit, as a client in a loop sends them: exactly the limit's worth of each sender
/// is stored (on SQLite several share a commit; a refused one among them changes nothing for the others),
/// numbered without gaps, each with its event, and the rest are refused with 429.
async fn posts_at_once_past_the_limit(backends: Backends) {
    let limited = builder(backends).set("settings.chat.rate_limit", "5").set("settings.chat.rate_window_secs", "60");
    let Some(shop) = Shop::start_with(limited).await else { return };
    let shop = Arc::new(shop);
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;

    let posts = (0..18).map(|n| {
        let (shop, chat) = (shop.clone(), chat.clone());
        let who: Session = if n % 3 == 0 { alice.clone() } else { carol.clone() };
        async move { (who.user_id.clone(), shop.post(&who, &chat, &format!("message {n}")).await) }
    });
    let replies = join_all(posts).await;
    for (who, sent, refused) in [(&alice, 5, 1), (&carol, 5, 7)] {
        let theirs: Vec<u16> = replies.iter().filter(|(id, _)| id == &who.user_id).map(|(_, r)| r.status).collect();
        let stored = theirs.iter().filter(|s| **s == 201).count();
        let limited = theirs.iter().filter(|s| **s == 429).count();
        assert_eq!((stored, limited), (sent, refused), "{}: {theirs:?}", who.user_id);
    }
    let all: Vec<i64> = (1..=10).collect();
    let mut posted: Vec<i64> =
        replies.iter().filter(|(_, r)| r.status == 201).map(|(_, r)| r.body["seq"].as_i64().unwrap()).collect();
    posted.sort_unstable();
    assert_eq!(posted, all, "the stored ones are numbered without gaps");
    assert_eq!(seqs(shop.history(&carol, &chat, "").await.ok(200)), all);
    eventually("ten message_posted events", || async { shop.posted(&chat).len() >= 10 }).await;
    assert_eq!(shop.posted(&chat).len(), 10, "an event per stored message, none for a refused one");
}

#[tokio::test]
async fn posts_at_once_past_the_limit_store_exactly_the_limit() {
    posts_at_once_past_the_limit(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn posts_at_once_past_the_limit_store_exactly_the_limit_on_postgres_and_kafka() {
    posts_at_once_past_the_limit(Backends::PRODUCTION).await;
}

/// A post that storage cannot take (here an event over the bus's size limit, which a raised message limit
/// lets through) fails alone: the posts that raced it, on SQLite possibly in the same commit, are stored.
#[tokio::test]
async fn a_post_storage_refuses_fails_alone_among_posts_at_once() {
    let roomy = builder(Backends::EMBEDDED).set("settings.chat.max_message_chars", "200000");
    let shop = Arc::new(Shop::start_with(roomy).await.unwrap());
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;

    // 150,000 characters of four bytes each: under the message limit, over the 512 KiB an event may carry.
    let huge = "\u{1F375}".repeat(150_000);
    // The large one takes a while to arrive; posts sent on through that while share its commit.
    let posts = (0..31).map(|n| {
        let (shop, chat, carol) = (shop.clone(), chat.clone(), carol.clone());
        let body = if n == 0 { huge.clone() } else { format!("message {n}") };
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(n / 3)).await;
            shop.post(&carol, &chat, &body).await
        }
    });
    let replies = join_all(posts).await;
    assert_eq!((replies[0].status, replies[0].body["code"].as_str()), (500, Some("internal")), "{}", replies[0].body);
    let mut stored: Vec<i64> = replies[1..].iter().map(|r| r.ok(201)["seq"].as_i64().unwrap()).collect();
    stored.sort_unstable();
    let all: Vec<i64> = (1..=30).collect();
    assert_eq!(stored, all, "the others are stored, numbered without gaps");
    assert_eq!(seqs(shop.history(&carol, &chat, "").await.ok(200)), all);
    eventually("thirty message_posted events", || async { shop.posted(&chat).len() >= 30 }).await;
    assert_eq!(shop.posted(&chat).len(), 30);
}
