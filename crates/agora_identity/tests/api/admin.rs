//! What admins do to accounts: find them by email, role and status a page at a time, disable and enable
//! them, and take the seller role away — and an admin disabled a moment ago can do none of it.

use agora_bus::Outbox;
use agora_identity::{Identity, IdentitySettings, NewAdmin};
use agora_testkit::Backends;
use serde_json::json;

use crate::harness::{ADMIN_EMAIL, Api, PASSWORD, Reply, Session, identity_db, start, start_on};
use crate::jwt;

fn emails(reply: &Reply) -> Vec<&str> {
    let items = reply.ok(200)["items"].as_array().expect("a page of users");
    items.iter().map(|user| user["email"].as_str().unwrap()).collect()
}

/// Another admin, made the way `agora admin create` makes one, signed in.
async fn second_admin(api: &Api, email: &str) -> Session {
    let db = identity_db(&api.app).await;
    let identity = Identity::new(db.clone(), Outbox::new("identity"), IdentitySettings::default()).await.unwrap();
    let input = NewAdmin { email: email.to_owned(), password: PASSWORD.to_owned(), display_name: "Grace".to_owned() };
    identity.create_admin(input).await.unwrap();
    db.close().await;
    api.sign_in(email, PASSWORD).await
}

#[tokio::test]
async fn admins_find_users_by_part_of_the_email_role_and_status_a_page_at_a_time_on_sqlite() {
    admins_find_users_by_part_of_the_email_role_and_status_a_page_at_a_time(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn admins_find_users_by_part_of_the_email_role_and_status_a_page_at_a_time_on_postgres_and_kafka() {
    admins_find_users_by_part_of_the_email_role_and_status_a_page_at_a_time(Backends::PRODUCTION).await;
}

/// The search is the store's most dialect-sensitive query (LIKE with escapes, optional filters), hence both.
async fn admins_find_users_by_part_of_the_email_role_and_status_a_page_at_a_time(backends: Backends) {
    let Some(api) = start_on(backends, &[]).await else { return };
    let admin = api.admin().await;
    for name in ["alice", "bob", "carol"] {
        api.register(&format!("{name}@shop.example")).await;
    }
    api.seller("dave@tea.example", "Dave's Teas", &admin).await;
    let bob = api.sign_in("bob@shop.example", PASSWORD).await;
    let disable = format!("/admin/users/{}/disable", bob.user_id);
    api.post(&disable).bearer(&admin.access).json(&json!({ "reason": "spam" })).send().await.ok(200);
    let users = |query: &str| api.get(&format!("/admin/users?{query}")).bearer(&admin.access).send();

    assert_eq!(emails(&users("q=ALICE").await), ["alice@shop.example"]);
    assert_eq!(
        emails(&users("q=shop.example").await),
        ["carol@shop.example", "bob@shop.example", "alice@shop.example"]
    );
    assert_eq!(emails(&users("role=seller").await), ["dave@tea.example"]);
    assert_eq!(emails(&users("role=admin").await), [ADMIN_EMAIL]);
    assert_eq!(emails(&users("status=disabled").await), ["bob@shop.example"]);
    assert!(!emails(&users("status=active").await).contains(&"bob@shop.example"));
    assert_eq!(emails(&users("q=shop&role=seller").await), Vec::<&str>::new());
    // Wildcards are searched for literally.
    assert_eq!(emails(&users("q=%25").await), Vec::<&str>::new());
    assert_eq!(emails(&users("q=_").await), Vec::<&str>::new());

    let everyone = users("limit=100").await;
    let everyone = emails(&everyone);
    assert_eq!(everyone.len(), 5, "{everyone:?}");
    let mut paged = Vec::new();
    let mut query = "limit=1".to_owned();
    loop {
        let page = users(&query).await;
        let items = emails(&page);
        assert_eq!(items.len(), 1, "{}", page.body);
        paged.push(items[0].to_owned());
        match page.body["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=1&cursor={cursor}"),
            None => break,
        }
        assert!(paged.len() <= everyone.len(), "paging does not end: {paged:?}");
    }
    assert_eq!(paged, everyone);
    api.stop().await;
}

#[tokio::test]
async fn an_admin_cannot_disable_their_own_account_and_enabling_undoes_a_disable() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let buyer = api.buyer("ada@example.com").await;
    let reason = json!({ "reason": "chargebacks" });
    let own = format!("/admin/users/{}/disable", admin.user_id);
    let disable = format!("/admin/users/{}/disable", buyer.user_id);
    let enable = format!("/admin/users/{}/enable", buyer.user_id);

    let own_account = api.post(&own).bearer(&admin.access).json(&reason).send().await;
    let first = api.post(&disable).bearer(&admin.access).json(&reason).send().await;
    let again = api.post(&disable).bearer(&admin.access).json(&json!({ "reason": "still" })).send().await;
    let enabled = api.post(&enable).bearer(&admin.access).send().await;

    own_account.problem(403, "own_account");
    api.get("/me").bearer(&admin.access).send().await.ok(200);
    assert_eq!(first.ok(200)["status"], "disabled");
    assert_eq!(again.ok(200)["status"], "disabled");
    assert_eq!(again.body["disabled_reason"], "chargebacks", "a repeated disable changes nothing");
    assert_eq!(enabled.ok(200)["status"], "active");
    assert!(enabled.body.get("disabled_reason").is_none(), "{}", enabled.body);
    api.sign_in("ada@example.com", PASSWORD).await;
    api.stop().await;
}

