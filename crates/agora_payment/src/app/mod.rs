//! Payment's use cases. Each opens a transaction, changes state through the store (conditionally on the
//! state it decided from), writes its events to the outbox in the same transaction, and commits. Calls to
//! the provider are never made inside a transaction: they are slow, and the simulated provider writes to
//! the same database (on SQLite a second writer inside a transaction would wait for ever).

mod checkouts;
mod completion;
mod orders;
mod pay;
mod refunds;
mod sweeper;
mod view;
mod webhooks;

use std::sync::Arc;

use agora_bus::Outbox;
use agora_db::{Db, Tx};
use agora_http::{Caller, Role};
use tokio::sync::Notify;
use uuid::Uuid;

pub use completion::Completed;
pub use orders::OrderRefundOutcome;
pub use view::{AmountView, AttemptView, ErrorView, PaymentView, RefundView};
pub use webhooks::WebhookOutcome;

use crate::config::PaymentSettings;
use crate::domain::{Payment, PaymentError};
use crate::provider::Provider;
use crate::store::{attempts, payments};

/// The payment service's state, shared by its handlers, consumer and tasks.
#[derive(Clone)]
pub struct Payments {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<PaymentSettings>,
    pub provider: Arc<dyn Provider>,
    /// Woken when a refund is queued.
    refunds_queued: Arc<Notify>,
}

impl Payments {
    pub fn new(db: Db, outbox: Outbox, settings: PaymentSettings, provider: Arc<dyn Provider>) -> Payments {
        Payments { db, outbox, settings: Arc::new(settings), provider, refunds_queued: Arc::new(Notify::new()) }
    }

    async fn begin(&self) -> Result<Tx, PaymentError> {
        Ok(self.db.begin().await?)
    }

    /// The payment of a checkout, if `caller` may see it: its buyer or an admin. Anyone else learns nothing
    /// (404, as for a checkout without a payment).
    async fn visible(&self, caller: &Caller, checkout_id: Uuid) -> Result<Payment, PaymentError> {
        let mut conn = self.db.pool().acquire().await?;
        let payment = payments::find_by_checkout(&mut conn, checkout_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        if payment.buyer_id != caller.user_id && !caller.has(Role::Admin) {
            return Err(PaymentError::PaymentNotFound);
        }
        Ok(payment)
    }

    /// The payment of a checkout as its buyer sees it.
    pub async fn payment(&self, caller: &Caller, checkout_id: Uuid) -> Result<PaymentView, PaymentError> {
        let payment = self.visible(caller, checkout_id).await?;
        self.view(payment.id).await
    }

    /// The current view of a payment, read fresh.
    async fn view(&self, payment_id: Uuid) -> Result<PaymentView, PaymentError> {
        let mut conn = self.db.pool().acquire().await?;
        let payment = payments::find(&mut conn, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        let attempts = attempts::list_for(&mut conn, payment_id).await?;
        let refunds = crate::store::refunds::list_for(&mut conn, payment_id).await?;
        Ok(PaymentView::new(&payment, &attempts, &refunds))
    }
}
