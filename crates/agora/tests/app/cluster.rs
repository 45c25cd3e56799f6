//! Several `agora serve --services …` processes on real PostgreSQL, Redis and a Kafka-protocol broker, as
//! the distributed mode runs them: their shared environment, starting, killing and restarting them, and the
//! HTTP calls the tests drive them with.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use agora_testkit::api::{ADMIN_EMAIL, ADMIN_PASSWORD, DESCRIPTION, PASSWORD};
use futures::{SinkExt, StreamExt};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::binary::agora;

/// One `agora serve --services …` process, restartable on the same port and data directory.
pub struct Process {
    pub services: &'static str,
    pub port: u16,
    pub env: BTreeMap<String, String>,
    /// Kept after the test (logs in `serve.log`), so a failure can be read.
    pub dir: std::path::PathBuf,
    child: Option<Child>,
}

impl Process {
    /// A process of `services` named `name` (its data directory's prefix), not started yet.
    pub fn new(services: &'static str, name: &str, env: &BTreeMap<String, String>) -> Process {
        Process {
            services,
            port: free_port(),
            env: env.clone(),
            dir: tempfile::Builder::new().prefix(&format!("agora-{name}-")).tempdir().unwrap().keep(),
            child: None,
        }
    }

    pub fn spawn(&mut self) {
        let mut command = agora();
        command
            .args(["serve", "--services", self.services, "--listen", &format!("127.0.0.1:{}", self.port)])
            .arg("--data-dir")
            .arg(&self.dir)
            .envs(&self.env)
            .stdout(Stdio::null())
            .stderr(std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("serve.log")).unwrap());
        self.child = Some(command.spawn().unwrap());
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Stops the process as an orchestrator does, with SIGTERM, and waits until it has exited.
    pub async fn stop(&mut self) {
        let Some(child) = &mut self.child else { return };
        let status = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM {} failed", child.id());
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "{} did not stop on SIGTERM", self.services);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.child = None;
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(reply) = reqwest::get(format!("{}/readyz", self.url())).await
                && reply.status() == StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "{} did not become ready", self.services);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `agora <args>` to completion with `env` (a migration or topic-creation job), asserting it succeeds.
