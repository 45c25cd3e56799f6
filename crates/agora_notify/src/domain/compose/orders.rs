//! Orders (`order.orders`): the buyer hears of each step of their order, the seller of what they must do
//! (ship a paid order) and of what the buyer did (cancel). Buyers' links go to `/orders/{id}`, sellers' to
//! `/sell/orders/{id}`.

use agora_events::order::{CheckoutLine, OrderEvent, OrderStatusChanged};
use uuid::Uuid;

use super::draft;
use crate::domain::money::text;
use crate::domain::{Category, Draft};

fn buyer_link(order: Uuid) -> String {
    format!("/orders/{order}")
}

fn seller_link(order: Uuid) -> String {
    format!("/sell/orders/{order}")
}

fn to_buyer(o: &OrderStatusChanged, title: &str, body: String) -> Draft {
    draft(o.buyer_id, Category::Orders, title.to_owned(), body, buyer_link(o.order_id))
}

fn to_seller(o: &OrderStatusChanged, title: &str, body: String) -> Draft {
    draft(o.seller_id, Category::Orders, title.to_owned(), body, seller_link(o.order_id))
}

/// "Sencha", "Sencha and Teapot", "Sencha and 2 more items".
fn what(lines: &[CheckoutLine]) -> String {
    match lines {
        [] => "Your order".to_owned(),
        [one] => one.title.clone(),
        [first, second] => format!("{} and {}", first.title, second.title),
        [first, rest @ ..] => format!("{} and {} more items", first.title, rest.len()),
    }
}

/// Who cancelled, in words, and what they said.
fn cancelled_because(o: &OrderStatusChanged) -> String {
    let reason = o.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    match (o.by.as_deref(), reason) {
        (_, Some("payment_timeout")) => "The payment did not arrive in time.".to_owned(),
        (_, Some("hold_expired")) => "The items could not be held until payment.".to_owned(),
        (_, Some("out_of_stock")) => "Some items were out of stock.".to_owned(),
        (Some("buyer"), Some(reason)) => format!("The buyer cancelled it: \"{reason}\"."),
        (Some("buyer"), None) => "The buyer cancelled it.".to_owned(),
        (Some("seller"), Some(reason)) => format!("The seller cancelled it: \"{reason}\"."),
        (Some("seller"), None) => "The seller cancelled it.".to_owned(),
        (Some(_), Some(reason)) => format!("The marketplace cancelled it: \"{reason}\"."),
        (Some(_), None) => "The marketplace cancelled it.".to_owned(),
        (None, Some(reason)) => format!("It was cancelled: {reason}."),
        (None, None) => "It was cancelled.".to_owned(),
    }
}

/// Who hears what of an order event.
pub fn order(event: &OrderEvent) -> Vec<Draft> {
    match event {
        OrderEvent::Placed(p) => vec![draft(
            p.buyer_id,
            Category::Orders,
            "Order placed".to_owned(),
            format!("{} for {}. We will tell you when the payment is received.", what(&p.lines), text(p.total)),
            buyer_link(p.order_id),
        )],
        OrderEvent::Paid(o) => vec![
            to_buyer(o, "Payment received", format!("We received {} for your order.", text(o.total))),
            to_seller(o, "New order to ship", format!("An order of {} is paid and ready to ship.", text(o.total))),
        ],
        OrderEvent::Shipped(s) => vec![draft(
            s.buyer_id,
            Category::Orders,
            "Your order has shipped".to_owned(),
            format!("It is on its way with {}, tracking number {}.", s.carrier, s.tracking_number),
            buyer_link(s.order_id),
        )],
        OrderEvent::Delivered(o) => vec![
            to_buyer(o, "Your order was delivered", "Enjoy it, and tell others what you think in a review.".into()),
            to_seller(o, "Order delivered", format!("Your order of {} reached its buyer.", text(o.total))),
        ],
        OrderEvent::Cancelled(o) => {
            let mut body = cancelled_because(o);
            if let Some(refund) = o.refund {
                body.push_str(&format!(" A refund of {} is on its way.", text(refund)));
            }
            match o.by.as_deref() {
                // The buyer knows what they did; their seller needs to know.
                Some("buyer") => vec![to_seller(o, "An order was cancelled", body)],
                // The marketplace acted: both sides hear of it.
                Some("admin") => vec![
                    to_buyer(o, "Your order was cancelled", body.clone()),
                    to_seller(o, "An order was cancelled", body),
                ],
                // The seller, or the checkout's own flow (a payment that never came).
                _ => vec![to_buyer(o, "Your order was cancelled", body)],
            }
        }
        OrderEvent::Refunded(o) => {
            let amount = o.refund.unwrap_or(o.total);
            let body = format!("{} is on its way back to you.", text(amount));
            vec![to_buyer(o, "Refund issued", body)]
        }
    }
}

