//! Composition: starts the chosen services in one process on one listener — their databases, migrations,
//! outbox relays, consumers, background tasks and routes — and stops them all gracefully.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use agora_bus::consumer::ConsumerRunner;
use agora_bus::{Bus, EmbeddedLog, OutboxRelay, RelaySettings, RetryPolicy, TopicSpec};
use agora_core::Timestamp;
use agora_db::Db;
use agora_http::health::{self, Readiness};
use agora_http::middleware::{self, HttpLimits};
use agora_http::{Problem, Service, ServiceContext, TokenVerifier, TrustedProxies};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Extension, Router};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::storage;

/// A running platform: its address and what it takes to stop it.
pub struct RunningApp {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    workers: JoinSet<()>,
    databases: Vec<Db>,
    embedded: Option<EmbeddedLog>,
    grace: Duration,
}

/// A started service with its database.
struct Started {
    service: Arc<dyn Service>,
    db: Option<Db>,
}

/// Starts `services` on `listener`. Returns once everything is started and the listener accepts.
pub async fn start(
    config: &Config,
    services: Vec<Arc<dyn Service>>,
    listener: TcpListener,
) -> anyhow::Result<RunningApp> {
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let bus_handle = crate::bus::connect(config).await?;
    let bus = bus_handle.bus.clone();

    let mut started = Vec::new();
    for service in &services {
        let db = storage::open(config, service.as_ref()).await?;
        if let Some(db) = &db
            && (config.embedded_storage() || config.database.migrate_on_start)
        {
            storage::migrate(db, service.as_ref()).await?;
        }
        started.push(Started { service: service.clone(), db });
    }

    if config.bus.create_topics_on_start {
        let topics = topics_of(config, &services);
        if let Err(err) = bus.create_topics(&topics).await {
            tracing::warn!(error = %err, "could not create topics at start; the broker may create them on use");
        }
    }

    let base_urls = base_urls(config, &services, addr);
    let tokens = TokenVerifier::new(base_urls.get("identity").map(|url| format!("{url}/jwks.json")));
    if !base_urls.contains_key("identity") {
        tracing::warn!("no identity service here and no urls.identity configured: signed-in requests will fail");
    }
    let mut workers = JoinSet::new();
    let mut router = Router::new();
    let mut readiness_checks = Vec::new();
    for Started { service, db } in &started {
        let name = service.name();
        let ctx = ServiceContext {
            name,
            db: db.clone(),
            bus: bus.clone(),
            outbox: agora_bus::Outbox::new(name),
            settings: config.settings.get(name).cloned().unwrap_or(serde_json::Value::Object(Default::default())),
            base_urls: base_urls.clone(),
            tokens: tokens.clone(),
            data_dir: config.data_dir.clone(),
            redis_url: Some(config.redis.url.trim().to_owned()).filter(|url| !url.is_empty()),
            shutdown: shutdown.clone(),
        };
        let mut parts = service.start(ctx).await?;
        if let Some(doc) = service.openapi() {
            // Serialized once here, not on every request.
            let json = serde_json::to_string(&doc)?;
            let answer = ([(axum::http::header::CONTENT_TYPE, "application/json")], json);
            parts.router = parts.router.route("/openapi.json", get(move || std::future::ready(answer.clone())));
        }
        readiness_checks.append(&mut parts.readiness);
        let mount = service.mount();
        router = if mount == "/" { router.merge(parts.router) } else { router.nest(&mount, parts.router) };
        if let Some(db) = db {
            spawn_data_workers(&mut workers, config, name, db, &bus, parts.consumers, &shutdown);
        }
        for (task, future) in parts.tasks {
            let token = shutdown.clone();
            workers.spawn(async move {
                tokio::select! {
                    () = future => tracing::info!(task, "background task ended"),
                    () = token.cancelled() => {}
                }
            });
        }
    }
    if let Some(log) = bus_handle.embedded.clone() {
        let keep = Duration::from_secs(config.bus.retention_hours * 3600);
        workers.spawn(hourly(shutdown.clone(), move || {
            let log = log.clone();
            async move {
                match log.trim(Timestamp::now().minus(keep)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(messages = n, "trimmed the embedded event log"),
                    Err(err) => tracing::warn!(error = %err, "trimming the embedded event log failed"),
                }
            }
        }));
    }

    let databases: Vec<(String, Db)> =
        started.iter().filter_map(|s| s.db.clone().map(|db| (s.service.name().to_owned(), db))).collect();
    let readiness = Readiness { databases: databases.clone(), bus, others: readiness_checks };
    let mut router = router.merge(health::routes(readiness));
    // A service mounted at `/` (the storefront) answers unknown paths itself, with pages.
    if !services.iter().any(|s| s.mount() == "/") {
        router = router.fallback(|| async { Problem::not_found().into_response() });
    }
    let limits =
        HttpLimits { body_limit_bytes: config.http.body_limit_bytes, request_timeout: config.request_timeout() };
    let router = router.layer(Extension(tokens)).layer(Extension(TrustedProxies::new(config.trusted_proxies()?)));
    let app = middleware::apply(router, &limits);
    let token = shutdown.clone();
    let server = tokio::spawn(async move {
        // Without TCP_NODELAY a small write (a chat frame, a short answer) can wait for the peer's delayed
        // acknowledgement of the one before it: 40 ms on Linux, longer than the whole of a delivery.
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "could not set TCP_NODELAY on a connection");
            }
        });
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(token.cancelled_owned())
            .await
    });
    let names: Vec<&str> = services.iter().map(|s| s.name()).collect();
    tracing::info!(%addr, services = ?names, "agora is listening");
    Ok(RunningApp {
        addr,
        shutdown,
        server,
        workers,
        databases: databases.into_iter().map(|(_, db)| db).collect(),
        embedded: bus_handle.embedded,
        grace: config.shutdown_grace(),
    })
}

