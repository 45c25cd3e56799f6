//! Whether a user has a chat socket open anywhere, for `MessagePosted.recipient_online`. This instance's hub
//! knows its own sockets; for the others, every instance records its connected users (only what changed)
//! and a heartbeat every `presence_interval_ms`, and a user counts as online while an instance that beat
//! within the presence window records them. An instance forgets its rows when it stops; rows of an
//! instance that died without doing so stop counting once its heartbeat is old, and are swept later.

use std::collections::HashSet;
use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Db;
use agora_http::live::Hub;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::domain::ChatError;
use crate::store::presence;

/// Instances silent for this many presence windows are swept.
const SWEEP_AFTER_WINDOWS: u32 = 20;
/// How often (in intervals) an instance sweeps.
const SWEEP_EVERY_TICKS: u64 = 60;

#[derive(Clone)]
pub struct Presence {
    instance: Uuid,
    hub: Hub,
    db: Db,
    interval: Duration,
    window: Duration,
}

impl Presence {
    pub fn new(hub: Hub, db: Db, interval: Duration, window: Duration) -> Presence {
        Presence { instance: agora_core::new_id(), hub, db, interval, window }
    }

    /// Whether `user` has a socket open here, or on an instance that beat recently.
    pub async fn is_online(&self, conn: &mut sqlx::AnyConnection, user: Uuid) -> Result<bool, ChatError> {
        if self.hub.is_connected(user) {
            return Ok(true);
        }
        presence::is_present(conn, user, Timestamp::now().minus(self.window)).await
    }

    /// Records this instance's connected users and heartbeat every interval until `shutdown`, then forgets
    /// them.
    pub async fn run(self, shutdown: CancellationToken) {
        // However this task ends (the platform may drop it once shutdown is asked for), its rows go.
        let _forget = Forget(self.clone());
        let mut written = HashSet::new();
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks: u64 = 0;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = ticker.tick() => {}
            }
            match self.record(&written).await {
                Ok(now) => written = now,
                Err(err) => tracing::warn!(error = %err, "recording chat presence failed; retrying"),
            }
            ticks += 1;
            if ticks.is_multiple_of(SWEEP_EVERY_TICKS) {
                self.sweep().await;
            }
        }
    }

    /// Writes what changed since `written` and the heartbeat; what is written now.
    async fn record(&self, written: &HashSet<Uuid>) -> Result<HashSet<Uuid>, ChatError> {
        let current: HashSet<Uuid> = self.hub.connected_users().into_iter().collect();
        let added: Vec<Uuid> = current.difference(written).copied().collect();
        let removed: Vec<Uuid> = written.difference(&current).copied().collect();
        let mut tx = self.db.begin().await?;
        presence::heartbeat(&mut tx, self.instance, Timestamp::now()).await?;
        presence::add(&mut tx, self.instance, &added).await?;
        presence::remove(&mut tx, self.instance, &removed).await?;
        tx.commit().await?;
        Ok(current)
    }

    async fn sweep(&self) {
        let before = Timestamp::now().minus(self.window * SWEEP_AFTER_WINDOWS);
        let swept = async {
            let mut tx = self.db.begin().await?;
            let gone = presence::sweep(&mut tx, before).await?;
            tx.commit().await?;
            Ok::<_, ChatError>(gone)
        };
        match swept.await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(instances = gone, "forgot chat instances that stopped without saying so"),
            Err(err) => tracing::warn!(error = %err, "sweeping silent chat instances failed"),
        }
    }

    async fn forget(&self) -> Result<(), ChatError> {
        let mut tx = self.db.begin().await?;
        presence::forget(&mut tx, self.instance).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Forgets the instance's rows when the presence task ends. The task may be dropped mid-way, so the
/// forgetting runs on a task of its own; should the database close first, the rows simply stop counting
/// once the heartbeat is old.
struct Forget(Presence);

impl Drop for Forget {
    fn drop(&mut self) {
        let presence = self.0.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                match presence.forget().await {
                    Ok(()) => tracing::debug!("chat presence forgotten"),
                    Err(err) => tracing::debug!(error = %err, "could not forget chat presence at shutdown"),
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use agora_db::PoolSettings;
    use agora_http::live::LiveSettings;

    use super::*;

    async fn db(dir: &tempfile::TempDir) -> Db {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("chat.db").display());
        let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
        crate::MIGRATIONS.apply(&db).await.unwrap();
        db
    }

    async fn beat(db: &Db, instance: Uuid, at: Timestamp, users: &[Uuid]) {
        let mut tx = db.begin().await.unwrap();
        presence::heartbeat(&mut tx, instance, at).await.unwrap();
        presence::add(&mut tx, instance, users).await.unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_user_on_another_instance_is_online_while_that_instance_beats() {
        let dir = tempfile::tempdir().unwrap();
        let db = db(&dir).await;
        let hub = Hub::new("chat", LiveSettings::default());
        let here = Presence::new(hub, db.clone(), Duration::from_millis(100), Duration::from_secs(5));
        let (other, carol, dave) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        beat(&db, other, Timestamp::now(), &[carol]).await;
        let mut conn = db.pool().acquire().await.unwrap();
        assert!(here.is_online(&mut conn, carol).await.unwrap());
        assert!(!here.is_online(&mut conn, dave).await.unwrap(), "nobody has a socket for Dave");
        drop(conn);

        // Silent longer than the window: its users no longer count, and a sweep forgets it.
        beat(&db, other, Timestamp::now().minus(Duration::from_secs(6)), &[]).await;
        let mut conn = db.pool().acquire().await.unwrap();
        assert!(!here.is_online(&mut conn, carol).await.unwrap());
        drop(conn);
        let mut tx = db.begin().await.unwrap();
        assert_eq!(presence::sweep(&mut tx, Timestamp::now().minus(Duration::from_secs(1))).await.unwrap(), 1);
        tx.commit().await.unwrap();

        // An instance forgets its own rows when it stops.
        beat(&db, other, Timestamp::now(), &[carol]).await;
        let mut tx = db.begin().await.unwrap();
        presence::forget(&mut tx, other).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        assert!(!here.is_online(&mut conn, carol).await.unwrap());
    }
}
