//! The socket's own rules: it authenticates by header or by its first frame, within the time-out; bad and
//! expired tokens are refused; a frame that is not JSON, or not one chat knows, gets an error and the
//! socket stays open.

use std::time::Duration;

use agora_testkit::Backends;
use serde_json::json;

use crate::harness::{Shop, builder, eventually};
use crate::socket::{Ended, Socket, of_type};

#[tokio::test]
async fn a_socket_authenticates_with_its_first_frame() {
    let shop = Shop::start().await;
    let carol = shop.app.buyer("carol@example.com").await;
    let mut socket = Socket::connect(&shop.app, None).await.unwrap();
    socket.send(json!({ "type": "auth", "token": carol.access })).await;
    let ready = socket.next().await;
    assert_eq!((ready["type"].as_str(), ready["user_id"].as_str()), (Some("ready"), Some(carol.user_id.as_str())));
    assert_eq!(socket.next().await, json!({ "type": "unread", "unread": 0, "conversations": 0 }));
}

#[tokio::test]
async fn an_unauthenticated_socket_is_closed_after_the_auth_timeout() {
    let quick = builder(Backends::EMBEDDED).set("settings.chat.live.auth_timeout_secs", "1");
    let shop = Shop::start_with(quick).await.unwrap();
    let mut socket = Socket::connect(&shop.app, None).await.unwrap();
    let (frames, ended) = socket.ended(Duration::from_secs(5)).await;
    assert_eq!(ended, Ended::Closed(4401));
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!((frames[0]["type"].as_str(), frames[0]["code"].as_str()), (Some("error"), Some("auth_timeout")));
}

#[tokio::test]
async fn garbage_tokens_are_refused_by_header_and_by_frame() {
    let shop = Shop::start().await;
    assert_eq!(Socket::connect(&shop.app, Some("garbage")).await.err(), Some(401), "refused before the upgrade");

    let mut socket = Socket::connect(&shop.app, None).await.unwrap();
    socket.send(json!({ "type": "auth", "token": "garbage" })).await;
    let (frames, ended) = socket.ended(Duration::from_secs(5)).await;
    assert_eq!(ended, Ended::Closed(4401));
    assert_eq!(of_type(&frames, "error").len(), 1, "{frames:?}");
    assert!(of_type(&frames, "ready").is_empty(), "{frames:?}");

    // A first frame that is not an auth frame is refused too.
    let mut socket = Socket::connect(&shop.app, None).await.unwrap();
    socket.send(json!({ "type": "resume", "conversations": {} })).await;
    let (frames, ended) = socket.ended(Duration::from_secs(5)).await;
    assert_eq!(ended, Ended::Closed(4401));
    assert!(of_type(&frames, "resumed").is_empty(), "{frames:?}");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    // Tokens live one second; verification allows a few seconds of clock skew on top.
    let short = builder(Backends::EMBEDDED).set("settings.identity.access_token_ttl_secs", "1");
    let shop = Shop::start_with(short).await.unwrap();
    let carol = shop.app.buyer("carol@example.com").await;
    eventually("the token to expire", || async {
        match Socket::connect(&shop.app, Some(&carol.access)).await {
            Err(status) => status == 401,
            Ok(socket) => {
                socket.close().await;
                false
            }
        }
    })
    .await;
    let mut socket = Socket::connect(&shop.app, None).await.unwrap();
    socket.send(json!({ "type": "auth", "token": carol.access })).await;
    let (frames, ended) = socket.ended(Duration::from_secs(5)).await;
    assert_eq!(ended, Ended::Closed(4401));
    assert_eq!(of_type(&frames, "error")[0]["code"], "token_expired", "{frames:?}");
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_socket_stays_open() {
    let shop = Shop::start().await;
    let alice = shop.seller("alice@example.com", "Alice's Teas").await;
    let tea = shop.product(&alice, "Sencha").await;
    let carol = shop.app.buyer("carol@example.com").await;
    let chat = shop.conversation(&carol, &tea).await;
    let mut socket = shop.socket(&carol).await;
    socket.next_of("unread").await;

    socket.send_text("this is not json").await;
    assert_eq!(socket.next().await["code"], "invalid_frame");
    socket.send(json!({ "no": "type" })).await;
    assert_eq!(socket.next().await["code"], "invalid_frame");
    socket.send(json!({ "type": "dance" })).await;
    assert_eq!(socket.next().await["code"], "invalid_frame");

    socket.send(json!({ "type": "send", "conversation_id": "nope", "body": "hi" })).await;
    assert_eq!(socket.next().await["code"], "invalid_input");
    socket.send(json!({ "type": "send", "conversation_id": chat, "body": "   " })).await;
    let blank = socket.next().await;
    assert_eq!((blank["code"].as_str(), blank["errors"][0]["field"].as_str()), (Some("invalid_input"), Some("body")));
    socket.send(json!({ "type": "read", "conversation_id": chat })).await;
    assert_eq!(socket.next().await["code"], "invalid_input");
    socket.send(json!({ "type": "resume", "conversations": [1, 2] })).await;
    assert_eq!(socket.next().await["code"], "invalid_input");

    // Still open and working.
    socket.say(&chat, "hello", "c-1").await;
    socket.wait_for(|log| !of_type(log, "sent").is_empty()).await;
    assert_eq!(shop.history(&carol, &chat, "").await.ok(200)["items"][0]["body"], "hello");
}
