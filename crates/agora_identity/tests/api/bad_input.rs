//! Bad input is answered with problem+json that says what is wrong and names the field at fault.

use serde_json::{Value, json};

use crate::harness::{DESCRIPTION, PASSWORD, Reply, start};

fn sorted_fields(reply: &Reply) -> Vec<&str> {
    let mut fields = reply.fields();
    fields.sort_unstable();
    fields
}

#[tokio::test]
async fn registering_without_fields_names_each_missing_one() {
    let api = start(&[]).await;

    let reply = api.post("/users").json(&json!({})).send().await;

    reply.problem(422, "invalid_input");
    assert_eq!(sorted_fields(&reply), ["display_name", "email", "password"]);
    for error in reply.body["errors"].as_array().unwrap() {
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    }
    api.stop().await;
}

#[tokio::test]
async fn a_malformed_email_a_weak_password_and_a_long_name_are_named() {
    let api = start(&[]).await;
    let cases: [(Value, &[&str]); 5] = [
        (json!({ "email": "ada-at-example.com", "password": "short", "display_name": "Ada" }), &["email", "password"]),
        (json!({ "email": "ada@example", "password": PASSWORD, "display_name": "Ada" }), &["email"]),
        (json!({ "email": "ada@example.com", "password": "Password123", "display_name": "Ada" }), &["password"]),
        (
            json!({ "email": "lovelace@example.com", "password": "lovelace-rules-2026", "display_name": "Ada" }),
            &["password"],
        ),
        (
            json!({ "email": "ada@example.com", "password": PASSWORD, "display_name": "x".repeat(61) }),
            &["display_name"],
        ),
    ];

    for (body, fields) in cases {
        let reply = api.post("/users").json(&body).send().await;
        reply.problem(422, "invalid_input");
        assert_eq!(sorted_fields(&reply), fields, "{body}");
    }
    api.stop().await;
}

#[tokio::test]
async fn an_email_taken_in_another_case_or_with_spaces_is_a_conflict_on_the_email() {
    let api = start(&[]).await;
    api.register("ada@example.com").await;

    let body = json!({ "email": "  ADA@Example.com ", "password": PASSWORD, "display_name": "Ada again" });
    let reply = api.post("/users").json(&body).send().await;

    reply.problem(409, "email_taken");
    assert_eq!(reply.fields(), ["email"]);
    api.stop().await;
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused_with_413() {
    let api = start(&[("http.body_limit_bytes", "2048")]).await;
    let body = json!({ "email": "ada@example.com", "password": PASSWORD, "display_name": "x".repeat(4096) });

    let reply = api.post("/users").json(&body).send().await;

    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.header("content-type"), "application/problem+json");
    assert_eq!(reply.body["status"], 413);
    api.stop().await;
}

#[tokio::test]
async fn a_body_over_the_size_limit_has_the_same_code_as_anywhere_else() {
    let api = start(&[("http.body_limit_bytes", "2048")]).await;
    let body = json!({ "email": "ada@example.com", "password": PASSWORD, "display_name": "x".repeat(4096) });

    let reply = api.post("/users").json(&body).send().await;

    reply.problem(413, "body_too_large");
    api.stop().await;
}

#[tokio::test]
async fn a_body_not_sent_as_json_gets_415() {
    let api = start(&[]).await;
    let json = json!({ "email": "ada@example.com", "password": PASSWORD, "display_name": "Ada" }).to_string();

    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let reply = api.post("/users").body(content_type, json.clone()).send().await;
        reply.problem(415, "unsupported_media_type");
    }
    let untyped = api.request(reqwest::Method::POST, "/sessions").send().await;
    untyped.problem(415, "unsupported_media_type");
    api.stop().await;
}

