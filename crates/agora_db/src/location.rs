//! Where each service's database lives.
//!
//! With no URL configured every service gets an SQLite file in the data directory. With a PostgreSQL
//! URL every service gets its own schema in that database (created on first use), unless a
//! service-specific URL overrides it.

use std::path::Path;

use crate::{DbError, Dialect};

#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("invalid database url: {0}")]
    Url(#[from] url::ParseError),
}

/// The resolved place of one service's database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseLocation {
    /// The URL to connect to, with the service's schema selected on PostgreSQL.
    pub url: String,
    /// On PostgreSQL, the schema to create before connecting.
    pub schema: Option<String>,
    /// The server URL without schema selection, used to create the schema.
    pub admin_url: Option<String>,
}

impl DatabaseLocation {
    /// Resolves the database of `service`: an explicit per-service URL wins, then the shared URL (one
    /// schema per service), then an SQLite file `<data_dir>/<service>.db`.
    pub fn resolve(
        service: &str,
        shared_url: Option<&str>,
        service_url: Option<&str>,
        data_dir: &Path,
    ) -> Result<DatabaseLocation, LocationError> {
        if let Some(url) = service_url {
            Dialect::of_url(url)?;
            return Ok(DatabaseLocation { url: url.to_owned(), schema: None, admin_url: None });
        }
        match shared_url {
            Some(url) if Dialect::of_url(url)? == Dialect::Postgres => {
                let mut with_schema = url::Url::parse(url)?;
                with_schema.query_pairs_mut().append_pair("options", &format!("-c search_path={service}"));
                Ok(DatabaseLocation {
                    url: with_schema.into(),
                    schema: Some(service.to_owned()),
                    admin_url: Some(url.to_owned()),
                })
            }
            Some(url) => {
                // A shared SQLite URL names a directory-like prefix: one file per service beside it.
                let base = url.trim_start_matches("sqlite://").trim_end_matches('/');
                Ok(sqlite_file(Path::new(base), service))
            }
            None => Ok(sqlite_file(data_dir, service)),
        }
    }

    /// Creates the PostgreSQL schema when the location needs one.
    pub async fn prepare(&self) -> Result<(), LocationError> {
        if let (Some(schema), Some(admin_url)) = (&self.schema, &self.admin_url) {
            let admin =
                crate::Db::connect(admin_url, &crate::PoolSettings { max_connections: 1, ..Default::default() })
                    .await?;
            let sql = format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema.replace('"', ""));
            let created = sqlx::query(&sql).execute(admin.pool()).await;
            admin.close().await;
            if let Err(err) = created {
                // Two processes creating the same schema at once: the loser sees a duplicate.
                if !crate::is_unique_violation(&err) {
                    return Err(DbError::from(err).into());
                }
            }
        }
        Ok(())
    }
}

fn sqlite_file(dir: &Path, service: &str) -> DatabaseLocation {
    let path = dir.join(format!("{service}.db"));
    DatabaseLocation { url: format!("sqlite://{}?mode=rwc", path.display()), schema: None, admin_url: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_url_each_service_gets_an_sqlite_file() {
        let loc = DatabaseLocation::resolve("catalog", None, None, Path::new("/tmp/agora")).unwrap();
        assert_eq!(loc.url, "sqlite:///tmp/agora/catalog.db?mode=rwc");
    }

    #[test]
    fn a_postgres_url_gives_each_service_its_own_schema() {
        let loc =
            DatabaseLocation::resolve("order", Some("postgres://u@localhost/agora"), None, Path::new(".")).unwrap();
        assert_eq!(loc.schema.as_deref(), Some("order"));
        assert!(loc.url.contains("search_path%3Dorder"), "{}", loc.url);
    }

    #[test]
    fn a_service_url_overrides_the_shared_one_and_bad_schemes_are_refused() {
        let loc = DatabaseLocation::resolve("cart", Some("postgres://x/y"), Some("postgres://a/cart"), Path::new("."))
            .unwrap();
        assert_eq!(loc.url, "postgres://a/cart");
        assert!(DatabaseLocation::resolve("cart", Some("mysql://x/y"), None, Path::new(".")).is_err());
    }
}
