//! One seller's order and its state machine: it follows its checkout until paid, then its seller ships and
//! delivers it, or the buyer, the seller or an admin cancels it before it ships and payment refunds it.
//! A repeated request is recognised (`Already`); a step that does not fit is refused with the state named.

use agora_http::FieldError;
use serde::Deserialize;

use crate::domain::address::text;
use crate::domain::{CheckoutStatus, Move, OrderError};

/// The seller hands the order to a carrier.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipInput {
    /// 1–60 characters, e.g. "DHL".
    pub carrier: String,
    /// 1–60 characters.
    pub tracking_number: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    /// Up to 500 characters; required of a seller or an admin, optional for the buyer.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A checked request to change an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRequest {
    Ship { carrier: String, tracking_number: String },
    Deliver,
    Cancel { reason: Option<String> },
}

impl ShipInput {
    pub fn parse(&self) -> Result<OrderRequest, OrderError> {
        let mut errors = Vec::new();
        let mut field = |name: &str, value: &str| {
            text(value, 1, 60).unwrap_or_else(|message| {
                errors.push(FieldError::new(name, message));
                String::new()
            })
        };
        let request = OrderRequest::Ship {
            carrier: field("carrier", &self.carrier),
            tracking_number: field("tracking_number", &self.tracking_number),
        };
        if errors.is_empty() { Ok(request) } else { Err(OrderError::Invalid(errors)) }
    }
}

impl CancelInput {
    /// `actor`'s cancellation: a seller or an admin says why; the buyer may.
    pub fn parse(&self, actor: Actor) -> Result<OrderRequest, OrderError> {
        let reason = self.reason.as_deref().unwrap_or_default();
        let min = if actor == Actor::Buyer { 0 } else { 1 };
        let reason = text(reason, min, 500).map_err(|message| {
            let message =
                if min == 1 && reason.trim().is_empty() { "say why the order is cancelled".into() } else { message };
            OrderError::Invalid(vec![FieldError::new("reason", message)])
        })?;
        Ok(OrderRequest::Cancel { reason: (!reason.is_empty()).then_some(reason) })
    }
}

impl OrderRequest {
    pub fn action(&self) -> OrderAction {
        match self {
            OrderRequest::Ship { .. } => OrderAction::Ship,
            OrderRequest::Deliver => OrderAction::Deliver,
            OrderRequest::Cancel { .. } => OrderAction::Cancel,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Waiting for stock and payment.
    Pending,
    /// Paid and confirmed: the seller may fulfil it.
    Paid,
    /// Handed to a carrier.
    Shipped,
    Delivered,
    /// Ended without a sale (before payment), or cancelled before shipping (a refund is due).
    Cancelled,
    /// Cancelled after payment, and the money is back with the buyer.
    Refunded,
}

/// What someone does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    Ship,
    Deliver,
    Cancel,
    /// Payment confirmed the refund of a cancelled order.
    Refund,
}

/// Who acts on an order, as decided from the caller's token and the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Buyer,
    Seller,
    Admin,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Pending,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The order's state when its checkout reaches `checkout` (`None`: the order does not change).
    pub fn following(checkout: CheckoutStatus) -> Option<OrderStatus> {
        match checkout {
            CheckoutStatus::Paid => Some(OrderStatus::Paid),
            CheckoutStatus::Rejected | CheckoutStatus::Cancelled => Some(OrderStatus::Cancelled),
            CheckoutStatus::Pending | CheckoutStatus::AwaitingPayment => None,
        }
    }

    /// The state after `action`.
    pub fn apply(self, action: OrderAction) -> Result<Move<OrderStatus>, OrderError> {
        use OrderAction::*;
        use OrderStatus::*;
        match (self, action) {
            (Paid, Ship) => Ok(Move::To(Shipped)),
            (Shipped, Deliver) => Ok(Move::To(Delivered)),
            (Paid, Cancel) => Ok(Move::To(Cancelled)),
            (Cancelled, Refund) => Ok(Move::To(Refunded)),
            (Delivered, Deliver) | (Cancelled | Refunded, Cancel) | (Refunded, Refund) => Ok(Move::Already),
            (status, action) => Err(OrderError::OrderState { status: status.as_str(), action: action.as_str() }),
        }
    }

