//! The checkout's flow after placing (design §5, steps 2–4), driven by events and the clock: stock held →
//! awaiting payment; stock short → rejected; payment succeeded → paid (orders confirmed, stock sold);
//! time up → cancelled (stock released, any payment closed). Every step runs in the caller's transaction
//! (a consumer's, so the event is recorded as handled in the same commit), locks the checkout, checks the
//! transition and emits its events; a step seen before changes nothing.

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::catalog::ShortLine;
use agora_events::order::{
    BoughtLine, CancelReason, CheckoutAwaitingPayment, CheckoutCancelled, CheckoutEvent, CheckoutPaid,
    CheckoutRejected, OrderEvent,
};
use uuid::Uuid;

use super::Orders;
use crate::domain::{CheckoutStatus, CheckoutStep, Move, OrderError, OrderStatus};
use crate::store::checkouts::{self, Change, Checkout};
use crate::store::orders;

/// What happened to a checkout, with what the step records.
#[derive(Debug, Clone)]
pub enum Progress {
    StockHeld { until: Timestamp },
    StockRejected { short: Vec<ShortLine> },
    Paid { payment_id: Uuid },
    TimedOut { reason: CancelReason },
}

impl Progress {
    fn step(&self) -> CheckoutStep {
        match self {
            Progress::StockHeld { .. } => CheckoutStep::StockHeld,
            Progress::StockRejected { .. } => CheckoutStep::StockRejected,
            Progress::Paid { .. } => CheckoutStep::PaymentSucceeded,
            Progress::TimedOut { .. } => CheckoutStep::TimedOut,
        }
    }
}

impl Orders {
    /// Applies `progress` to checkout `id` inside `tx`; answers the new status, or `None` when the step was
    /// applied before.
    pub async fn advance(
        &self,
        tx: &mut Tx,
        id: Uuid,
        progress: Progress,
    ) -> Result<Option<CheckoutStatus>, OrderError> {
        let checkout = checkouts::find_for_update(tx, id).await?.ok_or(OrderError::CheckoutNotFound)?;
        let Move::To(to) = checkout.status.apply(progress.step())? else {
            return Ok(None);
        };
        let now = Timestamp::now();
        let change = match &progress {
            Progress::StockHeld { until } => {
                // Paying must end before the hold does, so a payment inside the window always finds its stock.
                let pay_by = now.plus(self.settings.checkout_ttl()).min(*until);
                Change { pay_by: Some(pay_by), ..Change::default() }
            }
            Progress::StockRejected { short } => {
                Change { short: Some(short.clone()), cancel_reason: Some("out_of_stock".into()), ..Change::default() }
            }
            Progress::Paid { payment_id } => Change { payment_id: Some(*payment_id), ..Change::default() },
            Progress::TimedOut { reason } => {
                Change { cancel_reason: Some(reason_code(*reason).into()), ..Change::default() }
            }
        };
        if !checkouts::transition(tx, id, checkout.status, to, &change).await? {
            return Err(OrderError::Internal(format!("checkout {id} changed under its lock")));
        }
        let checkout = Checkout { status: to, pay_by: change.pay_by.or(checkout.pay_by), ..checkout };
        self.follow(tx, &checkout, &progress).await?;
        self.announce(tx, &checkout, &progress).await?;
        metrics::counter!("agora_order_checkout_steps_total", "to" => to.as_str()).increment(1);
        let seconds = (now.as_micros() - checkout.created_at.as_micros()) as f64 / 1e6;
        metrics::histogram!("agora_order_checkout_stage_seconds", "stage" => to.as_str()).record(seconds);
        tracing::info!(checkout.id = %id, status = to.as_str(), "checkout moved");
        Ok(Some(to))
    }

    /// The checkout's orders follow it, each with an entry on its timeline and its own event.
    async fn follow(&self, tx: &mut Tx, checkout: &Checkout, progress: &Progress) -> Result<(), OrderError> {
        let Some(status) = OrderStatus::following(checkout.status) else {
            for order in orders::of_checkout(tx, checkout.id).await? {
                orders::record(tx, order.id, "stock_reserved", "Items reserved; waiting for payment").await?;
            }
            return Ok(());
        };
        let (kind, note, reason) = match progress {
            Progress::Paid { .. } => ("paid", "Payment received; order confirmed".to_owned(), None),
            Progress::StockRejected { short } => {
                let names: Vec<String> = short.iter().map(|s| format!("{:?}", s.title)).collect();
                let note = format!("Cancelled: not enough stock of {}", names.join(", "));
                ("cancelled", note, Some("out_of_stock"))
            }
            Progress::TimedOut { reason } => {
                ("cancelled", "Cancelled: not paid in time; items released".to_owned(), Some(reason_code(*reason)))
            }
            Progress::StockHeld { .. } => return Ok(()),
        };
        for order in orders::transition_checkout(tx, checkout.id, OrderStatus::Pending, status, reason).await? {
            orders::record(tx, order.id, kind, &note).await?;
            let changed = self.status_changed(tx, &order, reason.map(str::to_owned), None, None).await?;
            let event =
                if status == OrderStatus::Paid { OrderEvent::Paid(changed) } else { OrderEvent::Cancelled(changed) };
            self.outbox.emit(tx, &event).await?;
        }
        Ok(())
    }

