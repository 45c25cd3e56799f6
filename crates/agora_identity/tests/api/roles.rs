//! Nobody becomes a seller or an admin except through an approved application, `agora admin create` or the
//! first-start bootstrap, whatever a request carries; and an approval is seen in the next token, in the
//! public profile and by other services.

use agora_testkit::Backends;
use serde_json::{Value, json};

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Session, start, start_on};
use crate::jwt;

#[tokio::test]
async fn registering_with_role_fields_is_refused_and_grants_nothing() {
    let api = start(&[]).await;
    let smuggled = [("roles", json!(["admin", "seller"])), ("role", json!("admin")), ("is_admin", json!(true))];

    for (field, value) in smuggled {
        let mut body = json!({ "email": "mallory@example.com", "password": PASSWORD, "display_name": "Mallory" });
        body[field] = value;
        let reply = api.post("/users").json(&body).send().await;
        reply.problem(422, "invalid_body");
        assert_eq!(reply.fields(), [field], "{}", reply.body);
    }

    // None of the refused requests made the account: registering it plainly works, as a buyer.
    assert_eq!(api.register("mallory@example.com").await["roles"], json!(["buyer"]));
    // Sign-in and refresh ignore such fields.
    let body = json!({ "email": "mallory@example.com", "password": PASSWORD, "roles": ["admin"], "is_admin": true });
    let session = Session::from(api.post("/sessions").json(&body).send().await.ok(200));
    assert_eq!(jwt::roles(&session.access), ["buyer"]);
    let body = json!({ "refresh_token": session.refresh, "roles": ["admin"] });
    let refreshed = Session::from(api.post("/sessions/refresh").json(&body).send().await.ok(200));
    assert_eq!(jwt::roles(&refreshed.access), ["buyer"]);
    assert_eq!(api.whoami(&refreshed.access).await.ok(200)["roles"], json!(["buyer"]));
    api.get("/admin/users").bearer(&refreshed.access).send().await.problem(403, "forbidden");
    api.stop().await;
}

#[tokio::test]
async fn a_buyer_is_forbidden_from_every_admin_endpoint_and_changes_nothing() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let buyer = api.buyer("mallory@example.com").await;
    let target = api.buyer("ada@example.com").await;
    let application = api.apply(&target, "Ada's Teas").await.ok(201)["id"].as_str().unwrap().to_owned();
    let (user, reason) = (&target.user_id, json!({ "reason": "because I say so" }));
    let calls: [(&str, String, Option<Value>); 8] = [
        ("GET", "/admin/users".to_owned(), None),
        ("GET", "/admin/seller-applications?status=pending".to_owned(), None),
        ("POST", format!("/admin/users/{user}/disable"), Some(reason.clone())),
        ("POST", format!("/admin/users/{user}/enable"), None),
        ("POST", format!("/admin/users/{user}/revoke-seller"), Some(reason.clone())),
        ("POST", format!("/admin/seller-applications/{application}/approve"), None),
        ("POST", format!("/admin/seller-applications/{application}/reject"), Some(reason.clone())),
        ("POST", "/admin/signing-keys/rotate".to_owned(), None),
    ];

    for (method, path, body) in &calls {
        for token in [Some(buyer.access.as_str()), None] {
            let mut request = api.request(method.parse().unwrap(), path);
            if let Some(token) = token {
                request = request.bearer(token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let reply = request.send().await;
            match token {
                Some(_) => reply.problem(403, "forbidden"),
                None => reply.problem(401, "unauthenticated"),
            };
        }
    }

    // The application is still waiting, the account still works, the signing key is the same.
    let queue = api.get("/admin/seller-applications").bearer(&admin.access).send().await;
    assert_eq!(queue.ok(200)["items"][0]["id"], application.as_str());
    assert_eq!(queue.body["items"][0]["status"], "pending");
    let refreshed = Session::from(api.refresh(&target.refresh).await.ok(200));
    assert_eq!(jwt::roles(&refreshed.access), ["buyer"]);
    assert_eq!(jwt::kid(&refreshed.access), jwt::kid(&target.access));
    api.stop().await;
}

#[tokio::test]
async fn a_buyer_cannot_approve_their_own_application() {
    let api = start(&[]).await;
    let buyer = api.buyer("ada@example.com").await;
    let applied = api.apply(&buyer, "Ada's Teas").await;
    assert_eq!(applied.ok(201)["status"], "pending");
    let id = applied.body["id"].as_str().unwrap();

    let reply = api.post(&format!("/admin/seller-applications/{id}/approve")).bearer(&buyer.access).send().await;

    reply.problem(403, "forbidden");
    let mine = api.get("/seller-applications/mine").bearer(&buyer.access).send().await;
    assert_eq!(mine.ok(200)["status"], "pending");
    let refreshed = Session::from(api.refresh(&buyer.refresh).await.ok(200));
    assert_eq!(jwt::roles(&refreshed.access), ["buyer"]);
    api.sellers_only(&refreshed.access).await.problem(403, "forbidden");
    api.get(&format!("/sellers/{}", buyer.user_id)).send().await.problem(404, "seller_not_found");
    api.stop().await;
}

#[tokio::test]
async fn an_admin_cannot_decide_their_own_application() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    assert_eq!(jwt::roles(&admin.access), ["buyer", "admin"]);
    let id = api.apply(&admin, "The Admin's Teas").await.ok(201)["id"].as_str().unwrap().to_owned();

    let approve = api.post(&format!("/admin/seller-applications/{id}/approve")).bearer(&admin.access).send().await;
    let reject = api
        .post(&format!("/admin/seller-applications/{id}/reject"))
        .bearer(&admin.access)
        .json(&json!({ "reason": "not good enough" }))
        .send()
        .await;

    approve.problem(403, "own_application");
    reject.problem(403, "own_application");
    let mine = api.get("/seller-applications/mine").bearer(&admin.access).send().await;
    assert_eq!(mine.ok(200)["status"], "pending");
    let refreshed = Session::from(api.refresh(&admin.refresh).await.ok(200));
    assert_eq!(jwt::roles(&refreshed.access), ["buyer", "admin"]);
    api.get(&format!("/sellers/{}", admin.user_id)).send().await.problem(404, "seller_not_found");
    api.stop().await;
}

