//! Chat messages for an offline recipient, seller applications decided, products an admin hid, and the
//! alerts of buyers' wishlists.

use agora_events::catalog::ProductEvent;
use agora_events::chat::ChatEvent;
use agora_events::identity::SellerEvent;
use agora_events::wishlist::WishlistAlert;

use super::{draft, preview};
use crate::domain::money::text;
use crate::domain::{Category, Draft};

/// Characters of a message shown in its notification.
pub const PREVIEW_CHARS: usize = 140;

/// A message tells its recipient only while they have no chat page open (they see it there otherwise).
pub fn chat(event: &ChatEvent) -> Vec<Draft> {
    match event {
        ChatEvent::MessagePosted(m) if !m.recipient_online => vec![draft(
            m.recipient_id,
            Category::Messages,
            format!("New message from {}", m.sender_name),
            format!("About {}: {}", m.product_title, preview(&m.body, PREVIEW_CHARS)),
            format!("/messages/{}", m.conversation_id),
        )],
        ChatEvent::MessagePosted(_) | ChatEvent::MessagesRead(_) => Vec::new(),
    }
}

/// A seller application decided, or a seller's role taken back, tells that user.
pub fn seller(event: &SellerEvent) -> Vec<Draft> {
    let (user, title, body) = match event {
        SellerEvent::Approved(a) => {
            (a.user_id, format!("Your shop {} is approved", a.shop_name), "You can list your products now.".to_owned())
        }
        SellerEvent::Rejected(r) => {
            (r.user_id, "Your seller application was not approved".to_owned(), format!("Reason: {}", r.reason))
        }
        SellerEvent::Revoked(r) => {
            (r.user_id, "Your shop was closed by the marketplace".to_owned(), format!("Reason: {}", r.reason))
        }
    };
    vec![draft(user, Category::Account, title, body, "/sell".to_owned())]
}

/// A product an admin hid tells its seller (a seller hiding their own needs no telling).
pub fn product(event: &ProductEvent) -> Vec<Draft> {
    match event {
        ProductEvent::Hidden(h) if h.by_admin => {
            let reason = h.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let body = match reason {
                Some(reason) => format!("Reason: {reason}. It is not for sale until it is shown again."),
                None => "It is not for sale until it is shown again.".to_owned(),
            };
            vec![draft(
                h.seller_id,
                Category::Products,
                format!("An admin hid {}", h.title),
                body,
                format!("/sell/products/{}/edit", h.product_id),
            )]
        }
        _ => Vec::new(),
    }
}

/// A wishlist alert tells the buyer it is for.
pub fn wishlist(event: &WishlistAlert) -> Vec<Draft> {
    match event {
        WishlistAlert::PriceDropped(a) => vec![draft(
            a.user_id,
            Category::Wishlist,
            format!("{} is now {}", a.title, text(a.new_price)),
            format!("It was {}.", text(a.old_price)),
            format!("/p/{}", a.product_id),
        )],
        WishlistAlert::BackInStock(a) => vec![draft(
            a.user_id,
            Category::Wishlist,
            format!("{} is back in stock", a.title),
            format!("{} available now.", a.available),
            format!("/p/{}", a.product_id),
        )],
    }
}

#[cfg(test)]
mod tests {
    use agora_core::Timestamp;
    use agora_events::catalog::ProductHidden;
    use agora_events::chat::MessagePosted;
    use uuid::Uuid;

    use super::*;

    fn message(online: bool, body: &str) -> ChatEvent {
        ChatEvent::MessagePosted(MessagePosted {
            conversation_id: Uuid::now_v7(),
            message_id: Uuid::now_v7(),
            seq: 1,
            sender_id: Uuid::now_v7(),
            recipient_id: Uuid::now_v7(),
            buyer_id: Uuid::now_v7(),
            seller_id: Uuid::now_v7(),
            product_id: Uuid::now_v7(),
            product_title: "Sencha".into(),
            sender_name: "Carol".into(),
            body: body.into(),
            sent_at: Timestamp::now(),
            recipient_online: online,
            recipient_unread: 1,
        })
    }

    #[test]
    fn a_message_tells_an_offline_recipient_only() {
        assert!(chat(&message(true, "Hello")).is_empty());
        let drafts = chat(&message(false, "Is it still available?"));
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].title, "New message from Carol");
        assert_eq!(drafts[0].body, "About Sencha: Is it still available?");
        assert_eq!(drafts[0].category, Category::Messages);
    }

    #[test]
    fn only_an_admin_hiding_a_product_tells_its_seller() {
        let hidden = |by_admin| ProductHidden {
            product_id: Uuid::now_v7(),
            seller_id: Uuid::now_v7(),
            title: "Sencha".into(),
            by_admin,
            reason: Some("misleading photos".into()),
            version: 3,
        };
        assert!(product(&ProductEvent::Hidden(hidden(false))).is_empty());
        let h = hidden(true);
        let drafts = product(&ProductEvent::Hidden(h.clone()));
        assert_eq!(drafts[0].user_id, h.seller_id);
        assert_eq!(drafts[0].title, "An admin hid Sencha");
        assert!(drafts[0].body.starts_with("Reason: misleading photos."));
        assert_eq!(drafts[0].link.as_deref(), Some(format!("/sell/products/{}/edit", h.product_id).as_str()));
    }
}
