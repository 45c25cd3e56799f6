//! Sessions: refresh tokens rotate, a reused one ends its whole session, two tabs refreshing at once both
//! go on, signing out and changing the password end sessions, and a disabled account is shut out.

use agora_testkit::Backends;
use serde_json::json;

use crate::harness::{PASSWORD, Session, start, start_on};
use crate::jwt;

#[tokio::test]
async fn reusing_a_refresh_token_after_the_grace_period_ends_its_whole_session_on_sqlite() {
    reusing_a_refresh_token_after_the_grace_period_ends_its_whole_session(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn reusing_a_refresh_token_after_the_grace_period_ends_its_whole_session_on_postgres_and_kafka() {
    reusing_a_refresh_token_after_the_grace_period_ends_its_whole_session(Backends::PRODUCTION).await;
}

async fn reusing_a_refresh_token_after_the_grace_period_ends_its_whole_session(backends: Backends) {
    let Some(api) = start_on(backends, &[("settings.identity.refresh_reuse_grace_secs", "0")]).await else { return };
    api.register("ada@example.com").await;
    let stolen = api.sign_in("ada@example.com", PASSWORD).await;
    let elsewhere = api.sign_in("ada@example.com", PASSWORD).await;
    let rotated = Session::from(api.refresh(&stolen.refresh).await.ok(200));
    assert_ne!(rotated.refresh, stolen.refresh);
    assert_eq!(jwt::claims(&rotated.access)["sid"], jwt::claims(&stolen.access)["sid"]);

    let replayed = api.refresh(&stolen.refresh).await;

    replayed.problem(401, "refresh_token_reused");
    // The newest token of that session is dead too, and so is the replayed one from now on.
    api.refresh(&rotated.refresh).await.problem(401, "session_ended");
    api.refresh(&stolen.refresh).await.problem(401, "session_ended");
    // The account's other session goes on.
    api.refresh(&elsewhere.refresh).await.ok(200);
    api.stop().await;
}

#[tokio::test]
async fn two_tabs_refreshing_one_token_at_once_both_get_working_tokens_on_sqlite() {
    two_tabs_refreshing_one_token_at_once_both_get_working_tokens(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn two_tabs_refreshing_one_token_at_once_both_get_working_tokens_on_postgres_and_kafka() {
    two_tabs_refreshing_one_token_at_once_both_get_working_tokens(Backends::PRODUCTION).await;
}

async fn two_tabs_refreshing_one_token_at_once_both_get_working_tokens(backends: Backends) {
    // The default grace period (10 s) applies.
    let Some(api) = start_on(backends, &[]).await else { return };
    let session = api.buyer("ada@example.com").await;

    let (first, second) = tokio::join!(api.refresh(&session.refresh), api.refresh(&session.refresh));

    let (first, second) = (Session::from(first.ok(200)), Session::from(second.ok(200)));
    assert_ne!(first.refresh, second.refresh);
    for tab in [&first, &second] {
        assert_eq!(jwt::claims(&tab.access)["sid"], jwt::claims(&session.access)["sid"]);
        api.whoami(&tab.access).await.ok(200);
        api.refresh(&tab.refresh).await.ok(200);
    }
    api.stop().await;
}

#[tokio::test]
async fn a_disabled_account_can_neither_refresh_nor_sign_in_but_its_access_token_lasts_until_it_expires() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let buyer = api.buyer("ada@example.com").await;
    let disable = format!("/admin/users/{}/disable", buyer.user_id);

    let disabled = api.post(&disable).bearer(&admin.access).json(&json!({ "reason": "card fraud" })).send().await;

    assert_eq!(disabled.ok(200)["status"], "disabled");
    assert_eq!(disabled.body["disabled_reason"], "card fraud");
    // Refused; which code it gets is pinned by `refreshing_a_disabled_account_says_the_account_is_disabled`.
    let refresh = api.refresh(&buyer.refresh).await;
    assert!(matches!(refresh.status, 401 | 403), "{}", refresh.body);
    let sign_in =
        |password: &str| api.post("/sessions").json(&json!({ "email": "ada@example.com", "password": password }));
    sign_in(PASSWORD).send().await.problem(403, "account_disabled");
    // A wrong password does not learn that the account exists and is disabled.
    sign_in("not the password").send().await.problem(401, "bad_credentials");
    // Access tokens are verified locally by every service, so this one is honoured until it expires (at most
    // access_token_ttl_secs); identity itself refuses a disabled account what it checks in its database.
    api.whoami(&buyer.access).await.ok(200);
    api.apply(&buyer, "Ada's Teas").await.problem(403, "account_disabled");
    api.events.wait_for("agora.identity.account_disabled.v1", &buyer.user_id).await;

    // Enabled again, the account signs in; the sessions that disabling ended stay ended.
    let enable = format!("/admin/users/{}/enable", buyer.user_id);
    assert_eq!(api.post(&enable).bearer(&admin.access).send().await.ok(200)["status"], "active");
    api.refresh(&buyer.refresh).await.problem(401, "session_ended");
    api.sign_in("ada@example.com", PASSWORD).await;
    api.stop().await;
}

#[tokio::test]
async fn refreshing_a_disabled_account_says_the_account_is_disabled() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let buyer = api.buyer("ada@example.com").await;
    let disable = format!("/admin/users/{}/disable", buyer.user_id);
    api.post(&disable).bearer(&admin.access).json(&json!({ "reason": "card fraud" })).send().await.ok(200);

    let refresh = api.refresh(&buyer.refresh).await;

    refresh.problem(403, "account_disabled");
    api.stop().await;
}

#[tokio::test]
async fn signing_out_with_the_refresh_token_ends_that_session_alone() {
    let api = start(&[]).await;
    let session = api.buyer("ada@example.com").await;
    let other = api.sign_in("ada@example.com", PASSWORD).await;
    let sign_out = |token: &str| api.post("/sessions/sign-out").json(&json!({ "refresh_token": token }));

    let reply = sign_out(&session.refresh).send().await;

    assert_eq!(reply.status, 204);
    api.refresh(&session.refresh).await.problem(401, "session_ended");
    api.refresh(&other.refresh).await.ok(200);
    // Signing out again, or with a token identity never issued, still succeeds.
    assert_eq!(sign_out(&session.refresh).send().await.status, 204);
    assert_eq!(sign_out("never-issued").send().await.status, 204);
    api.refresh("never-issued").await.problem(401, "session_ended");
    api.stop().await;
}

#[tokio::test]
async fn signing_out_with_only_an_access_token_ends_that_session_alone() {
    let api = start(&[]).await;
    let session = api.buyer("ada@example.com").await;
    let other = api.sign_in("ada@example.com", PASSWORD).await;

    let reply = api.post("/sessions/sign-out").bearer(&session.access).send().await;

    assert_eq!(reply.status, 204, "{}", reply.body);
    api.refresh(&session.refresh).await.problem(401, "session_ended");
    api.refresh(&other.refresh).await.ok(200);
    // With neither token there is nothing to sign out of.
    let neither = api.post("/sessions/sign-out").send().await;
    assert_eq!(neither.problem(422, "invalid_input")["errors"][0]["field"], "refresh_token");
    api.stop().await;
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_but_the_current_one() {
    let api = start(&[]).await;
    api.register("ada@example.com").await;
    let current = api.sign_in("ada@example.com", PASSWORD).await;
    let other = api.sign_in("ada@example.com", PASSWORD).await;
    let change = |current_password: &str, new_password: &str| {
        let body = json!({ "current_password": current_password, "new_password": new_password });
        api.put("/me/password").bearer(&current.access).json(&body)
    };
    const NEW: &str = "a brand new passphrase";

    let wrong = change("not the password", NEW).send().await;
    let weak = change(PASSWORD, "short").send().await;
    let changed = change(PASSWORD, NEW).send().await;

    assert_eq!(wrong.problem(401, "wrong_password")["errors"][0]["field"], "current_password");
    assert_eq!(weak.problem(422, "invalid_input")["errors"][0]["field"], "new_password");
    assert_eq!(changed.status, 204, "{}", changed.body);
    api.refresh(&other.refresh).await.problem(401, "session_ended");
    api.refresh(&current.refresh).await.ok(200);
    let old = api.post("/sessions").json(&json!({ "email": "ada@example.com", "password": PASSWORD })).send().await;
    old.problem(401, "bad_credentials");
    api.sign_in("ada@example.com", NEW).await;
    api.stop().await;
}

#[tokio::test]
async fn signing_out_with_an_expired_access_token_still_ends_the_session_of_the_refresh_token() {
    let api = start(&[]).await;
    let session = api.buyer("ada@example.com").await;
    // What a client sends when it signs out after its access token ran out.
    let (kid, key) = jwt::identity_signing_key(&api.app).await;
    let expired = jwt::sign(&jwt::claims_for(&session.user_id, &["buyer"], -60), &kid, &key);

    let reply =
        api.post("/sessions/sign-out").bearer(&expired).json(&json!({ "refresh_token": session.refresh })).send().await;

    assert_eq!(reply.status, 204, "{}", reply.body);
    api.refresh(&session.refresh).await.problem(401, "session_ended");
    api.stop().await;
}
