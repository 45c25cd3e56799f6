//! Messages live: a buyer and a seller exchange messages over their sockets, every socket (tab) of each
//! gets every message, seqs have no gaps however many posts race, read receipts reach both sides, a
//! reconnecting client resumes what it missed, and notify learns whether the recipient was online.

use std::sync::Arc;
use std::time::Duration;

use agora_core::Timestamp;
use agora_events::chat::{ChatEvent, MessagePosted, MessagesRead};
use agora_testkit::Backends;
use agora_testkit::api::Session;
use agora_testkit::feeder::Feeder;
use futures::future::join_all;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Shop, builder, eventually, seqs};
use crate::socket::of_type;

#[tokio::test]
async fn buyer_and_seller_exchange_messages_live_on_every_tab() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;

    let mut tab1 = shop.socket(&carol).await;
    let mut tab2 = shop.socket(&carol).await;
    let mut alices = shop.socket(&alice).await;
    let opening = alices.next().await;
    assert_eq!(opening, json!({ "type": "unread", "unread": 0, "conversations": 0 }));

    tab1.say(&chat, "Is it this year's harvest?", "c-1").await;
    tab1.wait_for(|log| !of_type(log, "sent").is_empty()).await;
    let sent = of_type(tab1.log(), "sent")[0].clone();
    assert_eq!(sent["client_id"], "c-1");
    assert_eq!((sent["message"]["seq"].as_i64(), sent["message"]["mine"].as_bool()), (Some(1), Some(true)));
    for tab in [&mut tab1, &mut tab2] {
        tab.wait_for_messages(&[1]).await;
        let frame = of_type(tab.log(), "message")[0];
        assert_eq!(frame["message"]["body"], "Is it this year's harvest?");
        assert!(frame.get("unread_total").is_none(), "the sender's frame has no unread total: {frame}");
    }
    alices.wait_for_messages(&[1]).await;
    let to_alice = of_type(alices.log(), "message")[0].clone();
    assert_eq!(to_alice["message"]["sender_id"], carol.user_id.as_str());
    assert_eq!(to_alice["unread_total"], 1);
    alices.wait_for(|log| log.iter().any(|f| f["type"] == "unread" && f["unread"] == 1)).await;

    alices.say(&chat, "It is, picked in May.", "a-1").await;
    for tab in [&mut tab1, &mut tab2] {
        assert_eq!(tab.wait_for_messages(&[2]).await, vec![1, 2]);
        let reply = of_type(tab.log(), "message")[1];
        assert_eq!(
            (reply["message"]["body"].as_str(), reply["unread_total"].as_i64()),
            (Some("It is, picked in May."), Some(1))
        );
        tab.wait_for(|log| log.iter().any(|f| f["type"] == "unread" && f["unread"] == 1 && f["conversations"] == 1))
            .await;
    }
    let history = shop.history(&carol, &chat, "").await;
    assert_eq!(seqs(history.ok(200)), vec![1, 2]);
}

/// Twenty posts at once, ten from each side over HTTP: seqs 1 to 20 without gaps or repeats, and every
/// socket of both participants gets each message exactly once.
async fn twenty_posts_at_once(shop: Shop) {
    let shop = Arc::new(shop);
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;
    let mut sockets = vec![shop.socket(&carol).await, shop.socket(&carol).await, shop.socket(&alice).await];

    let posts = (0..20).map(|n| {
        let (shop, chat) = (shop.clone(), chat.clone());
        let who: Session = if n % 2 == 0 { carol.clone() } else { alice.clone() };
        async move { shop.post(&who, &chat, &format!("message {n}")).await }
    });
    let replies = join_all(posts).await;
    let mut posted: Vec<i64> = replies.iter().map(|r| r.ok(201)["seq"].as_i64().unwrap()).collect();
    posted.sort_unstable();
    let all: Vec<i64> = (1..=20).collect();
    assert_eq!(posted, all, "each post got its own seq, without gaps");
    assert_eq!(seqs(shop.history(&alice, &chat, "").await.ok(200)), all);

    for socket in &mut sockets {
        let mut got = socket.wait_for_messages(&all).await;
        got.sort_unstable();
        assert_eq!(got, all, "each message once");
        socket.assert_no_more_messages(Duration::from_millis(500)).await;
    }
    eventually("twenty message_posted events", || async { shop.posted(&chat).len() >= 20 }).await;
    let mut published: Vec<i64> = shop.posted(&chat).iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    published.sort_unstable();
    assert_eq!(published, all, "one event per message");
}

#[tokio::test]
async fn twenty_posts_at_once_from_both_sides_are_numbered_without_gaps_and_reach_every_socket() {
    twenty_posts_at_once(Shop::start().await).await;
}