#[cfg(test)]
mod tests {
    use agora_core::{Currency, Money, Timestamp};
    use agora_events::order::OrderShipped;

    use super::*;

    fn eur(amount_minor: i64) -> Money {
        Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
    }

    fn status(by: Option<&str>, reason: Option<&str>, refund: Option<i64>) -> OrderStatusChanged {
        OrderStatusChanged {
            order_id: Uuid::now_v7(),
            checkout_id: Uuid::now_v7(),
            buyer_id: Uuid::now_v7(),
            seller_id: Uuid::now_v7(),
            total: eur(2500),
            reason: reason.map(str::to_owned),
            at: Timestamp::now(),
            lines: Vec::new(),
            by: by.map(str::to_owned),
            refund: refund.map(eur),
        }
    }

    fn users(drafts: &[Draft]) -> Vec<Uuid> {
        drafts.iter().map(|d| d.user_id).collect()
    }

    #[test]
    fn a_paid_order_tells_the_buyer_and_asks_the_seller_to_ship() {
        let o = status(None, None, None);
        let drafts = order(&OrderEvent::Paid(o.clone()));
        assert_eq!(users(&drafts), vec![o.buyer_id, o.seller_id]);
        assert_eq!(drafts[0].title, "Payment received");
        assert_eq!(drafts[0].body, "We received 25.00 EUR for your order.");
        assert_eq!(drafts[0].link.as_deref(), Some(format!("/orders/{}", o.order_id).as_str()));
        assert_eq!(drafts[1].title, "New order to ship");
        assert_eq!(drafts[1].link.as_deref(), Some(format!("/sell/orders/{}", o.order_id).as_str()));
    }

    #[test]
    fn a_cancellation_tells_the_other_side() {
        let by_buyer = status(Some("buyer"), Some("changed my mind"), Some(2500));
        let drafts = order(&OrderEvent::Cancelled(by_buyer.clone()));
        assert_eq!(users(&drafts), vec![by_buyer.seller_id]);
        assert_eq!(drafts[0].body, "The buyer cancelled it: \"changed my mind\". A refund of 25.00 EUR is on its way.");

        let by_seller = status(Some("seller"), Some("out of tea"), None);
        assert_eq!(users(&order(&OrderEvent::Cancelled(by_seller.clone()))), vec![by_seller.buyer_id]);

        let by_admin = status(Some("admin"), None, None);
        assert_eq!(
            users(&order(&OrderEvent::Cancelled(by_admin.clone()))),
            vec![by_admin.buyer_id, by_admin.seller_id]
        );

        let timed_out = status(None, Some("payment_timeout"), None);
        let drafts = order(&OrderEvent::Cancelled(timed_out.clone()));
        assert_eq!(users(&drafts), vec![timed_out.buyer_id]);
        assert_eq!(drafts[0].body, "The payment did not arrive in time.");
    }

    #[test]
    fn shipping_and_refunds_tell_the_buyer_the_details() {
        let shipped = OrderShipped {
            order_id: Uuid::now_v7(),
            checkout_id: Uuid::now_v7(),
            buyer_id: Uuid::now_v7(),
            seller_id: Uuid::now_v7(),
            carrier: "DHL".into(),
            tracking_number: "JJD000390007".into(),
            at: Timestamp::now(),
        };
        let drafts = order(&OrderEvent::Shipped(shipped.clone()));
        assert_eq!(users(&drafts), vec![shipped.buyer_id]);
        assert_eq!(drafts[0].body, "It is on its way with DHL, tracking number JJD000390007.");

        let refunded = status(Some("buyer"), None, Some(1999));
        let drafts = order(&OrderEvent::Refunded(refunded.clone()));
        assert_eq!(users(&drafts), vec![refunded.buyer_id]);
        assert_eq!(
            (drafts[0].title.as_str(), drafts[0].body.as_str()),
            ("Refund issued", "19.99 EUR is on its way back to you.")
        );
    }
}