#[tokio::test]
async fn approval_gives_the_seller_role_from_the_next_token_on_sqlite() {
    approval_gives_the_seller_role_from_the_next_token(Backends::EMBEDDED).await;
}

#[tokio::test]
async fn approval_gives_the_seller_role_from_the_next_token_on_postgres_and_kafka() {
    approval_gives_the_seller_role_from_the_next_token(Backends::PRODUCTION).await;
}

async fn approval_gives_the_seller_role_from_the_next_token(backends: Backends) {
    let Some(api) = start_on(backends, &[]).await else { return };
    let admin = api.admin().await;
    let buyer = api.buyer("ada@example.com").await;
    let application = api.apply(&buyer, "Ada's Teas").await.ok(201).clone();
    let id = application["id"].as_str().unwrap();
    api.apply(&buyer, "Another Shop").await.problem(409, "application_pending");
    let queue = api.get("/admin/seller-applications?status=pending").bearer(&admin.access).send().await;
    assert!(queue.ok(200)["items"].as_array().unwrap().iter().any(|a| a["id"] == id), "{}", queue.body);

    let approved = api.post(&format!("/admin/seller-applications/{id}/approve")).bearer(&admin.access).send().await;

    assert_eq!(approved.ok(200)["status"], "approved");
    // The token issued before the approval still says buyer; the next one says seller.
    api.sellers_only(&buyer.access).await.problem(403, "forbidden");
    let seller = Session::from(api.refresh(&buyer.refresh).await.ok(200));
    assert_eq!(jwt::roles(&seller.access), ["buyer", "seller"]);
    assert_eq!(api.sellers_only(&seller.access).await.ok(200)["shop_owner"], buyer.user_id);
    let profile = api.get(&format!("/sellers/{}", buyer.user_id)).send().await;
    assert_eq!(profile.ok(200)["shop_name"], "Ada's Teas");
    assert_eq!(profile.body["user_id"], buyer.user_id);
    assert!(profile.body["since"].is_string(), "{}", profile.body);
    let me = api.get("/me").bearer(&seller.access).send().await;
    assert_eq!(me.ok(200)["roles"], json!(["buyer", "seller"]));
    assert_eq!(me.body["seller"]["shop_name"], "Ada's Teas");
    assert_eq!(me.body["application"]["status"], "approved");
    let event = api.events.wait_for("agora.identity.seller_approved.v1", &buyer.user_id).await;
    assert_eq!(event.data["application_id"], id);
    assert_eq!(event.data["shop_name"], "Ada's Teas");

    // Deciding again, either way, is refused; a seller does not apply again.
    let again = api.post(&format!("/admin/seller-applications/{id}/approve")).bearer(&admin.access).send().await;
    again.problem(409, "application_decided");
    let body = json!({ "reason": "changed my mind" });
    let reject = api.post(&format!("/admin/seller-applications/{id}/reject")).bearer(&admin.access).json(&body);
    reject.send().await.problem(409, "application_decided");
    api.apply(&seller, "A Second Shop").await.problem(409, "already_seller");
    api.stop().await;
}

