//! The registry of every topic Agora publishes, for schema export and topic creation.
//!
//! Services add their topic here when they introduce one.

use crate::catalog::{HoldEvent, ProductEvent, ReviewEvent, StockEvent};
use crate::chat::ChatEvent;
use crate::identity::{SellerEvent, UserEvent};
use crate::notify::NotifyEvent;
use crate::order::{CheckoutEvent, OrderEvent};
use crate::payment::PaymentEvent;
use crate::wishlist::WishlistAlert;
use crate::{TopicDoc, TopicEvents};

/// Every topic and its event types.
pub fn topics() -> Vec<TopicDoc> {
    vec![
        UserEvent::doc(),
        SellerEvent::doc(),
        ProductEvent::doc(),
        StockEvent::doc(),
        HoldEvent::doc(),
        ReviewEvent::doc(),
        CheckoutEvent::doc(),
        OrderEvent::doc(),
        PaymentEvent::doc(),
        WishlistAlert::doc(),
        ChatEvent::doc(),
        NotifyEvent::doc(),
    ]
}