    /// The checkout's own event, which moves the other services on.
    async fn announce(&self, tx: &mut Tx, checkout: &Checkout, progress: &Progress) -> Result<(), OrderError> {
        let (checkout_id, buyer_id) = (checkout.id, checkout.buyer_id);
        let event = match progress {
            Progress::StockHeld { .. } => CheckoutEvent::AwaitingPayment(CheckoutAwaitingPayment {
                checkout_id,
                buyer_id,
                total: checkout.total,
                pay_by: checkout.pay_by.unwrap_or_else(Timestamp::now),
            }),
            Progress::StockRejected { short } => {
                CheckoutEvent::Rejected(CheckoutRejected { checkout_id, buyer_id, short: short.clone() })
            }
            Progress::Paid { payment_id } => {
                let order_ids: Vec<Uuid> = orders::of_checkout(tx, checkout_id).await?.iter().map(|o| o.id).collect();
                let lines = orders::lines(tx, &order_ids)
                    .await?
                    .into_values()
                    .flatten()
                    .map(|l| BoughtLine { product_id: l.product_id, quantity: l.quantity })
                    .collect();
                CheckoutEvent::Paid(CheckoutPaid {
                    checkout_id,
                    buyer_id,
                    payment_id: *payment_id,
                    total: checkout.total,
                    lines,
                })
            }
            Progress::TimedOut { reason } => {
                CheckoutEvent::Cancelled(CheckoutCancelled { checkout_id, buyer_id, reason: *reason })
            }
        };
        self.outbox.emit(tx, &event).await?;
        Ok(())
    }

    /// A failed payment attempt: the buyer sees why and may try again while the checkout is open.
    pub async fn payment_failed(&self, tx: &mut Tx, id: Uuid, message: &str) -> Result<(), OrderError> {
        let Some(checkout) = checkouts::find_for_update(tx, id).await? else { return Ok(()) };
        if checkout.status != CheckoutStatus::AwaitingPayment {
            return Ok(());
        }
        checkouts::set_payment_error(tx, id, message).await?;
        for order in orders::of_checkout(tx, id).await? {
            orders::record(tx, order.id, "payment_failed", &format!("Payment failed: {message}")).await?;
        }
        Ok(())
    }

    /// Money given back after the checkout ended without a sale (a payment that completed too late).
    pub async fn payment_refunded(&self, tx: &mut Tx, id: Uuid) -> Result<(), OrderError> {
        for order in orders::of_checkout(tx, id).await? {
            orders::record(tx, order.id, "refunded", "Payment refunded").await?;
        }
        Ok(())
    }

    /// Cancels every checkout whose time is up; answers how many. One that fails is logged and skipped.
    pub async fn cancel_due(&self) -> Result<usize, OrderError> {
        let now = Timestamp::now();
        // A checkout catalog never answered is given as long as a paid-for one would be.
        let stale_before = now.minus(self.settings.checkout_ttl());
        let due = {
            let mut conn = self.db.pool().acquire().await?;
            checkouts::due(&mut conn, now, stale_before, 500).await?
        };
        let mut cancelled = 0;
        for id in due {
            let mut tx = self.begin().await?;
            match self.advance(&mut tx, id, Progress::TimedOut { reason: CancelReason::PaymentTimeout }).await {
                Ok(moved) => {
                    tx.commit().await?;
                    cancelled += usize::from(moved.is_some());
                }
                // Paid meanwhile.
                Err(OrderError::IllegalTransition { .. }) => {}
                Err(err) => {
                    metrics::counter!("agora_order_cancel_failures_total").increment(1);
                    tracing::error!(checkout.id = %id, error = %err, "a checkout past its time could not be cancelled");
                }
            }
        }
        Ok(cancelled)
    }
}

fn reason_code(reason: CancelReason) -> &'static str {
    match reason {
        CancelReason::PaymentTimeout => "payment_timeout",
        CancelReason::HoldExpired => "hold_expired",
    }
}
