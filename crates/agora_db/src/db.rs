//! The [`Db`] handle: a connection pool, its dialect and, for SQLite, a writer gate and a checkpointer.

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::checkpoint::{Checkpointer, NO_CHECKPOINT_ON_COMMIT};

/// Which SQL dialect a database speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database url scheme {0:?} (use postgres:// or sqlite://)")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Pool sizing, timeouts and SQLite durability.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// SQLite only: fsync every commit (`synchronous = FULL`). Without it (`NORMAL`, still crash-safe for
    /// the process) a power loss can drop the last commits — and a consumer's effects could then be lost
    /// while the offset it committed to the event log survives.
    pub sqlite_sync_every_commit: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings { max_connections: 10, acquire_timeout: Duration::from_secs(5), sqlite_sync_every_commit: true }
    }
}

/// A service's database.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite allows one writer at a time; queueing writers here, in order, avoids the busy-wait
    /// back-off SQLite uses when several connections race for the write lock.
    writer: Option<Arc<Semaphore>>,
    /// SQLite's checkpoints, run here rather than by whichever commit fills the log.
    _checkpointer: Option<Checkpointer>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("dialect", &self.dialect).finish_non_exhaustive()
    }
}

static DRIVERS: Once = Once::new();

impl Db {
    /// Connects to `url` (`postgres://…` or `sqlite://…`). SQLite files are created when missing.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Db, DbError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let dialect = Dialect::of_url(url)?;
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let sync = if settings.sqlite_sync_every_commit { "FULL" } else { "NORMAL" };
        let pragmas = format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 10000; {NO_CHECKPOINT_ON_COMMIT}"
        );
        let pool = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .after_connect(move |conn, _meta| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute(pragmas.as_str()).await?;
                    }
                    Ok(())
                })
            })
            // A task cancelled while its `BEGIN` was under way (a client hanging up, a consumer stopped)
            // hands its connection back with a transaction the driver has no rollback queued for, still
            // holding SQLite's write lock; such a connection is closed, which rolls it back.
            .after_release(|conn, _meta| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(options)
            .await?;
        let writer = (dialect == Dialect::Sqlite).then(|| Arc::new(Semaphore::new(1)));
        let checkpointer = (dialect == Dialect::Sqlite).then(|| Checkpointer::start(pool.clone()));
        Ok(Db { pool, dialect, writer, _checkpointer: checkpointer })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The pool, for reads and single statements outside a transaction.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a read-write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so a transaction never fails half-way on a stale snapshot.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        let permit = match &self.writer {
            Some(gate) => Some(gate.clone().acquire_owned().await.map_err(|_| sqlx::Error::PoolClosed)?),
            None => None,
        };
        let inner = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        Ok(Tx { inner, _permit: permit })
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Dialect {
    /// The dialect `conn` speaks (a use case handed only a connection, deciding what its database needs).
    pub fn of_connection(conn: &AnyConnection) -> Dialect {
        if conn.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME { Dialect::Sqlite } else { Dialect::Postgres }
    }

    pub fn of_url(url: &str) -> Result<Dialect, DbError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme {
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "sqlite" => Ok(Dialect::Sqlite),
            other => Err(DbError::UnsupportedUrl(other.to_owned())),
        }
    }
}

/// A transaction; commit it or it rolls back when dropped.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), DbError> {
        self.inner.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        self.inner.rollback().await?;
        Ok(())
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}
