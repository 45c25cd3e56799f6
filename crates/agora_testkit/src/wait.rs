//! Waiting for what happens after an answer: events handled, read models caught up, refunds confirmed.

use std::future::Future;
use std::time::{Duration, Instant};

/// Waits (up to 30 s, looking every 50 ms) until `check` holds; fails the test naming `what` otherwise.
pub async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "waited 30 s for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