#[tokio::test]
async fn an_admin_disabled_a_moment_ago_cannot_act_with_their_still_valid_token() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let grace = second_admin(&api, "grace@example.com").await;
    assert_eq!(jwt::roles(&grace.access), ["buyer", "admin"]);
    let buyer = api.buyer("ada@example.com").await;
    let application = api.apply(&buyer, "Ada's Teas").await.ok(201)["id"].as_str().unwrap().to_owned();
    let disable_grace = format!("/admin/users/{}/disable", grace.user_id);
    api.post(&disable_grace).bearer(&admin.access).json(&json!({ "reason": "left" })).send().await.ok(200);

    let approve = format!("/admin/seller-applications/{application}/approve");
    let approval = api.post(&approve).bearer(&grace.access).send().await;
    let listing = api.get("/admin/users").bearer(&grace.access).send().await;
    let disable_admin = format!("/admin/users/{}/disable", admin.user_id);
    let coup = api.post(&disable_admin).bearer(&grace.access).json(&json!({ "reason": "coup" })).send().await;

    approval.problem(403, "account_disabled");
    listing.problem(403, "account_disabled");
    coup.problem(403, "account_disabled");
    api.get("/admin/users").bearer(&admin.access).send().await.ok(200);
    let mine = api.get("/seller-applications/mine").bearer(&buyer.access).send().await;
    assert_eq!(mine.ok(200)["status"], "pending");
    api.stop().await;
}

#[tokio::test]
async fn revoking_a_seller_removes_the_role_from_the_next_token_and_hides_the_profile() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let seller = api.seller("ada@example.com", "Ada's Teas", &admin).await;
    let profile = format!("/sellers/{}", seller.user_id);
    api.get(&profile).send().await.ok(200);
    let revoke = format!("/admin/users/{}/revoke-seller", seller.user_id);

    let revoked = api.post(&revoke).bearer(&admin.access).json(&json!({ "reason": "counterfeit tea" })).send().await;

    assert_eq!(revoked.status, 204, "{}", revoked.body);
    let buyer = Session::from(api.refresh(&seller.refresh).await.ok(200));
    assert_eq!(jwt::roles(&buyer.access), ["buyer"]);
    api.sellers_only(&buyer.access).await.problem(403, "forbidden");
    api.get(&profile).send().await.problem(404, "seller_not_found");
    let me = api.get("/me").bearer(&buyer.access).send().await;
    assert_eq!(me.ok(200)["roles"], json!(["buyer"]));
    assert!(me.body["seller"].is_null(), "{}", me.body);
    api.events.wait_for("agora.identity.seller_revoked.v1", &seller.user_id).await;
    // Tokens are verified without asking identity: one issued before the revocation keeps the role until
    // it expires (access_token_ttl_secs).
    api.sellers_only(&seller.access).await.ok(200);
    let again = api.post(&revoke).bearer(&admin.access).json(&json!({ "reason": "twice" })).send().await;
    again.problem(409, "not_a_seller");
    api.stop().await;
}
