//! A small client of the running app's REST APIs for tests: requests, their replies read once, and the
//! accounts most tests need (buyers, approved sellers, the bootstrap admin), made through identity's API.
#![expect(clippy::expect_used, reason = "test kit: an answer without the expected shape fails the test")]

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::TestApp;

/// The password of every account tests register.
pub const PASSWORD: &str = "correct horse battery";
/// The bootstrap admin tests configure (see [`with_admin`]).
pub const ADMIN_EMAIL: &str = "admin@example.com";
// Not "admin password 1": the policy refuses a password containing the email's local part.
pub const ADMIN_PASSWORD: &str = "keeper of the keys 1";
/// A description long enough for a seller application.
pub const DESCRIPTION: &str = "Loose-leaf teas from small gardens, packed by hand.";

/// Configures the bootstrap admin ([`ADMIN_EMAIL`]) on an app being built.
pub fn with_admin(builder: crate::TestAppBuilder) -> crate::TestAppBuilder {
    builder
        .set("settings.identity.bootstrap_admin_email", ADMIN_EMAIL)
        .set("settings.identity.bootstrap_admin_password", ADMIN_PASSWORD)
}

impl TestApp {
    /// A request to `path` (starting with `/api/…`, or any path of the app).
    pub fn request(&self, method: reqwest::Method, path: &str) -> Request {
        Request(self.client.request(method, self.url(path)))
    }

    /// Registers `email` with [`PASSWORD`]; returns the new user.
    pub async fn register(&self, email: &str) -> Value {
        let body = json!({ "email": email, "password": PASSWORD, "display_name": "Ada Lovelace" });
        self.request(reqwest::Method::POST, "/api/identity/users").json(&body).send().await.ok(201).clone()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Session {
        let body = json!({ "email": email, "password": password });
        let reply = self.request(reqwest::Method::POST, "/api/identity/sessions").json(&body).send().await;
        Session::from(reply.ok(200))
    }

    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        let body = json!({ "refresh_token": refresh_token });
        self.request(reqwest::Method::POST, "/api/identity/sessions/refresh").json(&body).send().await
    }

    /// A freshly registered and signed-in buyer.
    pub async fn buyer(&self, email: &str) -> Session {
        self.register(email).await;
        self.sign_in(email, PASSWORD).await
    }

    /// The bootstrap admin, signed in.
    pub async fn admin(&self) -> Session {
        self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Applies to sell as `session`'s user; returns the reply.
    pub async fn apply(&self, session: &Session, shop_name: &str) -> Reply {
        let body = json!({ "shop_name": shop_name, "description": DESCRIPTION });
        self.request(reqwest::Method::POST, "/api/identity/seller-applications")
            .bearer(&session.access)
            .json(&body)
            .send()
            .await
    }

    /// A buyer who applied and was approved by `admin`, signed in again to carry the seller role.
    pub async fn seller(&self, email: &str, shop_name: &str, admin: &Session) -> Session {
        let buyer = self.buyer(email).await;
        let application = self.apply(&buyer, shop_name).await.ok(201).clone();
        let id = application["id"].as_str().expect("an application id");
        let path = format!("/api/identity/admin/seller-applications/{id}/approve");
        self.request(reqwest::Method::POST, &path).bearer(&admin.access).send().await.ok(200);
        Session::from(self.refresh(&buyer.refresh).await.ok(200))
    }
}

/// A request being built.
pub struct Request(pub reqwest::RequestBuilder);

impl Request {
    pub fn bearer(self, token: &str) -> Request {
        Request(self.0.bearer_auth(token))
    }

    pub fn json(self, body: &Value) -> Request {
        Request(self.0.json(body))
    }

    /// A raw body with the given content type.
    pub fn body(self, content_type: &str, body: impl Into<reqwest::Body>) -> Request {
        Request(self.0.header("content-type", content_type).body(body))
    }

    pub fn header(self, name: &str, value: &str) -> Request {
        Request(self.0.header(name, value))
    }

    /// Adds an `X-Forwarded-For` line. Sent from 127.0.0.1, a trusted proxy, it names the client.
    pub fn forwarded_for(self, address: &str) -> Request {
        self.header("x-forwarded-for", address)
    }

    pub async fn send(self) -> Reply {
        let response = self.0.send().await.expect("the app answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("the body is readable");
        let text = String::from_utf8_lossy(&bytes);
        let body = serde_json::from_str(&text).unwrap_or(if text.is_empty() {
            Value::Null
        } else {
            Value::String(text.into())
        });
        Reply { status, headers, body, bytes }
    }
}

/// A response, read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    /// The JSON body; `Null` when empty, a string when not JSON.
    pub body: Value,
    /// The body as received.
    pub bytes: bytes::Bytes,
}

impl Reply {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        &self.body
    }

    /// Asserts a problem+json answer with this status and code; returns the problem.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!((self.status, self.body["code"].as_str()), (status, Some(code)), "unexpected answer: {}", self.body);
        assert_eq!(self.header("content-type"), "application/problem+json");
        assert_eq!(self.body["status"], status);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()), "a problem says what is wrong");
        &self.body
    }

    /// The fields a validation problem names.
    pub fn fields(&self) -> Vec<&str> {
        let errors = self.body["errors"].as_array().map(Vec::as_slice).unwrap_or_default();
        errors.iter().filter_map(|e| e["field"].as_str()).collect()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Tokens from a sign-in or refresh.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
}

impl From<&Value> for Session {
    fn from(body: &Value) -> Session {
        assert_eq!(body["token_type"], "Bearer", "{body}");
        Session {
            access: body["access_token"].as_str().expect("an access token").to_owned(),
            refresh: body["refresh_token"].as_str().expect("a refresh token").to_owned(),
            user_id: body["user"]["id"].as_str().expect("the user").to_owned(),
        }
    }
}
