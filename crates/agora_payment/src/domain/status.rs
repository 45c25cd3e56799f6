//! The payment state machine. Every change of a payment's status goes through one of these functions;
//! the store then applies it with a conditional update from the state it was decided on, so two requests
//! deciding at once cannot both win.
//!
//! ```text
//! requires_payment ──attempt──▶ processing ──charge succeeded──▶ succeeded ──checkout cancelled──▶ refunded
//!        ▲                          │
//!        └──────attempt failed──────┘
//! requires_payment | processing ──checkout cancelled──▶ cancelled ──late charge (refunded at once)──▶ refunded
//! succeeded ──orders cancelled, their shares refunded──▶ succeeded … ──the last share──▶ refunded
//! ```
//!
//! A payment some of whose orders were refunded stays `succeeded` (the rest of the sale stands); the view
//! shows how much went back. It becomes `refunded` once its refunds add up to the whole charge.

use agora_core::Timestamp;

use super::PaymentError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Waiting for the buyer to pay (again, after a failed attempt).
    RequiresPayment,
    /// An attempt is at the provider: sent and not answered yet, or answered "processing" (a webhook follows).
    Processing,
    /// The checkout's total was captured.
    Succeeded,
    /// The checkout ended before it was paid; no more attempts.
    Cancelled,
    /// Money taken was given back.
    Refunded,
}

/// What a charge that succeeded at the provider does to the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// It pays the payment.
    Capture,
    /// The checkout was cancelled meanwhile: give the money back.
    RefundLate,
    /// The payment was paid by another charge already: give this one back.
    RefundDuplicate,
}

/// What a cancelled checkout does to its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Not paid: close it.
    Close,
    /// Paid: refund the captured charge.
    Refund,
    /// Closed or refunded already.
    Nothing,
}

