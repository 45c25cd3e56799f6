//! Chat across instances: two `agora serve --services chat` processes on one database and the real broker.
//! A message posted on one instance reaches the recipient's socket held by the other (through the one
//! `chat.messages` topic every instance follows), and a client that was away and reconnects receives what it
//! missed. A third user's socket on either instance receives none of it.

use std::time::Duration;

use agora_testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Client, Method};
use serde_json::json;

use crate::cluster::{
    Process, Socket, approved_seller, call, listed_product, production_env, register, route, session,
};

#[tokio::test]
async fn a_message_posted_on_one_chat_instance_reaches_a_socket_on_the_other_and_a_returning_client_catches_up() {
    let Some(env) = production_env().await else { return };
    let mut front = Process::new("identity,catalog", "live-front", &env);
    let mut chat_a = Process::new("chat", "live-chat-a", &env);
    let mut chat_b = Process::new("chat", "live-chat-b", &env);
    let mut routed = env.clone();
    route(&mut routed, &[("identity", &front), ("catalog", &front), ("chat", &chat_a)]);
    for p in [&mut front, &mut chat_a, &mut chat_b] {
        p.env = routed.clone();
        p.spawn();
    }
    for p in [&front, &chat_a, &chat_b] {
        p.wait_until_ready().await;
    }
    let client = Client::new();
    let identity = front.url();

    // A seller with a product, a buyer, and someone else.
    let (admin, _) = session(&client, &identity, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let seller = register(&client, &identity, "seller@example.com", "Sam Seller").await;
    let seller = approved_seller(&client, &identity, &admin, &seller, "seller@example.com").await;
    let product = listed_product(&client, &identity, &admin, &seller, "Sturdy Mug", 5).await;
    let buyer = register(&client, &identity, "buyer@example.com", "Bea Buyer").await;
    let stranger = register(&client, &identity, "stranger@example.com", "Nosy Parker").await;

    // The buyer opens the conversation on instance A.
    let (status, conversation) = call(
        &client,
        Method::POST,
        &format!("{}/api/chat/conversations", chat_a.url()),
        &buyer,
        Some(&json!({ "product_id": product["id"] })),
        None,
    )
    .await;
    assert_eq!(status, 201, "{conversation}");
    let id = conversation["id"].as_str().unwrap().to_owned();

    // Buyer on A, seller and stranger on B.
    let mut buyer_socket = Socket::open(&chat_a.url(), &buyer).await;
    let mut seller_socket = Socket::open(&chat_b.url(), &seller).await;
    let mut stranger_on_b = Socket::open(&chat_b.url(), &stranger).await;
    let mut stranger_on_a = Socket::open(&chat_a.url(), &stranger).await;

    buyer_socket.send(json!({ "type": "send", "conversation_id": id, "body": "Is it dishwasher safe?" })).await;
    assert_eq!(seller_socket.message().await, "Is it dishwasher safe?", "A's message reached B's socket");

    let reply = format!("{}/api/chat/conversations/{id}/messages", chat_b.url());
    let (status, _) = call(&client, Method::POST, &reply, &seller, Some(&json!({ "body": "Yes, it is." })), None).await;
    assert_eq!(status, 201);
    assert_eq!(buyer_socket.message().await, "Yes, it is.", "B's message reached A's socket");

    // The seller goes away; three messages are posted meanwhile; back on B, a resume brings exactly them.
    drop(seller_socket);
    let post = format!("{}/api/chat/conversations/{id}/messages", chat_a.url());
    for body in ["One more thing", "Does it come in blue?", "Thanks!"] {
        let (status, _) = call(&client, Method::POST, &post, &buyer, Some(&json!({ "body": body })), None).await;
        assert_eq!(status, 201);
    }
    let mut seller_socket = Socket::open(&chat_b.url(), &seller).await;
    seller_socket.send(json!({ "type": "resume", "conversations": { id.clone(): 2 } })).await;
    // A message can come twice, live (the follower may still be delivering it when the socket opens) and in
    // the catch-up: clients keep one per seq, and so does this one.
    let mut caught_up = std::collections::BTreeMap::new();
    while caught_up.len() < 3 {
        let frame = seller_socket.expect("message", Duration::from_secs(20)).await;
        let message = &frame["message"];
        caught_up.insert(message["seq"].as_i64().unwrap(), message["body"].as_str().unwrap().to_owned());
    }
    let caught_up: Vec<(i64, String)> = caught_up.into_iter().collect();
    let caught_up: Vec<&str> = caught_up.iter().map(|(_, body)| body.as_str()).collect();
    assert_eq!(caught_up, ["One more thing", "Does it come in blue?", "Thanks!"]);

    // Someone else's sockets, on either instance, got none of it; asking for the conversation is refused.
    for socket in [&mut stranger_on_a, &mut stranger_on_b] {
        assert!(socket.next_of("message", Duration::from_millis(500)).await.is_none(), "a stranger got a message");
        socket.send(json!({ "type": "resume", "conversations": { id.clone(): 0 } })).await;
        let refused = socket.expect("error", Duration::from_secs(10)).await;
        assert_eq!(refused["code"], "not_found", "{refused}");
        assert!(socket.next_of("message", Duration::from_millis(300)).await.is_none());
    }
}