#[tokio::test]
async fn malformed_json_is_refused_as_malformed() {
    let api = start(&[]).await;

    for text in ["{\"email\":", "{email: \"ada@example.com\"}", "{} {}", "{\"email\": \"ada@example.com\",}"] {
        let reply = api.post("/users").body("application/json", text).send().await;
        reply.problem(422, "malformed_json");
    }
    api.stop().await;
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named() {
    let api = start(&[]).await;
    let buyer = api.buyer("ada@example.com").await;
    let cases = [
        ("/users", json!({ "email": 42, "password": PASSWORD, "display_name": "Ada" }), "email"),
        (
            "/users",
            json!({ "email": "bob@example.com", "password": PASSWORD, "display_name": ["Bob"] }),
            "display_name",
        ),
        ("/sessions", json!({ "email": "ada@example.com", "password": { "plain": PASSWORD } }), "password"),
        ("/sessions/refresh", json!({ "refresh_token": 7 }), "refresh_token"),
        ("/seller-applications", json!({ "shop_name": true, "description": DESCRIPTION }), "shop_name"),
    ];

    for (path, body, field) in cases {
        let reply = api.post(path).bearer(&buyer.access).json(&body).send().await;
        reply.problem(422, "invalid_body");
        assert_eq!(reply.fields(), [field], "{path} {body}");
    }
    api.stop().await;
}

#[tokio::test]
async fn every_endpoint_names_the_fields_it_needs() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let buyer = api.buyer("ada@example.com").await;
    let user = &buyer.user_id;
    let cases: [(&str, &str, Value, &[&str]); 7] = [
        ("POST", "/sessions", json!({}), &["email", "password"]),
        ("POST", "/sessions", json!({ "email": "not an email", "password": "x" }), &["email"]),
        ("POST", "/sessions/refresh", json!({}), &["refresh_token"]),
        (
            "POST",
            "/seller-applications",
            json!({ "shop_name": "x", "description": "tea" }),
            &["description", "shop_name"],
        ),
        ("PUT", "/me/password", json!({ "new_password": "a brand new passphrase" }), &["current_password"]),
        ("POST", &format!("/admin/users/{user}/disable"), json!({}), &["reason"]),
        ("POST", &format!("/admin/users/{user}/revoke-seller"), json!({ "reason": " " }), &["reason"]),
    ];

    for (method, path, body, fields) in cases {
        let token = if path.starts_with("/admin") { &admin.access } else { &buyer.access };
        let reply = api.request(method.parse().unwrap(), path).bearer(token).json(&body).send().await;
        reply.problem(422, "invalid_input");
        assert_eq!(sorted_fields(&reply), fields, "{method} {path} {body}");
    }
    for (query, field) in [("role=superuser", "role"), ("status=gone", "status"), ("cursor=garbage", "cursor")] {
        let reply = api.get(&format!("/admin/users?{query}")).bearer(&admin.access).send().await;
        reply.problem(422, "invalid_input");
        assert_eq!(reply.fields(), [field], "{query}");
    }
    api.stop().await;
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_malformed_ones_are_refused() {
    let api = start(&[]).await;
    let admin = api.admin().await;
    let nobody = uuid::Uuid::now_v7();
    let reason = json!({ "reason": "spam" });

    let cases = [
        (api.get(&format!("/sellers/{nobody}")).send().await, 404, "seller_not_found"),
        (
            api.post(&format!("/admin/users/{nobody}/disable")).bearer(&admin.access).json(&reason).send().await,
            404,
            "user_not_found",
        ),
        (api.post(&format!("/admin/users/{nobody}/enable")).bearer(&admin.access).send().await, 404, "user_not_found"),
        (
            api.post(&format!("/admin/seller-applications/{nobody}/approve")).bearer(&admin.access).send().await,
            404,
            "application_not_found",
        ),
        (api.get("/seller-applications/mine").bearer(&admin.access).send().await, 404, "application_not_found"),
    ];
    for (reply, status, code) in &cases {
        reply.problem(*status, code);
    }

    let malformed = api.get("/sellers/not-an-id").send().await;
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    assert_eq!(malformed.header("content-type"), "application/problem+json");
    api.stop().await;
}

/// Another process holds identity's SQLite file locked for writing (a backup tool, an operator's shell): a
/// registration waits out the busy timeout, then answers 503 `storage_busy` with Retry-After and creates
/// nothing; reads still answer; once the lock is gone the same request succeeds.
#[tokio::test]
async fn a_database_locked_elsewhere_answers_storage_busy_and_the_same_request_succeeds_after() {
    use sqlx::{ConnectOptions, Connection};

    let api = start(&[]).await;
    let admin = api.admin().await;
    let file = api.app.data_dir().join("identity.db");
    let mut holder = sqlx::sqlite::SqliteConnectOptions::new().filename(&file).connect().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();

    let body = json!({ "email": "grace@example.com", "password": PASSWORD, "display_name": "Grace Hopper" });
    let refused = api.post("/users").json(&body).send().await;
    refused.problem(503, "storage_busy");
    assert_eq!(refused.header("retry-after"), "1");
    api.get("/me").bearer(&admin.access).send().await.ok(200);

    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();
    api.post("/users").json(&body).send().await.ok(201);
    api.stop().await;
}
