//! Opening and migrating each service's own database.

use std::time::Duration;

use agora_db::{DatabaseLocation, Db, PoolSettings};
use agora_http::Service;

use crate::config::Config;

/// Opening or migrating a service's database failed.
#[derive(Debug, thiserror::Error)]
#[error("database of service {service}: {source}")]
pub struct StorageError {
    pub service: String,
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

fn storage_error(service: &str, source: impl std::error::Error + Send + Sync + 'static) -> StorageError {
    StorageError { service: service.to_owned(), source: Box::new(source) }
}

/// Opens the service's database; `None` for services without one.
pub async fn open(config: &Config, service: &dyn Service) -> Result<Option<Db>, StorageError> {
    if service.migrations().is_none() {
        return Ok(None);
    }
    let name = service.name();
    let shared = Some(config.database.url.as_str()).filter(|u| !u.is_empty());
    let own = config.database.services.get(name).map(String::as_str);
    let location =
        DatabaseLocation::resolve(name, shared, own, &config.data_dir).map_err(|e| storage_error(name, e))?;
    if location.url.starts_with("sqlite") {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| storage_error(name, e))?;
    }
    location.prepare().await.map_err(|e| storage_error(name, e))?;
    let settings = PoolSettings {
        max_connections: config.database.max_connections,
        acquire_timeout: Duration::from_millis(config.database.acquire_timeout_ms),
        sqlite_sync_every_commit: config.database.sqlite_sync_every_commit,
    };
    let db = Db::connect(&location.url, &settings).await.map_err(|e| storage_error(name, e))?;
    Ok(Some(db))
}

/// Applies the platform's tables and the service's own migrations.
pub async fn migrate(db: &Db, service: &dyn Service) -> Result<(), StorageError> {
    let name = service.name();
    agora_bus::MIGRATIONS.apply(db).await.map_err(|e| storage_error(name, e))?;
    if let Some(migrations) = service.migrations() {
        migrations.apply(db).await.map_err(|e| storage_error(name, e))?;
    }
    Ok(())
}