/// What an order cancelled after payment does to its checkout's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderRefund {
    /// The charge was captured: the order's share goes back, if it fits in what is left of the charge.
    Refund,
    /// Not captured yet: its capture is on the way (events of different topics come in any order).
    NotCapturedYet,
    /// Nothing to give back per order: the whole charge went back already (a capture after the checkout
    /// was cancelled), or nothing was ever captured.
    Nothing,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 5] = [
        PaymentStatus::RequiresPayment,
        PaymentStatus::Processing,
        PaymentStatus::Succeeded,
        PaymentStatus::Cancelled,
        PaymentStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::RequiresPayment => "requires_payment",
            PaymentStatus::Processing => "processing",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// A new attempt may start: the status it moves to, or why not.
    pub fn start_attempt(self, now: Timestamp, pay_by: Timestamp) -> Result<PaymentStatus, PaymentError> {
        match self {
            PaymentStatus::RequiresPayment if now >= pay_by => {
                Err(PaymentError::PaymentClosed(self, "the time to pay for this checkout ran out"))
            }
            PaymentStatus::RequiresPayment => Ok(PaymentStatus::Processing),
            PaymentStatus::Processing => Err(PaymentError::PaymentInProgress),
            PaymentStatus::Succeeded => Err(PaymentError::AlreadyPaid),
            PaymentStatus::Cancelled => Err(PaymentError::PaymentClosed(self, "the checkout was cancelled")),
            PaymentStatus::Refunded => {
                Err(PaymentError::PaymentClosed(self, "the checkout was cancelled and refunded"))
            }
        }
    }

    /// The attempt at the provider failed: the buyer may try again.
    pub fn attempt_failed(self) -> Result<PaymentStatus, PaymentError> {
        match self {
            PaymentStatus::Processing => Ok(PaymentStatus::RequiresPayment),
            status => Err(PaymentError::InvalidState { status, action: "fail an attempt" }),
        }
    }

    /// A charge of this payment succeeded at the provider.
    pub fn complete(self) -> Completion {
        match self {
            PaymentStatus::RequiresPayment | PaymentStatus::Processing => Completion::Capture,
            PaymentStatus::Cancelled => Completion::RefundLate,
            PaymentStatus::Succeeded | PaymentStatus::Refunded => Completion::RefundDuplicate,
        }
    }

    /// The status a capture moves to.
    pub fn capture(self) -> Result<PaymentStatus, PaymentError> {
        match self.complete() {
            Completion::Capture => Ok(PaymentStatus::Succeeded),
            _ => Err(PaymentError::InvalidState { status: self, action: "be captured" }),
        }
    }

    /// The checkout was cancelled.
    pub fn cancel(self) -> CancelOutcome {
        match self {
            PaymentStatus::RequiresPayment | PaymentStatus::Processing => CancelOutcome::Close,
            PaymentStatus::Succeeded => CancelOutcome::Refund,
            PaymentStatus::Cancelled | PaymentStatus::Refunded => CancelOutcome::Nothing,
        }
    }

    /// One of the checkout's orders was cancelled after payment.
    pub fn refund_order(self) -> OrderRefund {
        match self {
            PaymentStatus::Succeeded => OrderRefund::Refund,
            PaymentStatus::RequiresPayment | PaymentStatus::Processing => OrderRefund::NotCapturedYet,
            PaymentStatus::Cancelled | PaymentStatus::Refunded => OrderRefund::Nothing,
        }
    }

    /// The provider confirmed refunds of all the payment's money (a captured charge, or a late one).
    pub fn refunded(self) -> Result<PaymentStatus, PaymentError> {
        match self {
            PaymentStatus::Succeeded | PaymentStatus::Cancelled => Ok(PaymentStatus::Refunded),
            status => Err(PaymentError::InvalidState { status, action: "be refunded" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn later() -> Timestamp {
        Timestamp::now().plus(Duration::from_secs(60))
    }

    #[test]
    fn only_a_payment_waiting_for_money_takes_an_attempt() {
        let now = Timestamp::now();
        assert_eq!(PaymentStatus::RequiresPayment.start_attempt(now, later()).unwrap(), PaymentStatus::Processing);
        let past = now.minus(Duration::from_secs(1));
        assert!(matches!(
            PaymentStatus::RequiresPayment.start_attempt(now, past),
            Err(PaymentError::PaymentClosed(..))
        ));
        assert!(matches!(PaymentStatus::Processing.start_attempt(now, later()), Err(PaymentError::PaymentInProgress)));
        assert!(matches!(PaymentStatus::Succeeded.start_attempt(now, later()), Err(PaymentError::AlreadyPaid)));
        assert!(matches!(PaymentStatus::Cancelled.start_attempt(now, later()), Err(PaymentError::PaymentClosed(..))));
    }

    #[test]
    fn a_charge_captures_once_and_is_refunded_when_the_checkout_is_gone() {
        assert_eq!(PaymentStatus::Processing.complete(), Completion::Capture);
        assert_eq!(PaymentStatus::Cancelled.complete(), Completion::RefundLate);
        assert_eq!(PaymentStatus::Succeeded.complete(), Completion::RefundDuplicate);
        let err = PaymentStatus::Succeeded.capture().unwrap_err();
        assert_eq!(err.to_string(), "the payment's status is succeeded; it cannot be captured");
    }

    #[test]
    fn cancelling_closes_refunds_or_does_nothing() {
        assert_eq!(PaymentStatus::Processing.cancel(), CancelOutcome::Close);
        assert_eq!(PaymentStatus::Succeeded.cancel(), CancelOutcome::Refund);
        assert_eq!(PaymentStatus::Refunded.cancel(), CancelOutcome::Nothing);
        assert_eq!(PaymentStatus::Succeeded.refunded().unwrap(), PaymentStatus::Refunded);
        assert!(PaymentStatus::RequiresPayment.refunded().is_err());
        assert!(PaymentStatus::RequiresPayment.attempt_failed().is_err());
    }

    #[test]
    fn an_order_is_refunded_only_from_a_captured_payment() {
        assert_eq!(PaymentStatus::Succeeded.refund_order(), OrderRefund::Refund);
        assert_eq!(PaymentStatus::Processing.refund_order(), OrderRefund::NotCapturedYet);
        assert_eq!(PaymentStatus::RequiresPayment.refund_order(), OrderRefund::NotCapturedYet);
        assert_eq!(PaymentStatus::Refunded.refund_order(), OrderRefund::Nothing);
        assert_eq!(PaymentStatus::Cancelled.refund_order(), OrderRefund::Nothing);
    }

    #[test]
    fn statuses_read_back() {
        for status in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(status.as_str()), Some(status));
        }
    }
}
