//! The backends a test runs on, and provisioning fresh ones.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use agora_bus::{Bus, EmbeddedLog, KafkaBroker, KafkaSettings};
use agora_db::{Db, PoolSettings};

/// Where service databases live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Sqlite,
    Postgres,
}

/// Which bus carries events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Embedded,
    Kafka,
}

/// A storage and transport pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backends {
    pub storage: Storage,
    pub transport: Transport,
}

impl Backends {
    pub const EMBEDDED: Backends = Backends { storage: Storage::Sqlite, transport: Transport::Embedded };
    pub const PRODUCTION: Backends = Backends { storage: Storage::Postgres, transport: Transport::Kafka };
    /// PostgreSQL with the embedded log: for what the database decides (concurrency, SQL dialect).
    pub const POSTGRES: Backends = Backends { storage: Storage::Postgres, transport: Transport::Embedded };

    /// Whether this machine has the backends; `false` means skip (or panic when they are required).
    pub fn available(self) -> bool {
        let pg = self.storage == Storage::Sqlite || require("AGORA_TEST_DATABASE_URL").is_some();
        let kafka = self.transport == Transport::Embedded || require("AGORA_TEST_KAFKA_BROKERS").is_some();
        pg && kafka
    }

    /// A fresh database URL for this backend choice.
    pub async fn fresh_database_url(self, dir: &Path, name: &str) -> anyhow::Result<String> {
        match self.storage {
            Storage::Sqlite => Ok(format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display())),
            Storage::Postgres => fresh_postgres_url().await,
        }
    }

    /// A fresh database.
    pub async fn fresh_db(self, dir: &Path, name: &str) -> anyhow::Result<Db> {
        let url = self.fresh_database_url(dir, name).await?;
        Ok(Db::connect(&url, &PoolSettings::default()).await?)
    }

    /// A bus with a unique topic prefix.
    pub async fn fresh_bus(self, dir: &Path) -> anyhow::Result<Bus> {
        let prefix = unique_prefix();
        match self.transport {
            Transport::Embedded => {
                let log = EmbeddedLog::open(&dir.join("events.db")).await?;
                Ok(Bus::new(Arc::new(log), prefix))
            }
            Transport::Kafka => {
                let broker = KafkaBroker::connect(KafkaSettings {
                    brokers: kafka_brokers()?,
                    client_id: "agora-test".to_owned(),
                    publish_timeout: Duration::from_secs(30),
                    properties: kafka_properties(),
                })?;
                Ok(Bus::new(Arc::new(broker), prefix))
            }
        }
    }
}

/// A unique topic and group prefix for one test.
pub fn unique_prefix() -> String {
    format!("t{}.", uuid::Uuid::now_v7().simple())
}

/// The value of a backend variable. Missing: `None`, or a panic when `AGORA_TEST_REQUIRE_BACKENDS=1`.
pub fn require(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Some(value),
        _ if std::env::var("AGORA_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") => {
            panic!("{var} is not set but AGORA_TEST_REQUIRE_BACKENDS=1; run the suite with ./scripts/test")
        }
        _ => {
            eprintln!("skipped: {var} is not set (./scripts/test starts the real backends)");
            None
        }
    }
}

pub fn kafka_brokers() -> anyhow::Result<String> {
    require("AGORA_TEST_KAFKA_BROKERS").ok_or_else(|| anyhow::anyhow!("AGORA_TEST_KAFKA_BROKERS is not set"))
}

/// Creates an empty PostgreSQL database on the test server and returns its URL.
pub async fn fresh_postgres_url() -> anyhow::Result<String> {
    let server =
        require("AGORA_TEST_DATABASE_URL").ok_or_else(|| anyhow::anyhow!("AGORA_TEST_DATABASE_URL is not set"))?;
    let name = format!("agora_t_{}", uuid::Uuid::now_v7().simple());
    let admin = Db::connect(&server, &PoolSettings { max_connections: 1, ..PoolSettings::default() }).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await?;
    admin.close().await;
    let (base, _) =
        server.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("AGORA_TEST_DATABASE_URL has no database"))?;
    Ok(format!("{base}/{name}"))
}

/// Extra librdkafka properties for debugging a test run: `AGORA_TEST_KAFKA_PROPERTIES="debug=cgrp;k=v"`.
pub fn kafka_properties() -> Vec<(String, String)> {
    std::env::var("AGORA_TEST_KAFKA_PROPERTIES")
        .unwrap_or_default()
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}
