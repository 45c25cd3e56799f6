//! What chat reads from identity (consumer group `chat.users`): display names from `identity.users` and
//! shop names from `identity.sellers`, into the users read model conversations take their names from.

use agora_bus::{Handler, HandlerError};
use agora_db::Tx;
use agora_events::Envelope;
use agora_events::identity::{SellerEvent, UserEvent};
use async_trait::async_trait;

use crate::domain::ChatError;
use crate::store::users;

pub struct UserNames;

#[async_trait]
impl Handler for UserNames {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        let result = if let Some(user) = event.decode::<UserEvent>()? {
            match user {
                UserEvent::Registered(u) => users::keep_display_name(tx, u.user_id, &u.display_name).await,
                UserEvent::Disabled(_) => Ok(()),
            }
        } else if let Some(seller) = event.decode::<SellerEvent>()? {
            match seller {
                SellerEvent::Approved(s) => users::keep_shop_name(tx, s.user_id, &s.shop_name).await,
                // A former seller's conversations keep the shop's name.
                SellerEvent::Rejected(_) | SellerEvent::Revoked(_) => Ok(()),
            }
        } else {
            Ok(())
        };
        result.map_err(classify)
    }
}

/// Storage failures are worth retrying; anything else will fail again.
fn classify(err: ChatError) -> HandlerError {
    match err {
        ChatError::Db(_) | ChatError::Event(_) | ChatError::Internal(_) => HandlerError::Transient(err.to_string()),
        other => HandlerError::Permanent(other.to_string()),
    }
}