pub fn one_shot(args: &[&str], env: &BTreeMap<String, String>) {
    let output = agora().args(args).envs(env).output().unwrap();
    assert!(output.status.success(), "agora {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The environment every process of one test shares: a fresh PostgreSQL database, the test broker under a
/// topic prefix of its own, Redis, and the bootstrap admin. `None` when the backends are not available.
pub async fn production_env() -> Option<BTreeMap<String, String>> {
    let (Some(_), Some(brokers), Some(redis)) = (
        agora_testkit::require("AGORA_TEST_DATABASE_URL"),
        agora_testkit::require("AGORA_TEST_KAFKA_BROKERS"),
        agora_testkit::require("AGORA_TEST_REDIS_URL"),
    ) else {
        return None;
    };
    let database = agora_testkit::fresh_postgres_url().await.unwrap();
    let mut env: BTreeMap<String, String> = [
        ("AGORA_DATABASE__URL", database.as_str()),
        ("AGORA_DATABASE__MIGRATE_ON_START", "true"),
        ("AGORA_BUS__BACKEND", "kafka"),
        ("AGORA_BUS__KAFKA__BROKERS", brokers.as_str()),
        ("AGORA_BUS__PARTITIONS", "2"),
        ("AGORA_OUTBOX__IDLE_INTERVAL_MS", "10"),
        ("REDIS_URL", redis.as_str()),
        ("AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL),
        ("AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("AGORA_SETTINGS__IDENTITY__REGISTRATIONS_PER_ADDRESS", "1000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    env.insert("AGORA_BUS__TOPIC_PREFIX".into(), agora_testkit::unique_prefix());
    for (key, value) in agora_testkit::PATIENT_TIMEOUTS {
        env.insert(format!("AGORA_{}", key.replace('.', "__").to_uppercase()), value.to_owned());
    }
    // What the test backends need of clients (tansu: one record per producer batch).
    for (key, value) in agora_testkit::kafka_properties() {
        env.insert(format!("AGORA_BUS__KAFKA__PROPERTIES__{}", key.replace('.', "_").to_uppercase()), value);
    }
    Some(env)
}

/// Points each service's REST base URL at the process that runs it.
pub fn route(env: &mut BTreeMap<String, String>, services: &[(&str, &Process)]) {
    for (service, process) in services {
        env.insert(format!("AGORA_URLS__{}", service.to_uppercase()), format!("{}/api/{service}", process.url()));
    }
}

/// Sends a request until the service answers (a killed process refuses connections for a while).
pub async fn call(
    client: &Client,
    method: Method,
    url: &str,
    token: &str,
    body: Option<&Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let mut request = client.request(method.clone(), url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        match request.send().await {
            Ok(reply) if !reply.status().is_server_error() => {
                let status = reply.status().as_u16();
                return (status, reply.json().await.unwrap_or(Value::Null));
            }
            _ => {
                assert!(Instant::now() < deadline, "{method} {url} never answered");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Registers an account and signs it in; answers its access token.
pub async fn register(client: &Client, identity: &str, email: &str, name: &str) -> String {
    let body = json!({ "email": email, "password": PASSWORD, "display_name": name });
    let reply = client.post(format!("{identity}/api/identity/users")).json(&body).send().await.unwrap();
    assert_eq!(reply.status(), 201, "{}", reply.text().await.unwrap());
    session(client, identity, email, PASSWORD).await.0
}

/// A shop: `seller` (an account of `email`, already registered) applies, the admin approves; answers the
/// seller's new token (which carries the seller role).
pub async fn approved_seller(client: &Client, identity: &str, admin: &str, seller: &str, email: &str) -> String {
    let application = json!({ "shop_name": "Sturdy Shop", "description": DESCRIPTION });
    let url = format!("{identity}/api/identity/seller-applications");
    let (status, application) = call(client, Method::POST, &url, seller, Some(&application), None).await;
    assert_eq!(status, 201, "{application}");
    let id = application["id"].as_str().unwrap();
    let approve = format!("{identity}/api/identity/admin/seller-applications/{id}/approve");
    assert_eq!(call(client, Method::POST, &approve, admin, None, None).await.0, 200);
    session(client, identity, email, PASSWORD).await.0
}

/// The seller lists a product (`title`, 9.00 EUR, `stock` units) in a new category; answers it.
pub async fn listed_product(
    client: &Client,
    catalog: &str,
    admin: &str,
    seller: &str,
    title: &str,
    stock: i64,
) -> Value {
    let url = format!("{catalog}/api/catalog/categories");
    let (_, category) = call(client, Method::POST, &url, admin, Some(&json!({ "name": "Things" })), None).await;
    let product = json!({
        "title": title, "description": "Survives anything you put it through.",
        "price": { "amount_minor": 900, "currency": "EUR" }, "category_id": category["id"], "attributes": [],
        "stock": stock,
    });
    let url = format!("{catalog}/api/catalog/products");
    let (status, product) = call(client, Method::POST, &url, seller, Some(&product), None).await;
    assert_eq!(status, 201, "{product}");
    product
}

/// Signs in; answers the access and refresh tokens.
pub async fn session(client: &Client, identity: &str, email: &str, password: &str) -> (String, String) {
    let body = json!({ "email": email, "password": password });
    let reply = client.post(format!("{identity}/api/identity/sessions")).json(&body).send().await.unwrap();
    let body: Value = reply.json().await.unwrap();
    (body["access_token"].as_str().unwrap().to_owned(), body["refresh_token"].as_str().unwrap().to_owned())
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An authenticated chat socket.
/// An authenticated socket, and its user's id.
pub struct Socket(Ws, String);

impl Socket {
    /// Opens `/api/chat/ws` of the service at `base` (`http://…`) and authenticates with `token`.
    pub async fn open(base: &str, token: &str) -> Socket {
        Socket::open_at(&format!("{}/api/chat/ws", base.replacen("http", "ws", 1)), token).await
    }

    /// Opens the socket at `url` (`ws://…/api/<service>/ws`) and authenticates with `token`.
    pub async fn open_at(url: &str, token: &str) -> Socket {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        ws.send(Message::text(json!({ "type": "auth", "token": token }).to_string())).await.unwrap();
        let mut socket = Socket(ws, String::new());
        let ready = socket.expect("ready", Duration::from_secs(10)).await;
        socket.1 = ready["user_id"].as_str().unwrap().to_owned();
        socket
    }

    pub async fn send(&mut self, frame: Value) {
        self.0.send(Message::text(frame.to_string())).await.unwrap();
    }

    /// The next frame of type `kind`, skipping others; `None` after `within`.
    pub async fn next_of(&mut self, kind: &str, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let next = tokio::time::timeout_at(deadline, self.0.next()).await.ok()??;
            if let Ok(Message::Text(text)) = next {
                let frame: Value = serde_json::from_str(&text).unwrap();
                if frame["type"] == kind {
                    return Some(frame);
                }
            }
        }
    }

    pub async fn expect(&mut self, kind: &str, within: Duration) -> Value {
        self.next_of(kind, within).await.unwrap_or_else(|| panic!("no {kind} frame within {within:?}"))
    }

    /// The body of the next message someone else sent (the socket also sees its own user's messages).
    pub async fn message(&mut self) -> String {
        loop {
            let frame = self.expect("message", Duration::from_secs(20)).await;
            if frame["message"]["sender_id"] != self.1.as_str() {
                return frame["message"]["body"].as_str().unwrap().to_owned();
            }
        }
    }
}

/// A TCP proxy that spreads connections over several instances of a service in turn, skipping an instance
/// that refuses (as a Kubernetes Service spreads over ready pods). Answers its port.
pub async fn round_robin(upstreams: Vec<u16>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (upstreams, next) = (upstreams.clone(), next.clone());
            tokio::spawn(async move {
                let first = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                for i in 0..upstreams.len() {
                    let port = upstreams[(first + i) % upstreams.len()];
                    let connect = tokio::net::TcpStream::connect(("127.0.0.1", port));
                    if let Ok(Ok(mut upstream)) = tokio::time::timeout(Duration::from_secs(1), connect).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                        return;
                    }
                }
            });
        }
    });
    port
}
