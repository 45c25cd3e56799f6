//! Only a conversation's two participants can read it, post to it, mark it read or resume it — by HTTP or
//! by socket — and only their sockets receive its messages and receipts. Anyone else is told it does not
//! exist, exactly as for a conversation that does not.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::harness::{Shop, seqs};
use crate::socket::of_type;

#[tokio::test]
async fn a_third_user_cannot_read_post_or_mark_read_over_http() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;
    shop.say(&carol, &chat, "Just between us.").await;
    let nowhere = uuid::Uuid::now_v7().to_string();

    for id in [&chat, &nowhere] {
        shop.show(&dave, id).await.problem(404, "conversation_not_found");
        shop.history(&dave, id, "").await.problem(404, "conversation_not_found");
        shop.history(&dave, id, "after=0").await.problem(404, "conversation_not_found");
        shop.post(&dave, id, "Let me in").await.problem(404, "conversation_not_found");
        shop.read(&dave, id, 1).await.problem(404, "conversation_not_found");
    }
    // Theirs and a made-up one look the same to Dave: same status, same body.
    let theirs = shop.show(&dave, &chat).await.body;
    let made_up = shop.show(&dave, &nowhere).await.body;
    assert_eq!(theirs, made_up);
    let daves = shop.chat(Method::GET, "/conversations", &dave).send().await;
    assert!(daves.ok(200)["items"].as_array().unwrap().is_empty());
    assert_eq!(shop.unread(&dave).await, (0, 0));

    // Nothing Dave tried changed anything.
    assert_eq!(seqs(shop.history(&carol, &chat, "").await.ok(200)), vec![1]);
    assert_eq!(shop.show(&alice, &chat).await.ok(200)["my_read_seq"], 0);
    shop.chat(Method::GET, &format!("/conversations/{chat}"), &carol).send().await.ok(200);
    shop.app
        .request(Method::GET, &format!("/api/chat/conversations/{chat}"))
        .send()
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_third_user_cannot_post_read_or_resume_over_a_socket_nor_receive_its_messages() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let dave = shop.app.buyer("dave@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;
    shop.say(&carol, &chat, "Just between us.").await;

    let mut daves = shop.socket(&dave).await;
    daves.next_of("unread").await;
    daves.say(&chat, "Let me in", "d1").await;
    let refused = daves.next().await;
    assert_eq!((refused["type"].as_str(), refused["code"].as_str()), (Some("error"), Some("not_found")), "{refused}");
    assert_eq!(refused["client_id"], "d1");
    daves.send(json!({ "type": "read", "conversation_id": chat, "up_to_seq": 1 })).await;
    assert_eq!(daves.next().await["code"], "not_found");
    daves.send(json!({ "type": "resume", "conversations": { chat.clone(): 0 } })).await;
    let resumed = daves.next().await;
    assert_eq!(
        (resumed["code"].as_str(), resumed["conversation_id"].as_str()),
        (Some("not_found"), Some(chat.as_str()))
    );
    let end = daves.next().await;
    assert_eq!(end["type"], "resumed");
    assert_eq!(end["conversations"], json!({}), "nothing resumed");

    // Carol and Alice talk, on their sockets; Dave's stays silent.
    let mut carols = shop.socket(&carol).await;
    let mut alices = shop.socket(&alice).await;
    carols.say(&chat, "Still there?", "c1").await;
    carols.wait_for(|log| !of_type(log, "sent").is_empty()).await;
    shop.say(&alice, &chat, "Yes!").await;
    shop.read(&carol, &chat, 3).await.ok(200);
    for socket in [&mut carols, &mut alices] {
        assert_eq!(socket.wait_for_messages(&[2, 3]).await, vec![2, 3]);
        socket.wait_for(|log| of_type(log, "read").iter().any(|r| r["up_to_seq"] == 3)).await;
    }
    daves.assert_silent(Duration::from_millis(700)).await;
    assert_eq!(seqs(shop.history(&carol, &chat, "").await.ok(200)), vec![1, 2, 3], "Dave's message was never stored");
}
