//! The order events payment reads — `order.checkouts` and `order.orders` — as the order service would
//! publish them (through the test kit's feeder).

use agora_core::{Currency, Money, Timestamp};
use agora_events::order::{
    BoughtLine, CancelReason, CheckoutAwaitingPayment, CheckoutCancelled, CheckoutEvent, OrderEvent, OrderStatusChanged,
};
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

/// One seller's order of a checkout, as order's events name it.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    pub id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub total_minor: i64,
}

impl Order {
    pub fn of(checkout_id: Uuid, buyer_id: Uuid, total_minor: i64) -> Order {
        Order { id: Uuid::now_v7(), checkout_id, buyer_id, total_minor }
    }

    /// `order_cancelled` after payment, by the seller: `refund` is due (normally the order's total).
    pub fn cancelled_with_refund(&self, refund_minor: i64) -> OrderEvent {
        OrderEvent::Cancelled(self.status_changed(Some("seller"), Some(eur(refund_minor))))
    }

    /// `order_cancelled` before payment, by the checkout's flow: nothing to refund.
    pub fn cancelled_unpaid(&self) -> OrderEvent {
        OrderEvent::Cancelled(self.status_changed(None, None))
    }

    fn status_changed(&self, by: Option<&str>, refund: Option<Money>) -> OrderStatusChanged {
        OrderStatusChanged {
            order_id: self.id,
            checkout_id: self.checkout_id,
            buyer_id: self.buyer_id,
            seller_id: Uuid::now_v7(),
            total: eur(self.total_minor),
            reason: Some("Broken in the warehouse".to_owned()),
            at: Timestamp::now(),
            lines: vec![BoughtLine { product_id: Uuid::now_v7(), quantity: 1 }],
            by: by.map(str::to_owned),
            refund,
        }
    }
}
