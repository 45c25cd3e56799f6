//! Embedded migrations: each owner (a service, or the platform's outbox/inbox tables) ships one
//! migrator per dialect, built with `sqlx::migrate!`.
//!
//! Several owners share one database's migration table, so each migrator ignores versions it does not
//! know. Platform migrations use small version numbers; services use timestamps (`YYYYMMDDHHMMSS`).

use sqlx::migrate::Migrator;

use crate::{Db, DbError, Dialect};

/// One owner's migrations for both dialects.
#[derive(Debug)]
pub struct Migrations {
    pub owner: &'static str,
    pub postgres: &'static Migrator,
    pub sqlite: &'static Migrator,
}

impl Migrations {
    /// Applies every pending migration of this owner to `db`.
    pub async fn apply(&self, db: &Db) -> Result<(), DbError> {
        let migrator = match db.dialect() {
            Dialect::Postgres => self.postgres,
            Dialect::Sqlite => self.sqlite,
        };
        let mut migrator = Migrator {
            migrations: migrator.migrations.clone(),
            ignore_missing: true,
            locking: migrator.locking,
            no_tx: migrator.no_tx,
        };
        migrator.set_ignore_missing(true);
        migrator.run(db.pool()).await?;
        tracing::debug!(migrations.owner = self.owner, "migrations applied");
        Ok(())
    }
}
