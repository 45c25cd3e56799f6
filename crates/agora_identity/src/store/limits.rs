//! Fixed-window counters for rate limits, kept in the database so every identity instance shares them.

use agora_core::Timestamp;
use sqlx::AnyConnection;

use crate::domain::IdentityError;

/// A counter and its window.
#[derive(Debug, Clone)]
pub struct Limit {
    pub bucket: String,
    pub max: u32,
    pub window_secs: u64,
}

impl Limit {
    fn window(&self, now: Timestamp) -> (i64, u64) {
        let secs = (now.as_micros() / 1_000_000).max(0) as u64;
        let window = self.window_secs.max(1);
        let start = secs - secs % window;
        (start as i64, start + window - secs)
    }

    /// Counts one hit; `Err(RateLimited)` when it goes over the limit.
    pub async fn hit(&self, conn: &mut AnyConnection) -> Result<(), IdentityError> {
        let (start, remaining) = self.window(Timestamp::now());
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
        )
        .bind(&self.bucket)
        .bind(start)
        .fetch_one(conn)
        .await?;
        if hits > i64::from(self.max) {
            return Err(IdentityError::RateLimited(remaining.max(1)));
        }
        Ok(())
    }
}

impl Limit {
    /// Takes back a hit counted by [`Limit::hit`] (an attempt that turned out to be legitimate).
    pub async fn give_back(&self, conn: &mut AnyConnection) -> Result<(), IdentityError> {
        let (start, _) = self.window(Timestamp::now());
        sqlx::query("UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND window_start = $2 AND hits > 0")
            .bind(&self.bucket)
            .bind(start)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// Deletes windows that ended more than a day ago.
pub async fn forget_old(conn: &mut AnyConnection, now: Timestamp) -> Result<(), IdentityError> {
    let day_ago = now.as_micros() / 1_000_000 - 86_400;
    sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(day_ago).execute(conn).await?;
    Ok(())
}