/// The outbox relay, the consumers and the inbox clean-up of one service database.
fn spawn_data_workers(
    workers: &mut JoinSet<()>,
    config: &Config,
    service: &'static str,
    db: &Db,
    bus: &Bus,
    consumers: Vec<agora_bus::Consumer>,
    shutdown: &CancellationToken,
) {
    let relay = RelaySettings {
        batch_size: config.outbox.batch_size,
        idle_interval: Duration::from_millis(config.outbox.idle_interval_ms),
        lease: Duration::from_secs(config.outbox.lease_secs),
        ..RelaySettings::default()
    };
    workers.spawn(OutboxRelay::new(service, db.clone(), bus.clone(), relay).run(shutdown.clone()));
    let policy = RetryPolicy {
        max_attempts: config.consumer.max_attempts,
        initial_backoff: Duration::from_millis(config.consumer.initial_backoff_ms),
        max_backoff: Duration::from_millis(config.consumer.max_backoff_ms),
        batch_size: config.consumer.batch_size,
    };
    for consumer in consumers {
        let runner = ConsumerRunner::new(consumer, db.clone(), bus.clone(), policy.clone());
        workers.spawn(runner.run(shutdown.clone()));
    }
    let keep = Duration::from_secs(config.inbox.retention_days * 86_400);
    let db = db.clone();
    workers.spawn(hourly(shutdown.clone(), move || {
        let db = db.clone();
        async move {
            if let Err(err) = agora_bus::consumer::forget_before(&db, Timestamp::now().minus(keep)).await {
                tracing::warn!(error = %err, "inbox clean-up failed");
            }
        }
    }));
}

/// Every topic the services publish, with the configured partitioning.
pub fn topics_of(config: &Config, services: &[Arc<dyn Service>]) -> Vec<TopicSpec> {
    services
        .iter()
        .flat_map(|s| s.topics())
        .map(|t| TopicSpec { partitions: config.bus.partitions, replication: config.bus.replication, ..t })
        .collect()
}

/// Where each service's REST API is: this process for the services it runs, configuration for the rest.
fn base_urls(config: &Config, services: &[Arc<dyn Service>], addr: SocketAddr) -> BTreeMap<String, String> {
    let mut urls = config.urls.clone();
    for service in services {
        urls.insert(service.name().to_owned(), format!("http://{addr}{}", service.mount().trim_end_matches('/')));
    }
    urls
}

/// Runs `job` every hour until shutdown, the first time an hour after start, so starting stays quick.
async fn hourly<F, Fut>(shutdown: CancellationToken, job: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(3600)) => job().await,
        }
    }
}

impl RunningApp {
    /// Asks everything to stop without waiting.
    pub fn trigger_shutdown(&self) {
        self.shutdown.cancel();
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Stops accepting, drains in-flight requests, lets consumers commit their progress, closes storage.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        let grace = self.grace;
        // Requests drain and consumers commit side by side: a slow request must not use up the grace
        // period the consumers need to store their progress.
        let server = async {
            match (&mut self.server).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "server stopped with an error"),
                Err(err) => tracing::warn!(error = %err, "server task failed"),
            }
        };
        let workers = async { while self.workers.join_next().await.is_some() {} };
        let drained = tokio::time::timeout(grace, async { tokio::join!(server, workers) }).await;
        if drained.is_err() {
            tracing::warn!(grace_secs = grace.as_secs(), "shutdown grace period over; abandoning the rest");
            self.server.abort();
            self.workers.abort_all();
        }
        for db in &self.databases {
            db.close().await;
        }
        if let Some(log) = &self.embedded {
            log.close().await;
        }
        tracing::info!("agora stopped");
    }

    /// Waits until shutdown is triggered, then stops gracefully.
    pub async fn run_until_stopped(self) {
        self.shutdown.cancelled().await;
        self.shutdown().await;
    }
}
