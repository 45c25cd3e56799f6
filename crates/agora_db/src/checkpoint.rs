//! SQLite checkpoints, off the writers' path.
//!
//! In WAL mode SQLite copies the log back into the database file (a checkpoint) whenever a commit leaves more
//! than 1,000 pages in it, and it does so inside that commit: the writer whose turn it happens to be pays for
//! copying megabytes and for a second fsync, and every writer queued behind it waits too. Instead each
//! connection is told never to checkpoint (`wal_autocheckpoint = 0`), and one task per database runs the same
//! passive checkpoint a few times a second. A passive checkpoint takes no lock writers need, so commits go
//! on while it copies; the log restarts from its beginning as before, once a checkpoint has caught up.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::Pool;
use tokio::task::JoinHandle;

/// Pragma for every connection of a [`crate::Db`] on SQLite, whose checkpoints its [`Checkpointer`] runs.
pub(crate) const NO_CHECKPOINT_ON_COMMIT: &str = "PRAGMA wal_autocheckpoint = 0;";

const CHECKPOINT: &str = "PRAGMA wal_checkpoint(PASSIVE)";

/// How often the log is copied back: often enough that it stays a few megabytes under load.
const EVERY: Duration = Duration::from_millis(250);

/// The task checkpointing one database; it stops when the last clone is dropped or the pool is closed.
#[derive(Clone)]
pub struct Checkpointer {
    _task: Arc<Task>,
}

struct Task(JoinHandle<()>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Checkpointer {
    /// Starts checkpointing the database behind `pool`, whose connections set `wal_autocheckpoint = 0`.
    pub fn start(pool: impl Checkpointable) -> Checkpointer {
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if pool.is_closed() {
                    return;
                }
                if let Err(err) = pool.checkpoint().await {
                    if pool.is_closed() {
                        return;
                    }
                    // The next round tries again; until one succeeds the log only grows.
                    tracing::warn!(error = %err, "sqlite checkpoint failed");
                }
            }
        });
        Checkpointer { _task: Arc::new(Task(task)) }
    }
}

/// A pool whose database can be checkpointed: the services' ([`sqlx::AnyPool`]) and the embedded log's.
pub trait Checkpointable: Clone + Send + Sync + 'static {
    fn is_closed(&self) -> bool;
    /// One passive checkpoint.
    fn checkpoint(&self) -> BoxFuture<'_, Result<(), sqlx::Error>>;
}

/// The same two lines for each pool type: a generic impl over `Pool<DB>` needs a higher-ranked `Executor`
/// bound that the spawned task cannot carry.
macro_rules! checkpointable {
    ($($pool:ty),*) => {$(
        impl Checkpointable for $pool {
            fn is_closed(&self) -> bool {
                Pool::is_closed(self)
            }
            fn checkpoint(&self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
                Box::pin(async move { sqlx::raw_sql(CHECKPOINT).execute(self).await.map(drop) })
            }
        }
    )*};
}

checkpointable!(sqlx::AnyPool, sqlx::SqlitePool);

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::{Db, PoolSettings};

    #[tokio::test]
    async fn commits_leave_checkpoints_to_the_checkpointer_which_copies_the_log_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("test.db");
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", file.display()), &PoolSettings::default())
            .await
            .expect("connect");
        let (auto,): (i64,) = sqlx::query_as("PRAGMA wal_autocheckpoint").fetch_one(db.pool()).await.expect("pragma");
        assert_eq!(auto, 0, "a commit must not checkpoint on its own");

        sqlx::query("CREATE TABLE t (v TEXT NOT NULL)").execute(db.pool()).await.expect("create");
        let before = std::fs::metadata(&file).expect("db file").len();
        // About 2 MB in 20 commits: all of it goes to the log first.
        for _ in 0..20 {
            let mut tx = db.begin().await.expect("begin");
            for _ in 0..25 {
                sqlx::query("INSERT INTO t (v) VALUES ($1)")
                    .bind("x".repeat(4000))
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
            }
            tx.commit().await.expect("commit");
        }
        // The database file grows only when a checkpoint copies the log back into it.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let size = std::fs::metadata(&file).expect("db file").len();
            if size >= before + 2_000_000 {
                break;
            }
            assert!(Instant::now() < deadline, "nothing copied the log back: the file is {size} bytes");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        db.close().await;
    }
}
