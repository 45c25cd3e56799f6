//! `agora admin create`, with the first-start bootstrap the only way an admin comes to exist: it creates an
//! admin who can sign in and act, promotes an existing account without touching its password, and refuses
//! a weak password or a malformed email, saying which.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use agora_testkit::TestApp;
use serde_json::{Value, json};

const PASSWORD: &str = "keeper of the keys 1";

use crate::binary::agora;

/// `agora admin create --email <email> --data-dir <dir>` with the password in AGORA_ADMIN_PASSWORD.
fn admin_create(data_dir: &Path, email: &str, password: &str) -> Output {
    agora()
        .args(["admin", "create", "--email", email, "--data-dir"])
        .arg(data_dir)
        .env("AGORA_ADMIN_PASSWORD", password)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The identity service on `data_dir`, where the command wrote.
async fn identity_on(data_dir: &Path) -> TestApp {
    TestApp::builder().services("identity").set("data_dir", data_dir.display().to_string()).start().await.unwrap()
}

/// Signs in; returns the status and the body.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    let body = json!({ "email": email, "password": password });
    let response = app.client.post(app.url("/api/identity/sessions")).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// `GET /api/identity/admin/users` as the holder of `token`.
async fn listed_users(app: &TestApp, token: &str) -> (u16, Value) {
    let response = app.client.get(app.url("/api/identity/admin/users")).bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn admin_create_makes_an_admin_who_can_sign_in_and_act() {
    let dir = tempfile::tempdir().unwrap();

    let output = admin_create(dir.path(), "root@example.com", PASSWORD);

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("created admin root@example.com"), "{}", stdout(&output));
    assert!(!stdout(&output).contains(PASSWORD) && !stderr(&output).contains(PASSWORD));
    let app = identity_on(dir.path()).await;
    let (status, session) = sign_in(&app, "root@example.com", PASSWORD).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["roles"], json!(["buyer", "admin"]));
    let (status, users) = listed_users(&app, session["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{users}");
    assert_eq!(users["items"][0]["email"], "root@example.com");
    app.stop().await;
}

#[tokio::test]
async fn admin_create_on_an_existing_account_makes_it_an_admin_and_keeps_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let app = identity_on(dir.path()).await;
    let registration = json!({ "email": "ada@example.com", "password": "ada's own passphrase", "display_name": "Ada" });
    let response = app.client.post(app.url("/api/identity/users")).json(&registration).send().await.unwrap();
    assert_eq!(response.status(), 201);
    app.stop().await;

    let output = admin_create(dir.path(), " ADA@example.com", "an unrelated password");

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("ada@example.com"), "{}", stdout(&output));
    assert!(stdout(&output).contains("is now an admin; its password is unchanged"), "{}", stdout(&output));
    let app = identity_on(dir.path()).await;
    let (status, session) = sign_in(&app, "ada@example.com", "ada's own passphrase").await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["roles"], json!(["buyer", "admin"]));
    let (status, _) = listed_users(&app, session["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let (status, refused) = sign_in(&app, "ada@example.com", "an unrelated password").await;
    assert_eq!((status, refused["code"].as_str()), (401, Some("bad_credentials")));
    app.stop().await;
}

#[test]
fn admin_create_refuses_a_weak_password_or_a_malformed_email_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();

    let weak = admin_create(dir.path(), "root@example.com", "short");
    let malformed = admin_create(dir.path(), "root-at-example", PASSWORD);

    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("password: use at least 10 characters"), "{}", stderr(&weak));
    assert!(!malformed.status.success());
    assert!(stderr(&malformed).contains("email:"), "{}", stderr(&malformed));
    // Nothing was made: the next valid run creates the admin (its password read from stdin this time).
    let mut child = agora()
        .args(["admin", "create", "--email", "root@example.com", "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let created = child.wait_with_output().unwrap();
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(stdout(&created).contains("created admin root@example.com"), "{}", stdout(&created));
}