    /// What `actor` may do to an order in this state, for the API's `actions`.
    pub fn actions_for(self, actor: Actor) -> Vec<OrderAction> {
        [OrderAction::Ship, OrderAction::Deliver, OrderAction::Cancel]
            .into_iter()
            .filter(|a| a.allowed_for(actor) && matches!(self.apply(*a), Ok(Move::To(_))))
            .collect()
    }
}

impl OrderAction {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Ship => "ship",
            OrderAction::Deliver => "deliver",
            OrderAction::Cancel => "cancel",
            OrderAction::Refund => "refund",
        }
    }

    /// Only the seller fulfils; the buyer, the seller or an admin may cancel; refunds come from payment.
    pub fn allowed_for(self, actor: Actor) -> bool {
        match self {
            OrderAction::Ship | OrderAction::Deliver => actor == Actor::Seller,
            OrderAction::Cancel => true,
            OrderAction::Refund => false,
        }
    }
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Buyer => "buyer",
            Actor::Seller => "seller",
            Actor::Admin => "admin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction::*;
    use OrderStatus::*;

    #[test]
    fn an_order_is_fulfilled_in_order_and_cancelled_only_before_it_ships() {
        assert_eq!(Paid.apply(Ship).unwrap(), Move::To(Shipped));
        assert_eq!(Shipped.apply(Deliver).unwrap(), Move::To(Delivered));
        assert_eq!(Paid.apply(Cancel).unwrap(), Move::To(Cancelled));
        assert_eq!(Cancelled.apply(Refund).unwrap(), Move::To(Refunded));
        for (status, action) in [
            (Cancelled, Ship),
            (Delivered, Cancel),
            (Shipped, Cancel),
            (Paid, Deliver),
            (Pending, Ship),
            (Pending, Cancel),
            (Shipped, Ship),
            (Paid, Refund),
        ] {
            let refused = status.apply(action).unwrap_err();
            assert!(
                matches!(refused, OrderError::OrderState { status: s, .. } if s == status.as_str()),
                "{status:?} + {action:?}: {refused}"
            );
        }
    }

    #[test]
    fn repeating_a_request_that_already_happened_changes_nothing() {
        assert_eq!(Cancelled.apply(Cancel).unwrap(), Move::Already);
        assert_eq!(Refunded.apply(Cancel).unwrap(), Move::Already);
        assert_eq!(Delivered.apply(Deliver).unwrap(), Move::Already);
        assert_eq!(Refunded.apply(Refund).unwrap(), Move::Already);
    }

    #[test]
    fn each_party_is_offered_only_what_it_may_do() {
        assert_eq!(Paid.actions_for(Actor::Buyer), vec![Cancel]);
        assert_eq!(Paid.actions_for(Actor::Seller), vec![Ship, Cancel]);
        assert_eq!(Shipped.actions_for(Actor::Seller), vec![Deliver]);
        assert!(Shipped.actions_for(Actor::Buyer).is_empty());
        assert!(Delivered.actions_for(Actor::Seller).is_empty());
    }

    #[test]
    fn a_seller_must_say_why_and_a_buyer_may() {
        assert_eq!(CancelInput::default().parse(Actor::Buyer).unwrap(), OrderRequest::Cancel { reason: None });
        assert!(matches!(CancelInput::default().parse(Actor::Seller), Err(OrderError::Invalid(_))));
        let input = CancelInput { reason: Some("  Out of stock after a flood ".into()) };
        assert_eq!(
            input.parse(Actor::Admin).unwrap(),
            OrderRequest::Cancel { reason: Some("Out of stock after a flood".into()) }
        );
        let long = CancelInput { reason: Some("x".repeat(501)) };
        assert!(matches!(long.parse(Actor::Buyer), Err(OrderError::Invalid(_))));
    }

    #[test]
    fn a_shipment_needs_a_carrier_and_a_tracking_number() {
        let bad = ShipInput { carrier: " ".into(), tracking_number: "x".repeat(61) };
        let Err(OrderError::Invalid(errors)) = bad.parse() else { panic!("accepted") };
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
    }
}
