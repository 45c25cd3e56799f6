//! The checkout's state machine (design §5). Each state change is a transition function; an event that does
//! not fit the current state is refused with the state named, and an event seen before is recognised as such,
//! so redelivery changes nothing.

use crate::domain::OrderError;

/// Where a checkout is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutStatus {
    /// Placed; catalog is holding its stock.
    Pending,
    /// Stock held; the buyer may pay (and retry a failed payment) until `pay_by`.
    AwaitingPayment,
    /// Paid: its orders are confirmed and its stock sold.
    Paid,
    /// Stock was short: nothing held, nothing charged.
    Rejected,
    /// Time ran out before a payment succeeded: stock released.
    Cancelled,
}

/// What happened to a checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutStep {
    StockHeld,
    StockRejected,
    PaymentSucceeded,
    /// Its payment window closed, or catalog expired its hold.
    TimedOut,
}

/// Whether a step changes the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move<S> {
    To(S),
    /// The step was applied before (a redelivered event, a repeated request).
    Already,
}

impl CheckoutStatus {
    pub const ALL: [CheckoutStatus; 5] = [
        CheckoutStatus::Pending,
        CheckoutStatus::AwaitingPayment,
        CheckoutStatus::Paid,
        CheckoutStatus::Rejected,
        CheckoutStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckoutStatus::Pending => "pending",
            CheckoutStatus::AwaitingPayment => "awaiting_payment",
            CheckoutStatus::Paid => "paid",
            CheckoutStatus::Rejected => "rejected",
            CheckoutStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<CheckoutStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state after `step`.
    pub fn apply(self, step: CheckoutStep) -> Result<Move<CheckoutStatus>, OrderError> {
        use CheckoutStatus::*;
        use CheckoutStep::*;
        match (self, step) {
            (Pending, StockHeld) => Ok(Move::To(AwaitingPayment)),
            (Pending, StockRejected) => Ok(Move::To(Rejected)),
            (AwaitingPayment, PaymentSucceeded) => Ok(Move::To(Paid)),
            (Pending | AwaitingPayment, TimedOut) => Ok(Move::To(Cancelled)),
            (AwaitingPayment, StockHeld)
            | (Rejected, StockRejected)
            | (Paid, PaymentSucceeded)
            | (Cancelled | Rejected, TimedOut) => Ok(Move::Already),
            (from, step) => Err(OrderError::IllegalTransition { from: from.as_str(), step: step.as_str() }),
        }
    }

    /// Whether nothing more will happen to the checkout.
    pub fn is_final(self) -> bool {
        matches!(self, CheckoutStatus::Paid | CheckoutStatus::Rejected | CheckoutStatus::Cancelled)
    }
}

impl CheckoutStep {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckoutStep::StockHeld => "stock_held",
            CheckoutStep::StockRejected => "stock_rejected",
            CheckoutStep::PaymentSucceeded => "payment_succeeded",
            CheckoutStep::TimedOut => "timed_out",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_moves_only_forward_and_recognises_repeats() {
        use CheckoutStatus::*;
        use CheckoutStep::*;
        assert_eq!(Pending.apply(StockHeld).unwrap(), Move::To(AwaitingPayment));
        assert_eq!(AwaitingPayment.apply(StockHeld).unwrap(), Move::Already);
        assert_eq!(AwaitingPayment.apply(PaymentSucceeded).unwrap(), Move::To(Paid));
        assert_eq!(Paid.apply(PaymentSucceeded).unwrap(), Move::Already);
        assert_eq!(AwaitingPayment.apply(TimedOut).unwrap(), Move::To(Cancelled));
        assert!(Paid.apply(TimedOut).is_err(), "a paid checkout is never cancelled by the clock");
        assert!(Cancelled.apply(PaymentSucceeded).is_err(), "a payment after cancelling does not revive it");
        assert!(Pending.apply(PaymentSucceeded).is_err());
        assert!(Rejected.apply(StockHeld).is_err());
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for status in CheckoutStatus::ALL {
            assert_eq!(CheckoutStatus::parse(status.as_str()), Some(status));
        }
    }
}