#[tokio::test]
async fn twenty_posts_at_once_are_numbered_without_gaps_on_postgres_and_kafka() {
    let Some(shop) = Shop::start_with(builder(Backends::PRODUCTION)).await else { return };
    twenty_posts_at_once(shop).await;
}

#[tokio::test]
async fn read_receipts_reach_both_sides_and_the_readers_badge_drops() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;
    shop.say(&alice, &chat, "Hello!").await;
    shop.say(&alice, &chat, "Any questions?").await;

    let mut carols = shop.socket(&carol).await;
    assert_eq!(carols.next().await, json!({ "type": "unread", "unread": 2, "conversations": 1 }));
    let mut alices = shop.socket(&alice).await;
    carols.send(json!({ "type": "read", "conversation_id": chat, "up_to_seq": 2 })).await;
    let receipt = json!({ "type": "read", "conversation_id": chat, "reader_id": carol.user_id, "up_to_seq": 2 });
    for socket in [&mut carols, &mut alices] {
        socket.wait_for(|log| log.contains(&receipt)).await;
    }
    carols.wait_for(|log| log.contains(&json!({ "type": "unread", "unread": 0, "conversations": 0 }))).await;
    assert_eq!(shop.show(&alice, &chat).await.ok(200)["their_read_seq"], 2);

    // Reading what was read already moves nothing and tells no one.
    carols.send(json!({ "type": "read", "conversation_id": chat, "up_to_seq": 1 })).await;
    alices.assert_silent(Duration::from_millis(500)).await;
}

#[tokio::test]
async fn a_reconnecting_client_resumes_what_it_missed() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;

    let mut carols = shop.socket(&carol).await;
    shop.say(&alice, &chat, "one").await;
    carols.wait_for_messages(&[1]).await;
    carols.close().await;
    shop.say(&alice, &chat, "two").await;
    shop.say(&alice, &chat, "three").await;

    let mut carols = shop.socket(&carol).await;
    assert_eq!(carols.next().await, json!({ "type": "unread", "unread": 3, "conversations": 1 }));
    let unknown = uuid::Uuid::now_v7().to_string();
    carols.send(json!({ "type": "resume", "conversations": { chat.clone(): 1, unknown.clone(): 0 } })).await;
    carols.wait_for(|log| !of_type(log, "resumed").is_empty()).await;
    let missed: Vec<&str> =
        of_type(carols.log(), "message").iter().map(|m| m["message"]["body"].as_str().unwrap()).collect();
    assert_eq!(missed, vec!["two", "three"], "what was missed, in order");
    let refused = of_type(carols.log(), "error");
    assert_eq!(refused.len(), 1);
    assert_eq!(
        (refused[0]["code"].as_str(), refused[0]["conversation_id"].as_str()),
        (Some("not_found"), Some(unknown.as_str()))
    );
    let resumed = of_type(carols.log(), "resumed")[0];
    assert_eq!(resumed["conversations"], json!({ chat.clone(): { "last_seq": 3, "more": false } }));

    // Live again: the next message arrives without asking.
    shop.say(&alice, &chat, "four").await;
    carols.wait_for_messages(&[4]).await;
}

