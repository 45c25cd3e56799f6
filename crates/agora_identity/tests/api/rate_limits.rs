//! Guessing is slowed down: failed sign-ins per account and per client address, and registrations per
//! address, get 429 with Retry-After once over their limit. Requests come through 127.0.0.1, a trusted proxy,
//! so `X-Forwarded-For` names the client.

use serde_json::json;

use crate::harness::{Api, PASSWORD, Reply, start};

async fn sign_in_from(api: &Api, address: &str, email: &str, password: &str) -> Reply {
    api.post("/sessions").forwarded_for(address).json(&json!({ "email": email, "password": password })).send().await
}

/// Asserts a 429 whose Retry-After is within the limit's window.
#[track_caller]
fn assert_rate_limited(reply: &Reply, window_secs: u64) {
    reply.problem(429, "rate_limited");
    let retry_after: u64 = reply.header("retry-after").parse().expect("a Retry-After in seconds");
    assert!((1..=window_secs).contains(&retry_after), "Retry-After: {retry_after}");
}

#[tokio::test]
async fn repeated_failed_sign_ins_to_one_account_get_429_with_retry_after() {
    let api = start(&[("settings.identity.sign_in_failures_per_account", "3")]).await;
    api.register("ada@example.com").await;
    api.register("bob@example.com").await;
    // Each guess comes from another address: the account's own limit is what stops them.
    for n in 1..=3 {
        sign_in_from(&api, &format!("203.0.113.{n}"), "ada@example.com", "guess").await.problem(401, "bad_credentials");
    }

    let guess = sign_in_from(&api, "203.0.113.4", "ADA@example.com ", "guess").await;
    let right = sign_in_from(&api, "203.0.113.5", "ada@example.com", PASSWORD).await;

    assert_rate_limited(&guess, 900);
    // Not even the right password gets in while the account is locked, so guessing it now tells nothing.
    assert_rate_limited(&right, 900);
    sign_in_from(&api, "203.0.113.4", "bob@example.com", PASSWORD).await.ok(200);
    api.stop().await;
}

#[tokio::test]
async fn repeated_failed_sign_ins_from_one_address_get_429_whatever_the_account() {
    let api = start(&[("settings.identity.sign_in_failures_per_address", "3")]).await;
    api.register("ada@example.com").await;
    for n in 1..=3 {
        let email = format!("nobody{n}@example.com");
        sign_in_from(&api, "203.0.113.7", &email, "guess").await.problem(401, "bad_credentials");
    }

    let from_there = sign_in_from(&api, "203.0.113.7", "ada@example.com", PASSWORD).await;
    let from_elsewhere = sign_in_from(&api, "198.51.100.4", "ada@example.com", PASSWORD).await;

    assert_rate_limited(&from_there, 900);
    from_elsewhere.ok(200);
    api.stop().await;
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let api = start(&[("settings.identity.registrations_per_address", "2")]).await;
    let register = |address: &str, email: &str| {
        let body = json!({ "email": email, "password": PASSWORD, "display_name": "Ada" });
        api.post("/users").forwarded_for(address).json(&body)
    };
    register("203.0.113.7", "one@example.com").send().await.ok(201);
    register("203.0.113.7", "two@example.com").send().await.ok(201);

    let third = register("203.0.113.7", "three@example.com").send().await;
    let elsewhere = register("198.51.100.4", "three@example.com").send().await;

    assert_rate_limited(&third, 3600);
    // The refused registration made no account: the same email registers from another address.
    elsewhere.ok(201);
    api.stop().await;
}

#[tokio::test]
async fn a_client_that_is_not_a_trusted_proxy_cannot_choose_its_address_with_x_forwarded_for() {
    let api =
        start(&[("http.trusted_proxies", "[\"10.0.0.0/8\"]"), ("settings.identity.sign_in_failures_per_address", "2")])
            .await;
    for n in 1..=2 {
        let reply = sign_in_from(&api, &format!("203.0.113.{n}"), &format!("nobody{n}@example.com"), "guess").await;
        reply.problem(401, "bad_credentials");
    }

    let forged = sign_in_from(&api, "198.51.100.77", "nobody3@example.com", "guess").await;

    assert_rate_limited(&forged, 900);
    api.stop().await;
}

#[tokio::test]
async fn concurrent_guesses_at_one_account_are_held_to_its_limit() {
    let api = start(&[("settings.identity.sign_in_failures_per_account", "3")]).await;
    api.register("ada@example.com").await;

    let addresses: Vec<String> = (0..12).map(|n| format!("203.0.113.{n}")).collect();
    let guesses = addresses.iter().map(|address| sign_in_from(&api, address, "ada@example.com", "guess"));
    let replies = futures::future::join_all(guesses).await;

    let judged = replies.iter().filter(|r| r.status == 401).count();
    assert!(replies.iter().all(|r| r.status == 401 || r.status == 429), "{replies:?}");
    assert!(judged <= 3, "{judged} of 12 simultaneous guesses were checked against the password");
    api.stop().await;
}

#[tokio::test]
async fn the_client_address_is_the_one_the_trusted_proxy_appends_in_its_own_header_line() {
    let api = start(&[("settings.identity.sign_in_failures_per_address", "2")]).await;
    // The client sends a made-up X-Forwarded-For; the ingress adds the real address as another line.
    let guess = |forged: String, email: String| {
        let body = json!({ "email": email, "password": "guess" });
        api.post("/sessions").forwarded_for(&forged).forwarded_for("203.0.113.7").json(&body).send()
    };
    for n in 1..=2 {
        guess(format!("198.51.100.{n}"), format!("nobody{n}@example.com")).await.problem(401, "bad_credentials");
    }

    let third = guess("198.51.100.3".to_owned(), "nobody3@example.com".to_owned()).await;

    assert_rate_limited(&third, 900);
    api.stop().await;
}
