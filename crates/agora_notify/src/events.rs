//! What notify reads, one consumer group per source so a slow source never holds back another:
//! `notify.orders` (order.orders), `notify.chat` (chat.messages), `notify.sellers` (identity.sellers),
//! `notify.products` (catalog.products), `notify.wishlist` (wishlist.alerts) and `notify.users`
//! (identity.users, the read model of where to email). Each event's notifications are stored in the
//! runner's transaction, which also records the event in the group's inbox.

use std::sync::Arc;

use agora_bus::{Consumer, Handler, HandlerError};
use agora_db::Tx;
use agora_events::catalog::ProductEvent;
use agora_events::chat::ChatEvent;
use agora_events::identity::{SellerEvent, UserEvent};
use agora_events::order::OrderEvent;
use agora_events::wishlist::WishlistAlert;
use agora_events::{Envelope, TopicEvents};
use async_trait::async_trait;

use crate::app::Inbox;
use crate::domain::{NotifyError, compose};
use crate::store::users;

/// Turns any source's events into notifications (the event's type says which source it is).
pub struct Notifier {
    pub inbox: Inbox,
}

/// The consumers of every source, sharing one handler.
pub fn consumers(inbox: Inbox) -> Vec<Consumer> {
    let handler: Arc<dyn Handler> = Arc::new(Notifier { inbox });
    [
        ("notify.orders", OrderEvent::TOPIC),
        ("notify.chat", ChatEvent::TOPIC),
        ("notify.sellers", SellerEvent::TOPIC),
        ("notify.products", ProductEvent::TOPIC),
        ("notify.wishlist", WishlistAlert::TOPIC),
        ("notify.users", UserEvent::TOPIC),
    ]
    .into_iter()
    .map(|(group, topic)| Consumer {
        group: group.to_owned(),
        topics: vec![topic.to_owned()],
        handler: handler.clone(),
    })
    .collect()
}

#[async_trait]
impl Handler for Notifier {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let drafts = if let Some(order) = event.decode::<OrderEvent>()? {
            compose::order(&order)
        } else if let Some(chat) = event.decode::<ChatEvent>()? {
            compose::chat(&chat)
        } else if let Some(seller) = event.decode::<SellerEvent>()? {
            compose::seller(&seller)
        } else if let Some(product) = event.decode::<ProductEvent>()? {
            compose::product(&product)
        } else if let Some(alert) = event.decode::<WishlistAlert>()? {
            compose::wishlist(&alert)
        } else if let Some(UserEvent::Registered(user)) = event.decode::<UserEvent>()? {
            return users::keep(tx, &user).await.map_err(classify);
        } else {
            Vec::new()
        };
        if drafts.is_empty() {
            return Ok(());
        }
        self.inbox.deliver(tx, event.id, drafts).await.map(drop).map_err(classify)
    }
}

/// Storage failures are worth retrying; anything else will fail again.
fn classify(err: NotifyError) -> HandlerError {
    match err {
        NotifyError::Db(_) | NotifyError::Event(_) | NotifyError::Internal(_) => {
            HandlerError::Transient(err.to_string())
        }
        other => HandlerError::Permanent(other.to_string()),
    }
}
