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
    /// The database could not take the work now: no connection came free in time, it was unreachable, or
    /// it refused for load. The same work may succeed shortly. Nothing was done, except where a connection
    /// was lost during a commit: then whether it landed is unknown.
    #[error("the database is busy or unreachable ({0}); try again shortly")]
    Busy(sqlx::Error),
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        if is_busy(&err) { DbError::Busy(err) } else { DbError::Sqlx(err) }
    }
}

impl DbError {
    /// Whether the failure is the database being busy or unreachable rather than the work being wrong.
    pub fn is_busy(&self) -> bool {
        matches!(self, DbError::Busy(_))
    }
}

/// Errors that say "not now" rather than "not this": an exhausted pool, a lost or refused connection, SQLite's
/// lock not coming free within its busy timeout, PostgreSQL refusing connections for load or while starting.
fn is_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                // too_many_connections, cannot_connect_now
                matches!(pg.code(), "53300" | "57P03")
            } else if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLITE_BUSY and SQLITE_LOCKED, whatever their extended code
                db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6))
            } else {
                false
            }
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::Duration;

    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};

    use super::{Db, DbError, PoolSettings};

    #[tokio::test]
    async fn a_database_locked_by_another_writer_is_busy_and_a_broken_statement_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("busy.db").display());
        let db = Db::connect(&url, &PoolSettings::default()).await.expect("connect");
        sqlx::query("CREATE TABLE t (v BIGINT NOT NULL)").execute(db.pool()).await.expect("create");

        // Another process's connection holds the write lock; ours gives up after a short busy timeout.
        let mut holder = SqliteConnectOptions::from_str(&url).expect("url").connect().await.expect("holder");
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut holder).await.expect("lock");
        let mut impatient = SqliteConnectOptions::from_str(&url)
            .expect("url")
            .busy_timeout(Duration::from_millis(50))
            .connect()
            .await
            .expect("impatient");
        let locked = sqlx::query("INSERT INTO t (v) VALUES (1)").execute(&mut impatient).await.expect_err("locked");
        let locked = DbError::from(locked);
        assert!(locked.is_busy(), "{locked}");
        assert!(locked.to_string().contains("try again shortly"), "{locked}");

        let broken = DbError::from(sqlx::query("INSERT INTO nowhere VALUES (1)").execute(db.pool()).await.unwrap_err());
        assert!(!broken.is_busy(), "{broken}");
        assert!(!DbError::from(sqlx::Error::RowNotFound).is_busy());
        assert!(DbError::from(sqlx::Error::PoolTimedOut).is_busy());

        sqlx::query("ROLLBACK").execute(&mut holder).await.expect("unlock");
        sqlx::query("INSERT INTO t (v) VALUES (1)").execute(&mut impatient).await.expect("free again");
        holder.close().await.expect("close");
    }

    #[tokio::test]
    async fn a_pool_with_no_connection_free_in_time_is_busy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("pool.db").display());
        let settings =
            PoolSettings { max_connections: 1, acquire_timeout: Duration::from_millis(100), ..PoolSettings::default() };
        let db = Db::connect(&url, &settings).await.expect("connect");
        let _held = db.pool().acquire().await.expect("the only connection");
        let waited = DbError::from(db.pool().acquire().await.expect_err("none free"));
        assert!(waited.is_busy(), "{waited}");
    }
}
