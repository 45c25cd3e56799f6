//! The `order.checkouts` events payment reads, as the order service would publish them (through the test
//! kit's feeder).

use agora_core::{Currency, Money, Timestamp};
use agora_events::order::{CancelReason, CheckoutAwaitingPayment, CheckoutCancelled, CheckoutEvent};
use uuid::Uuid;

pub fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
}

pub fn awaiting(checkout_id: Uuid, buyer_id: Uuid, amount_minor: i64, pay_by: Timestamp) -> CheckoutEvent {
    CheckoutEvent::AwaitingPayment(CheckoutAwaitingPayment { checkout_id, buyer_id, total: eur(amount_minor), pay_by })
}

pub fn cancelled(checkout_id: Uuid, buyer_id: Uuid) -> CheckoutEvent {
    CheckoutEvent::Cancelled(CheckoutCancelled { checkout_id, buyer_id, reason: CancelReason::PaymentTimeout })
}
