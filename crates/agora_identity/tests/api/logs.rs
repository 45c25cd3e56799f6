//! What identity logs, at the most verbose level, never contains a password, a token or a password hash.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::harness::{PASSWORD, Session, start};

/// Log output collected in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

// One thread: the app's tasks run on it, so they log to the subscriber set for it here.
#[tokio::test(flavor = "current_thread")]
async fn no_password_token_or_hash_reaches_the_logs_even_at_trace_level() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("trace"))
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    // tracing caches whether each log statement is wanted. With one registered subscriber it asks the thread
    // that first reaches the statement — under `cargo test` maybe another test's, which has none, so the
    // statement would be muted here too. With two registered, it asks each of them.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let api = start(&[]).await;

    api.register("ada@example.com").await;
    let body = json!({ "email": "ada@example.com", "password": "a wrong password" });
    api.post("/sessions").json(&body).send().await.problem(401, "bad_credentials");
    let signed_in = api.sign_in("ada@example.com", PASSWORD).await;
    let refreshed = Session::from(api.refresh(&signed_in.refresh).await.ok(200));
    api.whoami(&refreshed.access).await.ok(200);
    api.post("/sessions/sign-out").json(&json!({ "refresh_token": refreshed.refresh })).send().await;
    api.stop().await;

    let logs = captured.text();
    assert!(logs.contains("account registered") && logs.contains("signed in"), "identity logged nothing:\n{logs}");
    let secrets = [
        ("the password", PASSWORD),
        ("a wrong password", "a wrong password"),
        ("an access token", &signed_in.access),
        ("a refresh token", &signed_in.refresh),
        ("a rotated access token", &refreshed.access),
        ("a rotated refresh token", &refreshed.refresh),
        ("a token signature", &signed_in.access[signed_in.access.rfind('.').unwrap()..]),
        ("a password hash", "$argon2"),
    ];
    for (what, secret) in secrets {
        assert!(!logs.contains(secret), "{what} was logged:\n{logs}");
    }
}
