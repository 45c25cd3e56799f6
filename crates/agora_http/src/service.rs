//! What a service is, to the binary that composes it: a name, migrations, the topics it produces, and a
//! `start` that turns a [`ServiceContext`] into routes, consumers and background tasks. The platform does
//! the rest — opening its database, applying migrations, relaying its outbox, running its consumers with
//! inbox, retries and dead letters, mounting its routes under `/api/<name>`, and shutting it all down.

use std::future::Future;
use std::pin::Pin;

use agora_bus::{Bus, Consumer, Outbox, TopicSpec};
use agora_db::{Db, Migrations};
use async_trait::async_trait;
use axum::Router;
use tokio_util::sync::CancellationToken;

/// Everything a service gets from the platform when it starts.
#[derive(Clone)]
pub struct ServiceContext {
    pub name: &'static str,
    /// The service's own database (absent for services without one, such as the storefront).
    pub db: Option<Db>,
    pub bus: Bus,
    pub outbox: Outbox,
    /// The `[services.<name>]` section of the configuration, for the service to deserialize.
    pub settings: serde_json::Value,
    /// Base URL of every service's REST API, for typed clients (in one process they point at itself).
    pub base_urls: std::collections::BTreeMap<String, String>,
    /// Verifies access tokens against identity's keys (the same verifier the [`crate::Caller`] extractor uses).
    pub tokens: crate::TokenVerifier,
    /// The process's data directory (`data_dir`), for services that keep files on local disk by default.
    pub data_dir: std::path::PathBuf,
    /// Redis, for services that keep their data there in production (cart); `None` in embedded mode.
    pub redis_url: Option<String>,
    pub shutdown: CancellationToken,
}

impl ServiceContext {
    /// The service's database; an error for services that declared no migrations.
    pub fn db(&self) -> Result<Db, ServiceError> {
        self.db.clone().ok_or(ServiceError::NoDatabase(self.name))
    }

    /// Deserializes the service's settings section.
    pub fn settings<T: serde::de::DeserializeOwned>(&self) -> Result<T, ServiceError> {
        serde_json::from_value(self.settings.clone())
            .map_err(|e| ServiceError::Settings { service: self.name, message: e.to_string() })
    }
}

/// A background task: runs until the token is cancelled.
pub type BackgroundTask = (String, Pin<Box<dyn Future<Output = ()> + Send>>);

/// A dependency `/readyz` checks besides the service's database and the bus (Redis, an object store): its
/// name, and a check answering the cause of a failure (logged, never shown).
pub type ReadinessCheck =
    (String, std::sync::Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>);

/// What a started service hands to the platform.
#[derive(Default)]
pub struct ServiceParts {
    /// Mounted under the service's mount point.
    pub router: Router,
    pub consumers: Vec<Consumer>,
    pub tasks: Vec<BackgroundTask>,
    pub readiness: Vec<ReadinessCheck>,
}

/// A service could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("service {0} has no database")]
    NoDatabase(&'static str),
    #[error("invalid settings for services.{service}: {message}")]
    Settings { service: &'static str, message: String },
    #[error("service {service} failed to start: {message}")]
    Start { service: &'static str, message: String },
}

/// A bounded context the binary can run.
#[async_trait]
pub trait Service: Send + Sync + 'static {
    /// Lower-case name: `catalog`, `order`… Used in URLs, config keys, database and topic names.
    fn name(&self) -> &'static str;

    /// Where its routes are mounted; `/api/<name>` unless the service serves pages.
    fn mount(&self) -> String {
        format!("/api/{}", self.name())
    }

    /// Its database migrations; `None` for a service without a database.
    fn migrations(&self) -> Option<&'static Migrations>;

    /// The topics it publishes (created by `agora topics create`, with their dead-letter twins).
    fn topics(&self) -> Vec<TopicSpec> {
        Vec::new()
    }

    /// Its REST API's OpenAPI document, served at `<mount>/openapi.json` and checked in under `schemas/openapi/`.
    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        None
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError>;
}