#[tokio::test]
async fn notify_learns_whether_the_recipient_had_a_socket_open() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.named_buyer("carol@example.com", "Carol Smith").await;
    let chat = shop.conversation(&carol, &tea).await;

    shop.say(&carol, &chat, "Anyone there?").await;
    let alices = shop.socket(&alice).await;
    shop.say(&carol, &chat, "Hello?").await;
    eventually("both events", || async { shop.posted(&chat).len() == 2 }).await;
    let events = shop.posted(&chat);
    assert_eq!(events[0]["recipient_id"], alice.user_id.as_str());
    assert_eq!(
        (events[0]["recipient_online"].as_bool(), events[1]["recipient_online"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!((events[0]["recipient_unread"].as_i64(), events[1]["recipient_unread"].as_i64()), (Some(1), Some(2)));
    assert_eq!(events[1]["product_title"], "Sencha");
    assert_eq!(events[1]["body"], "Hello?");
    alices.close().await;
}

#[tokio::test]
async fn posting_too_fast_over_a_socket_is_refused_with_the_seconds_to_wait() {
    let limited = builder(Backends::EMBEDDED).set("settings.chat.rate_limit", "2");
    let shop = Shop::start_with(limited).await.unwrap();
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;

    let mut carols = shop.socket(&carol).await;
    for n in 1..=3 {
        carols.say(&chat, "hi", &format!("c-{n}")).await;
    }
    carols.wait_for(|log| log.iter().any(|f| f["client_id"] == "c-3")).await;
    let refused = carols.log().iter().find(|f| f["client_id"] == "c-3").unwrap().clone();
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("rate_limited")),
        "{refused}"
    );
    let wait = refused["retry_after_secs"].as_u64().unwrap();
    assert!((1..=60).contains(&wait), "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("too fast"));
    assert_eq!(seqs(shop.history(&carol, &chat, "").await.ok(200)), vec![1, 2]);
}

/// Events another chat instance published (the feeder stands in for it): this instance's follower pushes
/// them to the sockets of the conversation's participants it holds, and to no one else.
#[tokio::test]
async fn messages_and_receipts_posted_on_another_instance_reach_the_participants_sockets_here() {
    let feeder = Feeder::new(&["chat.messages"]);
    let shop = Shop::start_with(builder(Backends::EMBEDDED).service(Arc::new(feeder.clone()))).await.unwrap();
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    let opened = shop.open(&carol, &tea).await.ok(201).clone();
    let chat: Uuid = opened["id"].as_str().unwrap().parse().unwrap();
    let mut carols = shop.socket(&carol).await;
    let mut alices = shop.socket(&alice).await;
    let mut daves = shop.socket(&dave).await;
    daves.next_of("unread").await;
    eventually("chat to follow its topic", || async {
        shop.app.request(reqwest::Method::GET, "/readyz").send().await.status == 200
    })
    .await;

    let (carol_id, alice_id): (Uuid, Uuid) = (carol.user_id.parse().unwrap(), alice.user_id.parse().unwrap());
    let elsewhere = MessagePosted {
        conversation_id: chat,
        message_id: Uuid::now_v7(),
        seq: 1,
        sender_id: alice_id,
        recipient_id: carol_id,
        buyer_id: carol_id,
        seller_id: alice_id,
        product_id: tea.parse().unwrap(),
        product_title: "Sencha".to_owned(),
        sender_name: "Alice's Teas".to_owned(),
        body: "Posted on another instance".to_owned(),
        sent_at: Timestamp::now(),
        recipient_online: true,
        recipient_unread: 1,
    };
    feeder.emit("agora/chat", &[ChatEvent::MessagePosted(elsewhere.clone())]).await;
    for socket in [&mut carols, &mut alices] {
        socket.wait_for_messages(&[1]).await;
    }
    let to_carol = of_type(carols.log(), "message")[0].clone();
    assert_eq!(to_carol["message"]["id"], elsewhere.message_id.to_string());
    assert_eq!(to_carol["unread_total"], 1);
    assert!(of_type(alices.log(), "message")[0].get("unread_total").is_none());

    let read = MessagesRead {
        conversation_id: chat,
        reader_id: carol_id,
        up_to_seq: 1,
        reader_unread: 0,
        at: Timestamp::now(),
    };
    feeder.emit("agora/chat", &[ChatEvent::MessagesRead(read)]).await;
    let receipt = json!({ "type": "read", "conversation_id": chat, "reader_id": carol.user_id, "up_to_seq": 1 });
    for socket in [&mut carols, &mut alices] {
        socket.wait_for(|log| log.contains(&receipt)).await;
    }
    daves.assert_silent(Duration::from_millis(700)).await;
}

/// Posts to one seller in different conversations at once: each count the seller hears of is the true total
/// when its message was committed, so the n-th of eight commits announces at least n and the last 8 (two
/// counting at once would both say too few; posts committed together all announce their commit's total).
async fn concurrent_posts_to_one_recipient(shop: Shop) {
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let mut chats = Vec::new();
    for i in 0..8 {
        let buyer = shop.app.buyer(&format!("buyer{i}@example.com")).await;
        let chat = shop.conversation(&buyer, &tea).await;
        chats.push((buyer, chat));
    }
    let posts = chats.iter().map(|(buyer, chat)| shop.post(buyer, chat, "Is it still available?"));
    for reply in futures::future::join_all(posts).await {
        reply.ok(201);
    }
    let counts = eventually_value("every post's event", || {
        let counts: Vec<i64> = chats
            .iter()
            .flat_map(|(_, chat)| shop.posted(chat))
            .map(|event| event["recipient_unread"].as_i64().unwrap())
            .collect();
        (counts.len() == 8).then_some(counts)
    })
    .await;
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    assert!(sorted.iter().zip(1..).all(|(count, n)| *count >= n), "announced totals: {counts:?}");
    assert_eq!(sorted.last(), Some(&8), "announced totals: {counts:?}");
    assert_eq!(shop.unread(&alice).await, (8, 8));
}

async fn eventually_value<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn posts_to_one_recipient_at_once_announce_each_true_unread_total() {
    concurrent_posts_to_one_recipient(Shop::start().await).await;
}

#[tokio::test]
async fn posts_to_one_recipient_at_once_announce_each_true_unread_total_on_postgres_and_kafka() {
    let Some(shop) = Shop::start_with(builder(Backends::PRODUCTION)).await else { return };
    concurrent_posts_to_one_recipient(shop).await;
}