#[tokio::test]
async fn a_rejected_applicant_stays_a_buyer_and_may_apply_again() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let buyer = api.buyer("ada@example.com").await;
    let id = api.apply(&buyer, "Ada's Teas").await.ok(201)["id"].as_str().unwrap().to_owned();
    let reject =
        |body: Value| api.post(&format!("/admin/seller-applications/{id}/reject")).bearer(&admin.access).json(&body);

    let without_reason = reject(json!({})).send().await;
    let rejected = reject(json!({ "reason": "Tell us where the tea comes from." })).send().await;

    assert_eq!(without_reason.problem(422, "invalid_input")["errors"][0]["field"], "reason");
    assert_eq!(rejected.ok(200)["status"], "rejected");
    let mine = api.get("/seller-applications/mine").bearer(&buyer.access).send().await;
    assert_eq!(mine.ok(200)["decision_reason"], "Tell us where the tea comes from.");
    assert_eq!(jwt::roles(&Session::from(api.refresh(&buyer.refresh).await.ok(200)).access), ["buyer"]);
    api.get(&format!("/sellers/{}", buyer.user_id)).send().await.problem(404, "seller_not_found");
    api.events.wait_for("agora.identity.seller_rejected.v1", &buyer.user_id).await;
    assert_eq!(api.apply(&buyer, "Ada's Teas").await.ok(201)["status"], "pending");
    api.stop().await;
}

#[tokio::test]
async fn the_bootstrap_admin_is_made_only_while_no_admin_exists() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    start(&[("data_dir", &data_dir)]).await.stop().await;

    let api = start(&[
        ("data_dir", &data_dir),
        ("settings.identity.bootstrap_admin_email", "second@example.com"),
        ("settings.identity.bootstrap_admin_password", "another keeper of keys"),
    ])
    .await;

    let body = json!({ "email": "second@example.com", "password": "another keeper of keys" });
    api.post("/sessions").json(&body).send().await.problem(401, "bad_credentials");
    let admin = api.admin().await;
    let admins = api.get("/admin/users?role=admin").bearer(&admin.access).send().await;
    let emails: Vec<&str> =
        admins.ok(200)["items"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str()).collect();
    assert_eq!(emails, [ADMIN_EMAIL]);
    api.stop().await;
}

#[tokio::test]
async fn the_bootstrap_does_not_make_an_admin_of_an_account_someone_else_registered_with_its_email() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    // Identity ran without an admin for a while, and somebody registered the address meant for the admin.
    let api = start(&[("data_dir", &data_dir), ("settings.identity.bootstrap_admin_email", "")]).await;
    let squatter = json!({ "email": ADMIN_EMAIL, "password": "the squatter's own", "display_name": "Not Admin" });
    api.post("/users").json(&squatter).send().await.ok(201);
    api.stop().await;

    // The operator configures the bootstrap admin and restarts.
    let api = start(&[("data_dir", &data_dir)]).await;

    let body = json!({ "email": ADMIN_EMAIL, "password": "the squatter's own" });
    let signed_in = Session::from(api.post("/sessions").json(&body).send().await.ok(200));
    assert_eq!(jwt::roles(&signed_in.access), ["buyer"]);
    api.get("/admin/users").bearer(&signed_in.access).send().await.problem(403, "forbidden");
    let body = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    api.post("/sessions").json(&body).send().await.problem(401, "bad_credentials");
    api.stop().await;
}
