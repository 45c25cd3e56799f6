//! The payment sweeper, one background task: sends queued refunds, gives up attempts the provider never
//! answered, and asks the provider about charges still processing long after their webhook was due (a lost
//! webhook must not leave a paid checkout unconfirmed).

use agora_core::Timestamp;

use super::Payments;
use crate::domain::PaymentError;
use crate::metrics::Via;
use crate::store::attempts;

/// Rows looked at per round.
const BATCH: i64 = 50;

impl Payments {
    /// Runs until the service stops.
    pub async fn sweep(self) {
        let every = self.settings.sweep_every();
        loop {
            tokio::select! {
                () = self.refunds_queued.notified() => {}
                () = tokio::time::sleep(every) => {}
            }
            if let Err(err) = self.send_due_refunds().await {
                tracing::warn!(error = %err, "sending refunds failed");
            }
            if let Err(err) = self.give_up_unanswered().await {
                tracing::warn!(error = %err, "giving up unanswered attempts failed");
            }
            if let Err(err) = self.reconcile_processing().await {
                tracing::warn!(error = %err, "reconciling processing charges failed");
            }
        }
    }

    /// Attempts sent to the provider longer ago than any call may take, without an answer (the process
    /// stopped mid-call): failed, so the buyer can try again. Should the charge have gone through after
    /// all, its webhook names the attempt and completes (or refunds) it.
    async fn give_up_unanswered(&self) -> Result<(), PaymentError> {
        let before = Timestamp::now().minus(self.settings.provider_timeout() + self.settings.reconcile_after());
        let stale = {
            let mut conn = self.db.pool().acquire().await?;
            attempts::unanswered(&mut conn, before, BATCH).await?
        };
        for attempt in stale {
            let message = "The payment provider did not answer; try again.";
            self.fail_attempt(attempt.id, None, "provider_unavailable", message).await?;
        }
        Ok(())
    }

    async fn reconcile_processing(&self) -> Result<(), PaymentError> {
        let now = Timestamp::now();
        let quiet = {
            let mut conn = self.db.pool().acquire().await?;
            attempts::quiet_processing(&mut conn, now.minus(self.settings.reconcile_after()), BATCH).await?
        };
        for attempt in quiet {
            let mut tx = self.begin().await?;
            attempts::checked(&mut tx, attempt.id, now).await?;
            tx.commit().await?;
            self.check_charge(attempt.id, Via::Reconcile).await?;
        }
        Ok(())
    }
}
