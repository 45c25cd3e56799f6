//! [`TestApp`]: the real platform on port 0.

use std::sync::Arc;

use agora::Config;
use agora::runtime::{self, RunningApp};
use agora_http::Service;

use crate::backends::{Backends, Storage, Transport, unique_prefix};

/// Configures a [`TestApp`].
pub struct TestAppBuilder {
    services: Vec<Arc<dyn Service>>,
    backends: Backends,
    overrides: Vec<(&'static str, String)>,
}

/// The running app, its address and an HTTP client.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub config: Config,
    running: Option<RunningApp>,
    dir: tempfile::TempDir,
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder { services: Vec::new(), backends: Backends::EMBEDDED, overrides: Vec::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Stops the app gracefully (drain, commit consumer progress, close storage).
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }
}

impl TestAppBuilder {
    /// Runs this service (repeat for more).
    pub fn service(mut self, service: Arc<dyn Service>) -> Self {
        self.services.push(service);
        self
    }

    /// Runs the named services of the binary's registry.
    pub fn services(mut self, names: &str) -> Self {
        let chosen = agora::registry::select(&agora::registry::all(), names).unwrap_or_else(|e| panic!("{e}"));
        self.services.extend(chosen);
        self
    }

    pub fn backends(mut self, backends: Backends) -> Self {
        self.backends = backends;
        self
    }

    /// Sets a configuration key, as a flag would.
    pub fn set(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.overrides.push((key, value.into()));
        self
    }

    /// Starts the app; `None` when the chosen backends are not available here (the test is skipped).
    pub async fn start(self) -> Option<TestApp> {
        if !self.backends.available() {
            return None;
        }
        Some(self.start_available().await.unwrap_or_else(|e| panic!("test app failed to start: {e:#}")))
    }

    async fn start_available(self) -> anyhow::Result<TestApp> {
        let dir = tempfile::tempdir()?;
        let mut overrides = vec![
            ("listen", "127.0.0.1:0".to_owned()),
            ("data_dir", dir.path().display().to_string()),
            ("bus.topic_prefix", unique_prefix()),
            ("outbox.idle_interval_ms", "10".to_owned()),
            ("http.shutdown_grace_secs", "5".to_owned()),
        ];
        // Tests check what the platform does, not how fast. On a shared two-core machine a process can stall
        // for seconds at a time, and a call between services or a wait for a pooled connection must not give
        // up over that. Tests of those timeouts set their own, which come later and win.
        overrides.extend(PATIENT_TIMEOUTS.map(|(key, value)| (key, value.to_owned())));
        if self.backends.storage == Storage::Postgres {
            overrides.push(("database.url", crate::fresh_postgres_url().await?));
            overrides.push(("database.migrate_on_start", "true".to_owned()));
        }
        // Production runs carts on Redis; keys carry the run's topic prefix, so runs sharing one Redis stay apart.
        if self.backends == Backends::PRODUCTION
            && let Some(redis) = std::env::var("AGORA_TEST_REDIS_URL").ok().filter(|url| !url.is_empty())
        {
            overrides.push(("redis.url", redis));
        }
        if self.backends.transport == Transport::Kafka {
            overrides.push(("bus.backend", "kafka".to_owned()));
            overrides.push(("bus.kafka.brokers", crate::kafka_brokers()?));
            overrides.push(("bus.partitions", "2".to_owned()));
            for (key, value) in crate::kafka_properties() {
                overrides.push((leak(format!("bus.kafka.properties.{}", key.replace('.', "_"))), value));
            }
        }
        overrides.extend(self.overrides);
        let config = Config::load(None, &overrides)?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let running = runtime::start(&config, self.services, listener).await?;
        Ok(TestApp {
            base_url: format!("http://{}", running.addr),
            client: reqwest::Client::new(),
            config,
            running: Some(running),
            dir,
        })
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(running) = &self.running {
            running.trigger_shutdown();
        }
    }
}

/// The timeouts a test app waits longer for than production does: 15 s, under the 20 s after which a
/// request is answered 504, so a dependency that does not answer is still told as such.
pub const PATIENT_TIMEOUTS: [(&str, &str); 6] = [
    ("database.acquire_timeout_ms", "15000"),
    ("settings.cart.catalog_timeout_ms", "15000"),
    ("settings.order.cart_timeout_ms", "15000"),
    ("settings.wishlist.catalog_timeout_ms", "15000"),
    ("settings.chat.catalog_timeout_ms", "15000"),
    ("settings.storefront.service_timeout_ms", "15000"),
];

/// Override keys are `'static` like the builder's; a test run makes a handful of these.
fn leak(key: String) -> &'static str {
    Box::leak(key.into_boxed_str())
}
