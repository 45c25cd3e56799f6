//! Opening a conversation with a product's seller, as its buyer (any signed-in user may be one). The
//! product's seller and title come from catalog; the unique key on (buyer, seller, product) makes a second
//! conversation impossible, however many opens race.

use agora_core::Timestamp;
use agora_http::Caller;
use uuid::Uuid;

use super::{Chats, ConversationView};
use crate::domain::{ChatError, Conversation};
use crate::metrics;
use crate::store::{conversations, users};

/// An open's outcome: the conversation, and whether this request opened it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub conversation: ConversationView,
    pub created: bool,
}

/// Names shown until identity's are known.
const BUYER: &str = "Buyer";
const SELLER: &str = "Seller";

impl Chats {
    /// The caller's conversation with the seller of `product_id`, opened now unless it exists.
    pub async fn open(&self, caller: &Caller, product_id: Uuid) -> Result<Opened, ChatError> {
        let mut conn = self.db.pool().acquire().await?;
        if let Some(existing) = conversations::find_of_buyer(&mut conn, caller.user_id, product_id).await? {
            drop(conn);
            return Ok(Opened { conversation: self.conversation(caller, existing.id).await?, created: false });
        }
        drop(conn);
        let offers = self.catalog.offers(&[product_id]).await.map_err(|_| ChatError::CatalogUnavailable)?;
        let offer = offers.get(&product_id).ok_or(ChatError::ProductNotFound)?;
        if offer.seller_id == caller.user_id {
            return Err(ChatError::OwnProduct);
        }
        let mut conn = self.db.pool().acquire().await?;
        let buyer = users::find(&mut conn, caller.user_id).await?;
        let seller = users::find(&mut conn, offer.seller_id).await?;
        let shop = Some(offer.shop_name.clone()).filter(|name| !name.trim().is_empty());
        let now = Timestamp::now();
        let conversation = Conversation {
            id: agora_core::new_id(),
            buyer_id: caller.user_id,
            seller_id: offer.seller_id,
            product_id,
            product_title: offer.title.clone(),
            buyer_name: buyer.display_name.unwrap_or_else(|| BUYER.to_owned()),
            seller_name: seller.shop_name.or(shop).or(seller.display_name).unwrap_or_else(|| SELLER.to_owned()),
            last_seq: 0,
            buyer_read_seq: 0,
            seller_read_seq: 0,
            created_at: now,
            updated_at: now,
        };
        let created = conversations::insert(&mut conn, &conversation).await?;
        let stored = conversations::find_of_buyer(&mut conn, caller.user_id, product_id)
            .await?
            .ok_or_else(|| ChatError::Internal("a conversation just opened is missing".to_owned()))?;
        drop(conn);
        if created {
            metrics::conversation_opened();
            tracing::debug!(conversation.id = %stored.id, product.id = %product_id, "conversation opened");
        }
        Ok(Opened { conversation: self.conversation(caller, stored.id).await?, created })
    }
}
