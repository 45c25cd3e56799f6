//! Visitors' carts: minting one, and merging it into the buyer's cart when the visitor signs in.

use serde::Serialize;
use uuid::Uuid;

use super::{CartView, Carts};
use crate::domain::{CartError, CartKey, CartOwner, GuestToken};
use crate::store::MergeLimits;

/// A new visitor's cart.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GuestCart {
    /// Send it back as the `X-Cart-Token` header. It is the cart's only key: keep it like a session cookie,
    /// never in a URL.
    pub token: String,
}

impl Carts {
    /// Mints a token and creates its empty cart.
    pub async fn create_guest_cart(&self) -> Result<GuestCart, CartError> {
        let token = GuestToken::mint()?;
        self.store.create(&CartOwner::Guest(token.clone()).key()).await?;
        Ok(GuestCart { token: token.as_str().to_owned() })
    }

    /// Moves the visitor's lines (`token`'s cart) into the buyer's cart and deletes the visitor's. A token
    /// without a cart (merged already, expired, malformed) changes nothing, so merging is idempotent.
    pub async fn merge(&self, buyer_id: Uuid, token: Option<&GuestToken>) -> Result<CartView, CartError> {
        let buyer = CartOwner::Buyer(buyer_id);
        let Some(token) = token else { return self.view(&buyer).await };
        let into = CartKey::buyer(buyer_id);
        let limits = MergeLimits { max_quantity: self.settings.max_quantity, max_lines: self.settings.max_lines };
        let mut cart = self.store.merge(&CartOwner::Guest(token.clone()).key(), &into, limits).await?;
        // A seller who filled a cart before signing in cannot buy from their own shop either.
        let own: Vec<Uuid> =
            cart.lines.iter().filter(|l| l.details.seller_id == buyer_id).map(|l| l.product_id).collect();
        if !own.is_empty() {
            cart = self.store.remove(&into, &own).await?;
        }
        Ok(self.answer(&cart, None).await)
    }
}
