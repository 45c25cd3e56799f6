//! The email task: sends pending emails after their notification's transaction committed, oldest first,
//! each claimed by one sender at a time; a failed attempt is tried again after a doubling pause, and after
//! the last attempt the email is given up. The address is looked up when sending, so an email written before
//! the user's registration reached notify waits for it.

use std::sync::Arc;
use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Db;
use tokio_util::sync::CancellationToken;

use super::{Email, Mailer, letter};
use crate::config::EmailSettings;
use crate::domain::NotifyError;
use crate::metrics;
use crate::store::emails::{self, PendingEmail};
use crate::store::users;

/// Emails looked at in one pass.
const BATCH: i64 = 50;

/// Sends emails until `shutdown`.
pub async fn run(db: Db, mailer: Arc<dyn Mailer>, settings: EmailSettings, shutdown: CancellationToken) {
    tracing::info!("email sender started");
    while !shutdown.is_cancelled() {
        let sent = match pass(&db, mailer.as_ref(), &settings, &shutdown).await {
            Ok(handled) => handled,
            Err(err) => {
                tracing::warn!(error = %err, "the email outbox cannot be read, retrying");
                0
            }
        };
        if sent == 0 {
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(settings.poll()) => {}
            }
        }
    }
    tracing::info!("email sender stopped");
}

/// One pass over the emails due now; how many it attempted.
async fn pass(
    db: &Db,
    mailer: &dyn Mailer,
    settings: &EmailSettings,
    shutdown: &CancellationToken,
) -> Result<usize, NotifyError> {
    let due = {
        let mut conn = db.pool().acquire().await?;
        emails::due(&mut conn, Timestamp::now(), BATCH).await?
    };
    let mut attempted = 0;
    for email in due {
        if shutdown.is_cancelled() {
            break;
        }
        // Long enough for any exchange with the relay; a sender that vanished mid-way is replaced after it.
        let lease = Timestamp::now().plus(Duration::from_secs(settings.timeout_secs.saturating_mul(6)));
        let claimed = {
            let mut conn = db.pool().acquire().await?;
            emails::claim(&mut conn, &email, lease).await?
        };
        if claimed {
            attempt(db, mailer, settings, &email).await?;
            attempted += 1;
        }
    }
    Ok(attempted)
}

/// Sends one claimed email and records the outcome.
async fn attempt(
    db: &Db,
    mailer: &dyn Mailer,
    settings: &EmailSettings,
    email: &PendingEmail,
) -> Result<(), NotifyError> {
    let id = email.notification_id;
    let recipient = {
        let mut conn = db.pool().acquire().await?;
        users::find(&mut conn, email.user_id).await?
    };
    let outcome = match recipient {
        None => Err("no address known for the user yet".to_owned()),
        Some(recipient) => {
            let message = Email {
                to: recipient.email,
                to_name: recipient.display_name.clone(),
                subject: email.subject.clone(),
                text: letter(&recipient.display_name, &email.body),
            };
            mailer.send(&message).await.map_err(|e| e.0)
        }
    };
    let attempts = u32::try_from(email.attempts + 1).unwrap_or(u32::MAX);
    let mut conn = db.pool().acquire().await?;
    match outcome {
        Ok(()) => {
            emails::mark_sent(&mut conn, id, Timestamp::now()).await?;
            metrics::email("sent");
            tracing::info!(notification.id = %id, attempts, "notification emailed");
        }
        Err(error) if attempts >= settings.max_attempts => {
            emails::give_up(&mut conn, id, &error).await?;
            metrics::email("failed");
            tracing::warn!(notification.id = %id, attempts, %error, "gave up emailing a notification");
        }
        Err(error) => {
            let next = Timestamp::now().plus(settings.backoff(attempts));
            emails::retry_at(&mut conn, id, next, &error).await?;
            metrics::email("retried");
            tracing::warn!(notification.id = %id, attempts, %error, "emailing a notification failed, will retry");
        }
    }
    Ok(())
}
