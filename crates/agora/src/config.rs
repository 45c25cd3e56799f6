//! Configuration: embedded defaults ← optional file ← environment, validated at start.
//!
//! A bad value stops the process with a message naming the key and where the value came from.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

const DEFAULTS: &str = include_str!("../../../config/default.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub services: String,
    pub log: LogConfig,
    #[serde(default)]
    pub telemetry: TelemetryConfig,
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub bus: BusConfig,
    pub outbox: OutboxConfig,
    pub consumer: ConsumerConfig,
    pub inbox: InboxConfig,
    pub redis: RedisConfig,
    #[serde(default)]
    pub urls: BTreeMap<String, String>,
    /// Per-service settings sections, `[settings.<name>]`.
    #[serde(default)]
    pub settings: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

/// Trace export. Trace context always propagates (HTTP `traceparent`, event envelopes); spans leave the process
/// only when an OTLP endpoint is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TelemetryConfig {
    /// OTLP/HTTP traces endpoint, such as `http://otel-collector:4318/v1/traces`; empty exports nothing.
    #[serde(default)]
    pub otlp_endpoint: String,
    /// `service.name` of exported spans; empty means `agora` plus the services this process runs.
    #[serde(default)]
    pub service_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HttpConfig {
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    pub shutdown_grace_secs: u64,
    /// Networks whose requests may name the client in X-Forwarded-For.
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseConfig {
    pub url: String,
    pub migrate_on_start: bool,
    pub max_connections: u32,
    pub acquire_timeout_ms: u64,
    pub sqlite_sync_every_commit: bool,
    #[serde(default)]
    pub services: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BusBackend {
    Embedded,
    Kafka,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BusConfig {
    pub backend: BusBackend,
    pub topic_prefix: String,
    pub partitions: i32,
    pub replication: i32,
    pub create_topics_on_start: bool,
    pub retention_hours: u64,
    pub kafka: KafkaConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KafkaConfig {
    pub brokers: String,
    pub publish_timeout_secs: u64,
    /// Extra librdkafka properties; `_` in a key stands for `.` (environment variable names have no dots).
    #[serde(default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl KafkaConfig {
    /// The librdkafka properties with their real names.
    pub fn librdkafka_properties(&self) -> Vec<(String, String)> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.properties.iter().map(|(k, v)| (k.replace('_', "."), text(v))).collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxConfig {
    pub batch_size: usize,
    pub idle_interval_ms: u64,
    pub lease_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsumerConfig {
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
    pub batch_size: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxConfig {
    pub retention_days: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedisConfig {
    pub url: String,
}

/// The configuration could not be loaded or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration key {key}: {message}{origin}")]
    Load { key: String, message: String, origin: String },
    #[error("configuration key {key}: {message}")]
    Invalid { key: &'static str, message: String },
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
}

impl ConfigError {
    fn from_figment(err: figment::Error) -> ConfigError {
        let key = err.path.join(".").to_lowercase();
        let origin = err.metadata.as_ref().map(|m| format!(" (from {})", m.name)).unwrap_or_default();
        ConfigError::Load { key, message: err.kind.to_string(), origin }
    }
}

impl Config {
    /// Defaults, then `file` (if given), then the environment, then `overrides` (command-line flags).
    pub fn load(file: Option<&Path>, overrides: &[(&str, String)]) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::MissingFile(path.to_owned()));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment
            .merge(Env::prefixed("AGORA_").split("__").ignore(&["config"]))
            .merge(Env::raw().only(&["database_url"]).map(|_| "database.url".into()))
            .merge(Env::raw().only(&["kafka_brokers"]).map(|_| "bus.kafka.brokers".into()))
            .merge(Env::raw().only(&["redis_url"]).map(|_| "redis.url".into()));
        for (key, value) in overrides {
            // Flags are text, like environment variables, and are typed the same way.
            let value: figment::value::Value = value.parse().unwrap_or_else(|_| value.as_str().into());
            figment = figment.merge(Serialized::default(key, value));
        }
        let config: Config = figment.extract().map_err(ConfigError::from_figment)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| Err(ConfigError::Invalid { key, message: message.to_owned() });
        if !self.database.url.is_empty() && agora_db::Dialect::of_url(&self.database.url).is_err() {
            return invalid("database.url", "must start with postgres:// or sqlite://");
        }
        if self.bus.backend == BusBackend::Kafka && self.bus.kafka.brokers.trim().is_empty() {
            return invalid("bus.kafka.brokers", "is required when bus.backend is kafka (or set KAFKA_BROKERS)");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        if self.database.acquire_timeout_ms == 0 {
            return invalid("database.acquire_timeout_ms", "must be at least 1");
        }
        if self.http.body_limit_bytes == 0 {
            return invalid("http.body_limit_bytes", "must be greater than zero");
        }
        if self.consumer.max_attempts == 0 {
            return invalid("consumer.max_attempts", "must be at least 1");
        }
        if self.outbox.batch_size == 0 || self.consumer.batch_size == 0 {
            return invalid("outbox.batch_size", "batch sizes must be at least 1");
        }
        if self.bus.partitions < 1 || self.bus.replication < 1 {
            return invalid("bus.partitions", "partitions and replication must be at least 1");
        }
        if self.trusted_proxies().is_err() {
            return invalid("http.trusted_proxies", "each entry must be a network such as 10.0.0.0/8 or ::1/128");
        }
        if self.services.trim().is_empty() {
            return invalid("services", "name at least one service, or \"all\"");
        }
        Ok(())
    }

    /// The parsed `http.trusted_proxies`.
    pub fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, ipnet::AddrParseError> {
        self.http.trusted_proxies.iter().map(|net| net.trim().parse()).collect()
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.http.request_timeout_secs)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.http.shutdown_grace_secs)
    }

    /// Whether every database of this process is SQLite (the embedded mode), which migrates at start.
    pub fn embedded_storage(&self) -> bool {
        !self.database.url.starts_with("postgres") && self.database.services.values().all(|u| u.starts_with("sqlite"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_are_valid() {
        let config = Config::load(None, &[]).unwrap();
        assert_eq!(config.bus.backend, BusBackend::Embedded);
        assert!(config.embedded_storage());
    }

    #[test]
    fn a_malformed_override_names_its_key() {
        let err = Config::load(None, &[("listen", "nonsense".to_owned())]).unwrap_err().to_string();
        assert!(err.contains("listen"), "{err}");
    }

    #[test]
    fn a_database_pool_needs_a_connection_and_time_to_wait_for_one() {
        for key in ["database.max_connections", "database.acquire_timeout_ms"] {
            let err = Config::load(None, &[(key, "0".to_owned())]).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn kafka_without_brokers_is_refused() {
        let err = Config::load(None, &[("bus.backend", "kafka".to_owned())]).unwrap_err().to_string();
        assert!(err.contains("bus.kafka.brokers"), "{err}");
    }
}
